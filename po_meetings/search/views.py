"""What the group search shows: the results by kind, each with its link, hits marked and a snippet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from ..domain import DomainError
from ..stemming import snippet
from ..system_errors import search as register_search
from . import queries
from .forms import SearchForm
from .queries import Section

PAGE = "search/index.html"
RESULTS = "search/_results.html"
#: How many results of each kind the overview shows; the rest are behind "Visa alla".
PREVIEW = 5
#: How many words a snippet without a hit (matched by PostgreSQL's own stems) shows.
OPENING_WORDS = 28


@dataclass(frozen=True)
class Hit:
    """One result as the page shows it."""

    url: str
    label: str | None
    title: Markup
    where: str | None
    when: datetime | None
    snippet: Markup | None
    confidential: bool = False
    #: a report's status (value) and its Swedish name
    status: str | None = None
    status_label: str | None = None


def _title(text: str | None, terms: list[str]) -> Markup:
    """Return a title with the words that match marked."""
    return snippet(text, terms, words=10_000) or escape(text or "")


def _excerpt(text: str | None, terms: list[str]) -> Markup | None:
    """Return a snippet around the hits, or the opening words of a text with none to mark."""
    marked = snippet(text, terms)
    if marked is not None or not text:
        return marked
    words = text.split()
    return escape(" ".join(words[:OPENING_WORDS]) + (" …" if len(words) > OPENING_WORDS else ""))


def _minutes_url(meeting_id: int, anchor: str) -> str:
    """Return the link to a part of a meeting's minutes."""
    return url_for("minutes.show", group_id=g.group.id, meeting_id=meeting_id, _anchor=anchor)


def _decision(decision, terms: list[str]) -> Hit:
    paragraph = decision.paragraph
    meeting = paragraph.minutes.meeting
    return Hit(
        url=_minutes_url(meeting.id, f"decision-{decision.id}"),
        label=paragraph.label,
        title=escape(paragraph.title),
        where=meeting.title,
        when=meeting.starts_at,
        snippet=_excerpt(decision.text, terms),
        confidential=paragraph.is_secret,
    )


def _paragraph(paragraph, terms: list[str]) -> Hit:
    meeting = paragraph.minutes.meeting
    return Hit(
        url=_minutes_url(meeting.id, f"paragraph-{paragraph.id}"),
        label=paragraph.label,
        title=_title(paragraph.title, terms),
        where=meeting.title,
        when=meeting.starts_at,
        snippet=snippet(paragraph.body, terms),
        confidential=paragraph.is_secret,
    )


def _item(item, terms: list[str]) -> Hit:
    meeting = item.meeting
    return Hit(
        url=url_for("meetings.show_item", group_id=g.group.id, meeting_id=meeting.id, item_id=item.id),
        label=None,
        title=_title(item.title, terms),
        where=meeting.title,
        when=meeting.starts_at,
        snippet=snippet(item.description, terms),
        confidential=item.is_confidential,
    )


def _reports(reports, terms: list[str]) -> list[Hit]:
    snippets = register_search.snippets([r.id for r in reports], terms)
    return [
        Hit(
            url=url_for("system_errors.show", group_id=g.group.id, number=r.number),
            label=r.number,
            title=_title(r.title, terms),
            where=None,
            when=r.submitted_at,
            snippet=snippets.get(r.id),
            confidential=r.is_confidential,
            status=r.status,
            status_label=r.status_label,
        )
        for r in reports
    ]


def hits(section: Section, rows: list, terms: list[str]) -> list[Hit]:
    """Return the results of a section as the page shows them (rows already loaded)."""
    if section is Section.REPORTS:
        return _reports(rows, terms)
    build = {Section.DECISIONS: _decision, Section.PARAGRAPHS: _paragraph, Section.ITEMS: _item}[section]
    return [build(row, terms) for row in rows]


@dataclass
class Group:
    """One kind of result: how many the viewer gets, and those shown."""

    section: Section
    count: int
    hits: list[Hit]

    @property
    def more(self) -> bool:
        """Return whether some are not shown in the overview."""
        return self.count > len(self.hits)


def searched(form: SearchForm) -> tuple[list[str], str | None]:
    """Return (the search's words, a refusal): a refused search is neither run nor shown again."""
    try:
        if not form.validate():
            raise DomainError(next(e for errors in form.errors.values() for e in errors))
        terms = register_search.terms_of(form.q.data)
    except DomainError as error:
        form.q.data = ""
        return [], str(error)
    return terms, None


def page_context(page_number: int) -> dict:
    """Return the page's context: the results of every kind (a few each), or one kind a page at a time."""
    form = SearchForm(request.args)
    section = Section.of(form.kind.data)
    terms, refused = searched(form)
    viewer = queries.Viewer(g.group, current_user, g.membership)
    groups, page = [], None
    if terms:
        counts = {s: queries.count(s, viewer, terms) for s in Section}
        if section is not None:
            per_page = current_app.config["PAGE_SIZE"]
            page = queries.page(section, viewer, terms, page_number, per_page)
            groups = [Group(section, counts[section], hits(section, page.items, terms))]
        else:
            for s in Section:
                rows = queries.first(s, viewer, terms, PREVIEW) if counts[s] else []
                groups.append(Group(s, counts[s], hits(s, rows, terms)))
    else:
        counts = {}
    return {
        "group": g.group,
        "form": form,
        "q": (form.q.data or "").strip(),
        "terms": terms,
        "refused": refused,
        "section": section,
        "sections": list(Section),
        "counts": counts,
        "total": sum(counts.values()),
        "groups": groups,
        "page": page,
    }
