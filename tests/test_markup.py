"""Tests for po_meetings.markup: Markdown still works, raw HTML and script vectors never survive."""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import flask
import pytest
from markupsafe import Markup

from po_meetings.markup import init_app, render_markdown

# The expected allowlist, written out independently of the module so that widening it fails here.
EXPECTED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "hr",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
EXPECTED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "th": {"align"}, "td": {"align"}}
SAFE_SCHEMES = {"http", "https", "mailto"}
REL = {"noopener", "noreferrer", "nofollow"}

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]+")


class Collector(HTMLParser):
    """Collect every element, attribute and non-text node of an HTML fragment."""

    def __init__(self) -> None:
        """Start with empty collections."""
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other_nodes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        """Record an opening tag with its attributes."""
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        """Record a self-closing tag with its attributes."""
        self.elements.append((tag, attrs))

    def handle_data(self, data):
        """Record text content."""
        self.text.append(data)

    def handle_comment(self, data):
        """Record a comment."""
        self.other_nodes.append(f"comment:{data}")

    def handle_decl(self, decl):
        """Record a declaration."""
        self.other_nodes.append(f"decl:{decl}")

    def handle_pi(self, data):
        """Record a processing instruction."""
        self.other_nodes.append(f"pi:{data}")

    def unknown_decl(self, data):
        """Record a CDATA section or other unknown declaration."""
        self.other_nodes.append(f"unknown:{data}")


def parse(fragment: str) -> Collector:
    """Parse an HTML fragment into a Collector."""
    collector = Collector()
    collector.feed(fragment)
    collector.close()
    return collector


def url_scheme(value: str) -> str | None:
    """Return the scheme a browser would see in a URL attribute, or None if relative."""
    normalised = _CONTROL_OR_SPACE.sub("", html.unescape(value or "")).lower()
    match = _SCHEME.match(normalised)
    return match.group(1) if match else None


def assert_safe(fragment: str) -> None:
    """Fail unless the fragment only uses allowlisted tags, attributes and URL schemes."""
    parsed = parse(fragment)
    assert parsed.other_nodes == [], fragment
    for tag, attrs in parsed.elements:
        assert tag in EXPECTED_TAGS, f"<{tag}> not allowed in {fragment!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} in {fragment!r}"
            assert not name.startswith(("hx-", "data-")), f"htmx/data attribute {name} in {fragment!r}"
            assert name not in {"style", "class", "id"}, f"{name} in {fragment!r}"
            assert name in EXPECTED_ATTRIBUTES.get(tag, set()), f"{tag}[{name}] in {fragment!r}"
            if name in {"href", "src", "action", "formaction", "xlink:href", "data", "background"}:
                scheme = url_scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, f"{name}={value!r} in {fragment!r}"
            if name == "align":
                assert value in {"left", "center", "right"}


def elements(fragment: str, tag: str) -> list[dict[str, str | None]]:
    """Return the attribute dicts of every element with the given tag."""
    return [dict(attrs) for t, attrs in parse(fragment).elements if t == tag]


# --- ordinary Markdown --------------------------------------------------------------------------


def test_empty_input_gives_empty_markup():
    for value in (None, ""):
        result = render_markdown(value)
        assert isinstance(result, Markup)
        assert result == ""


def test_result_is_markup():
    assert isinstance(render_markdown("hej"), Markup)


def test_emphasis_and_swedish_characters():
    out = str(render_markdown("Mötet *öppnades* av **ordföranden** i Åre."))
    assert out == "<p>Mötet <em>öppnades</em> av <strong>ordföranden</strong> i Åre.</p>"


def test_swedish_bullet_list():
    out = str(render_markdown("- Beslut\n- Åtgärd"))
    assert [t for t, _ in parse(out).elements] == ["ul", "li", "li"]
    assert "Beslut" in out and "Åtgärd" in out


def test_ordered_list():
    out = str(render_markdown("1. Upprop\n2. Val av justerare"))
    assert [t for t, _ in parse(out).elements] == ["ol", "li", "li"]


def test_link_gets_rel_and_keeps_href_and_title():
    out = str(render_markdown('[x](https://example.se "Kommunen")'))
    (link,) = elements(out, "a")
    assert link["href"] == "https://example.se"
    assert link["title"] == "Kommunen"
    assert set(link["rel"].split()) == REL
    assert_safe(out)


@pytest.mark.parametrize(
    "text, href",
    [
        ("<https://example.se/protokoll>", "https://example.se/protokoll"),
        ("<anna.svensson@kommun.se>", "mailto:anna.svensson@kommun.se"),
        ("[Protokoll](/meetings/3)", "/meetings/3"),
        ("[mejl](mailto:registrator@kommun.se)", "mailto:registrator@kommun.se"),
    ],
)
def test_safe_links_survive(text, href):
    out = str(render_markdown(text))
    (link,) = elements(out, "a")
    assert link["href"] == href
    assert set(link["rel"].split()) == REL


def test_hard_line_breaks_are_kept():
    out = str(render_markdown("rad ett\nrad två"))
    assert [t for t, _ in parse(out).elements] == ["p", "br"]


def test_table_uses_align_attribute_not_style():
    out = str(render_markdown("| Punkt | Ansvarig |\n|:------|-------:|\n| Budget | Åsa |"))
    assert_safe(out)
    tags = [t for t, _ in parse(out).elements]
    assert tags.count("th") == 2 and tags.count("td") == 2 and "table" in tags
    assert [c.get("align") for c in elements(out, "th")] == ["left", "right"]
    assert "Åsa" in out


def test_inline_and_fenced_code_escape_their_content():
    out = str(render_markdown("Skriv `<b>` så här:\n\n```python\nif a < b:\n    print('<i>')\n```"))
    assert_safe(out)
    assert "<code>&lt;b&gt;</code>" in out
    assert "<pre><code>if a &lt; b:" in out
    assert elements(out, "b") == [] and elements(out, "i") == []


def test_blockquote_and_rule():
    out = str(render_markdown("> citat\n\n---"))
    assert [t for t, _ in parse(out).elements] == ["blockquote", "p", "hr"]


def test_headings_are_demoted_below_the_page_outline():
    out = str(render_markdown("# Ett\n\n## Två\n\nTre\n---\n\n#### Fyra\n\n###### Sex"))
    assert [t for t, _ in parse(out).elements] == ["h3", "h4", "h4", "h6", "h6"]


def test_image_stays_visible_text_not_img():
    out = str(render_markdown("Se ![Karta](https://example.se/karta.png) här"))
    assert_safe(out)
    assert [t for t, _ in parse(out).elements] == ["p"]
    assert "".join(parse(out).text) == "Se ![Karta](https://example.se/karta.png) här"


def test_href_with_whitespace_inside_the_scheme_is_dropped():
    out = str(render_markdown("[x](java\tscript:alert(1))"))
    (link,) = elements(out, "a")
    assert "href" not in link


def test_reference_definitions_do_not_leak_between_calls():
    first = str(render_markdown("[x][1]\n\n[1]: https://example.se"))
    assert elements(first, "a")[0]["href"] == "https://example.se"
    assert elements(str(render_markdown("[x][1]")), "a") == []


def test_concurrent_rendering_gives_the_same_results():
    texts = [f"[länk {i}][r]\n\n[r]: https://example.se/{i}\n\n- punkt {i}" for i in range(40)]
    expected = [str(render_markdown(t)) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert [str(r) for r in pool.map(render_markdown, texts * 5)] == expected * 5


# --- raw HTML is text -------------------------------------------------------------------------


def test_raw_html_is_visible_escaped_text():
    out = str(render_markdown("<b>hej</b>"))
    assert "&lt;b&gt;hej&lt;/b&gt;" in out
    assert elements(out, "b") == []
    assert "".join(parse(out).text) == "<b>hej</b>"


def test_raw_html_block_is_visible_escaped_text():
    out = str(render_markdown('<div hx-get="/admin" hx-trigger="load">\nHej\n</div>'))
    assert_safe(out)
    assert elements(out, "div") == []
    assert '<div hx-get="/admin" hx-trigger="load">' in "".join(parse(out).text)


# --- XSS and htmx payloads --------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="x` `<script>alert(1)</script>"` `>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](java\tscript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;vascript&colon;alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x][1]\n\n[1]: javascript:alert(1)",
    '[x][1]\n\n[1]: https://x.se "t" onmouseover="alert(1)"',
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<http://x.se onmouseover=alert(1)>",
    '<http://x.se/"onmouseover="alert(1)>',
    "&#106;avascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="#" onclick="x()">x</a>',
    '<a hx-on::after-request="alert(1)" href="/x">x</a>',
    '<div hx-get="/admin" hx-trigger="load">x</div>',
    '<div hx-on:click="alert(1)">x</div>',
    '<button data-hx-post="/x" data-hx-trigger="load">x</button>',
    '<form action="/x" method="post"><input name=a><button formaction="javascript:alert(1)">x</button></form>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<p class="htmx-indicator" id="main">x</p>',
    '<base href="//evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="//evil.example/x.css">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '![x](x" onerror="alert(1))',
    "![x](javascript:alert(1))",
    '[a](https://x.se "title\\" onmouseover=\\"alert(1)")',
    "[a](https://x.se \"a' onmouseover='alert(1)\")",
    "[<img src=x onerror=alert(1)>](https://x.se)",
    "# <script>alert(1)</script>",
    "> <iframe src=javascript:alert(1)>",
    "- <a href=javascript:alert(1)>x</a>\n- ok",
    "| <img src=x onerror=alert(1)> | b |\n|---|---|\n| <svg onload=alert(1)> | d |",
    "```{.python onclick=alert(1)}\nx\n```",
    '[x](https://x.se){: onclick="alert(1)" hx-get="/admin"}',
    "`x`<script>alert(1)</script>",
    "**<u onmouseover=alert(1)>x</u>**",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised(payload):
    assert_safe(str(render_markdown(payload)))


def test_payload_corpus_is_large_enough():
    assert len(PAYLOADS) >= 30


# --- Jinja filter -----------------------------------------------------------------------------


def test_jinja_filter_renders_escapes_and_is_safe():
    app = flask.Flask(__name__)
    init_app(app)
    with app.app_context():
        out = flask.render_template_string("{{ text|markdown }}", text="<b>hej</b> *du*")
    assert out == "<p>&lt;b&gt;hej&lt;/b&gt; <em>du</em></p>"
