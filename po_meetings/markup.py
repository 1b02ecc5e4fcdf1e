"""Turn user-written Markdown into safe HTML; the only place user text becomes ``Markup``.

Agenda descriptions, minutes and comments are written by users, and the pages use htmx,
so a stray ``hx-get`` or ``onclick`` in user content would run with the viewer's session.
Keeping one function (:func:`render_markdown`) and one Jinja filter (``markdown``) means
there is a single place to audit.  Two independent layers protect it:

1. Markdown's raw-HTML support is switched off, so anything a user types as ``<tag>``
   is shown as visible, escaped text rather than becoming HTML.
2. The generated HTML is cleaned by ``nh3`` against an explicit allowlist of tags,
   attributes and URL schemes, so even a Markdown bug cannot smuggle in ``on*``,
   ``style``, ``hx-*``, ``data-*``, ``class``/``id`` or ``javascript:`` URLs.

Decisions worth knowing:

* Headings are demoted two levels (``#`` -> ``<h3>``, ``##`` -> ``<h4>``, deeper -> ``<h6>``)
  so user text never competes with the page's own ``<h1>``/``<h2>`` outline.
* Images are not allowed (no ``<img>``): ``![alt](url)`` is left as its literal text, so the
  alt text and URL stay visible instead of silently disappearing.
* Besides nh3's own URL check, an ``href`` is dropped if, with all whitespace and control
  characters removed, it starts with a scheme other than http/https/mailto (belt and braces
  against ``java\tscript:``-style tricks); relative links are kept.
* Line breaks inside a paragraph are kept (``nl2br``), as staff write minutes line by line.
* Table column alignment uses the ``align`` attribute (never ``style``), limited to
  left/center/right.
"""

from __future__ import annotations

import functools
import re
import threading
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

__all__ = [
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "LINK_REL",
    "html_attributes",
    "init_app",
    "label_html",
    "mark_hits",
    "options_html",
    "render_markdown",
    "select_html",
    "trusted_svg",
]

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "hr",
        "ul", "ol", "li",
        "h3", "h4", "h5", "h6",
        "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

_ATTRIBUTES = {"a": {"href", "title"}}
_ALIGN = {"align": {"left", "center", "right"}}
_ATTRIBUTE_VALUES = {"th": _ALIGN, "td": _ALIGN}

_EXTENSIONS = ["sane_lists", "tables", "fenced_code", "nl2br"]
_EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}

# Registry names as of Markdown 3.x (markdown/preprocessors.py, markdown/inlinepatterns.py).
_RAW_HTML_PREPROCESSORS = ("html_block",)
_DISABLED_INLINE_PATTERNS = ("html", "image_link", "image_reference", "short_image_ref")

_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_URL_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")

_HEADINGS = {f"h{level}": f"h{min(level + 2, 6)}" for level in range(1, 7)}


class _DemoteHeadings(Treeprocessor):
    """Shift every heading down two levels, capped at ``<h6>``."""

    def run(self, root: etree.Element) -> None:
        """Rename heading elements in place."""
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag in _HEADINGS:
                element.tag = _HEADINGS[element.tag]


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Drop an href whose scheme, ignoring whitespace and control characters, is not allowed."""
    if attribute == "href":
        match = _URL_SCHEME.match(_URL_NOISE.sub("", value).lower())
        if match and match.group(1) not in ALLOWED_URL_SCHEMES:
            return None
    return value


def _new_markdown() -> markdown.Markdown:
    """Build a fresh Markdown converter with raw HTML and images disabled."""
    md = markdown.Markdown(
        extensions=_EXTENSIONS,
        extension_configs=_EXTENSION_CONFIGS,
        output_format="html",
    )
    for name in _RAW_HTML_PREPROCESSORS:
        md.preprocessors.deregister(name)
    for name in _DISABLED_INLINE_PATTERNS:
        md.inlinePatterns.deregister(name)
    md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 5)
    return md


#: One converter per thread, reset before each text: building one costs more than converting a
#: short text, and a Markdown instance keeps per-document state, so it must not be shared between
#: threads (a gunicorn thread or a test's pool each get their own).
_local = threading.local()

#: The cleaner holds only the allowlist (nh3 compiles it once); it is immutable and thread-safe.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes=_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    tag_attribute_values=_ATTRIBUTE_VALUES,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def _converter() -> markdown.Markdown:
    """Return this thread's converter, reset to a clean document."""
    md = getattr(_local, "markdown", None)
    if md is None:
        md = _local.markdown = _new_markdown()
    return md.reset()


#: Texts up to this long are remembered with their HTML (see :func:`render_markdown`).
_REMEMBERED_LENGTH = 20_000


def render_markdown(text: str | None) -> Markup:
    """Render user Markdown to sanitised HTML marked safe for templates.

    The HTML depends on the text alone, so the last few hundred texts (each at most
    ``_REMEMBERED_LENGTH`` characters) are remembered with their HTML, keyed by the whole text: a
    page shown again (the minutes' §§ and decisions, a report) converts nothing that did not change,
    and a changed text is a new key. Converting costs ~0.1–1 ms a text.
    """
    if not text:
        return Markup("")
    text = str(text)
    if len(text) > _REMEMBERED_LENGTH:
        return _render(text)
    return _remembered(text)


def _render(text: str) -> Markup:
    """Convert and clean one text."""
    return Markup(_CLEANER.clean(_converter().convert(text)))


_remembered = functools.lru_cache(maxsize=512)(_render)


def mark_hits(text: str, start: str, stop: str) -> Markup:
    """Escape a search snippet and turn the engine's hit markers (``start`` … ``stop``, characters
    that cannot be typed into a search) into ``<mark>`` elements."""
    return Markup(str(escape(text)).replace(start, "<mark>").replace(stop, "</mark>"))


def select_html(open_tag: str, options: str) -> Markup:
    """Return a ``<select>`` (``open_tag``, from :func:`html_attributes`) around its options (from
    :func:`options_html`): the same HTML as WTForms' select widget writes, for
    :class:`po_meetings.forms.QuickSelect`."""
    return Markup(f"{open_tag}{options}</select>")


def options_html(options: list[tuple[object, object, bool]]) -> str:
    """Return the ``<option>`` elements of a select, each (value, label, selected) escaped here."""
    html = []
    for value, label, selected in options:
        attributes = ' selected value="' if selected else ' value="'  # html_params sorts them so
        html.append(f'<option{attributes}{escape(value)}">{escape(label)}</option>')
    return "".join(html)


def html_attributes(**kwargs) -> Markup:
    """Return HTML attributes exactly as WTForms' ``html_params`` writes them, for the quick input
    widgets of :mod:`po_meetings.forms`: sorted by name, ``class_`` as ``class``, ``data_``/``aria_``
    names with hyphens, ``True`` as the bare name, ``False`` left out, each value escaped. WTForms
    formats every attribute with ``Markup.format`` (~10 µs each); a form-heavy page has hundreds."""
    parts = []
    for key, value in sorted(kwargs.items()):
        key = key.rstrip("_")
        if key.startswith("data_") or key.startswith("aria_"):
            key = key.replace("_", "-")
        if value is True:
            parts.append(str(escape(key)))
        elif value is not False:
            parts.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(parts))


def label_html(attributes: str, text) -> Markup:
    """Return a ``<label>`` with these attributes (from :func:`html_attributes`) and its text
    escaped, as WTForms' ``Label`` writes it."""
    attributes = f" {attributes}" if attributes else ""
    return Markup(f"<label{attributes}>{escape(text)}</label>")


def trusted_svg(text: str) -> Markup:
    """Mark a chart's SVG safe for templates.

    Only ``annual_reports.charts`` calls this, with an SVG it built itself: fixed element names and
    attributes, numbers it formatted, and every label and title passed through ``escape``.
    """
    return Markup(text)


def init_app(app) -> None:
    """Register the ``markdown`` Jinja filter on the Flask app."""
    app.add_template_filter(render_markdown, name="markdown")
