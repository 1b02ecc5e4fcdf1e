"""The group search's queries: for each kind, what matches and what the viewer may see.

Every kind is one select that matches the search (SQLite: the stems in the FTS5 index;
PostgreSQL: the ``swedish`` configuration over the same expression as the GIN index) and
leaves out what the viewer may not see, with the rules of the pages the results link to:

* §§ and decisions: the minutes of a meeting the viewer may see (not a draft, unless they lead
  the group); a confidential § that is not released, and its decisions, only for those who see
  confidential matter (not ombuds, not co-opted members);
* agenda items: the same meetings; a confidential item, and the sub-items of one, likewise;
* system errors: the register's own rule (``system_errors.services.visibility_filter``), drafts
  left out.

The count of a kind is that same select counted, so it never counts what is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import func, literal_column, or_, select, table
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..meetings import services as meeting_services
from ..minutes import services as minutes_services
from ..models import (
    AgendaItem,
    Decision,
    Group,
    Meeting,
    MeetingStatus,
    Membership,
    Minutes,
    Paragraph,
    ReportStatus,
    SystemErrorReport,
    User,
)
from ..stemming import fts5_query, ts_query
from ..system_errors import search as register_search
from ..system_errors import services as register_services
from .index import DOCUMENTS, INDEX_TABLE, Kind


class Section(Enum):
    """The kinds of result, in the order the page shows them: (URL value, heading)."""

    DECISIONS = ("decisions", "Beslut")
    PARAGRAPHS = ("paragraphs", "Paragrafer i protokollen")
    ITEMS = ("items", "Dagordningspunkter")
    REPORTS = ("reports", "Systemfel")

    @property
    def key(self) -> str:
        """Return the section's name in the URL (``?kind=…``)."""
        return self.value[0]

    @property
    def heading(self) -> str:
        """Return the section's Swedish heading."""
        return self.value[1]

    @classmethod
    def of(cls, key: str | None) -> Section | None:
        """Return the section a URL names, or None."""
        return next((s for s in cls if s.key == key), None)


@dataclass(frozen=True)
class Viewer:
    """Who searches: the group, the user and their membership."""

    group: Group
    user: User
    membership: Membership | None

    @property
    def sees_confidential(self) -> bool:
        """Return whether the viewer sees confidential §§ and agenda items."""
        return minutes_services.sees_confidential(self.membership)

    @property
    def leads(self) -> bool:
        """Return whether the viewer sees the group's draft meetings."""
        return meeting_services.is_leader(self.membership)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _index_hits(kind: Kind, terms: list[str]):
    """Return a subquery (ref_id, rank) of the SQLite index's entries of a kind that match."""
    index = table(INDEX_TABLE)
    return (
        select(literal_column("ref_id").label("ref_id"), literal_column("rank").label("rank"))
        .select_from(index)
        .where(literal_column(INDEX_TABLE).op("MATCH")(fts5_query(terms)))
        .where(literal_column("kind") == kind.value)
        .subquery()
    )


def _matching(query, kind: Kind, model, terms: list[str], ranked: bool):
    """Restrict a select of a kind's rows to those matching the terms, best first if ``ranked``."""
    if _dialect() == "sqlite":
        hits = _index_hits(kind, terms)
        query = query.join(hits, hits.c.ref_id == model.id)
        return query.order_by(hits.c.rank, model.id.desc()) if ranked else query
    document = literal_column(DOCUMENTS[kind])
    tsquery = func.to_tsquery(literal_column("'swedish'"), ts_query(terms))
    query = query.where(document.op("@@")(tsquery))
    return query.order_by(func.ts_rank(document, tsquery).desc(), model.id.desc()) if ranked else query


def _visible_meetings(query, viewer: Viewer):
    """Restrict a select joined to Meeting to the viewer's group and the meetings they may see."""
    query = query.where(Meeting.group_id == viewer.group.id)
    return query if viewer.leads else query.where(Meeting.status != MeetingStatus.DRAFT.value)


def _visible_paragraphs(query, viewer: Viewer):
    """Restrict a select joined to Paragraph to the §§ the viewer may see."""
    query = query.join(Minutes, Paragraph.minutes_id == Minutes.id).join(
        Meeting, Minutes.meeting_id == Meeting.id
    )
    query = _visible_meetings(query, viewer)
    if not viewer.sees_confidential:
        query = query.where(~(Paragraph.is_confidential.is_(True) & Paragraph.released_at.is_(None)))
    return query


def decisions(viewer: Viewer, terms: list[str], ranked: bool = True):
    """Return the select of the decisions that match, in §§ the viewer may see."""
    query = select(Decision).join(Paragraph, Decision.paragraph_id == Paragraph.id)
    query = _visible_paragraphs(query.where(Decision.group_id == viewer.group.id), viewer)
    return _matching(query, Kind.DECISION, Decision, terms, ranked)


def paragraphs(viewer: Viewer, terms: list[str], ranked: bool = True):
    """Return the select of the §§ that match and that the viewer may see."""
    query = _visible_paragraphs(select(Paragraph).where(Paragraph.group_id == viewer.group.id), viewer)
    return _matching(query, Kind.PARAGRAPH, Paragraph, terms, ranked)


def items(viewer: Viewer, terms: list[str], ranked: bool = True):
    """Return the select of the agenda items that match and that the viewer may see."""
    query = select(AgendaItem).join(Meeting, AgendaItem.meeting_id == Meeting.id)
    query = _visible_meetings(query.where(AgendaItem.group_id == viewer.group.id), viewer)
    if not viewer.sees_confidential:
        parent = aliased(AgendaItem)
        query = query.outerjoin(parent, AgendaItem.parent_id == parent.id).where(
            AgendaItem.is_confidential.is_(False), or_(parent.id.is_(None), parent.is_confidential.is_(False))
        )
    return _matching(query, Kind.ITEM, AgendaItem, terms, ranked)


def reports(viewer: Viewer, terms: list[str], ranked: bool = True):
    """Return the select of the submitted reports that match and that the viewer may see."""
    query = register_services.visibility_filter(
        select(SystemErrorReport), viewer.group, viewer.user, viewer.membership
    ).where(SystemErrorReport.status != ReportStatus.DRAFT.value)
    query = register_search.matching(query, terms, viewer.group.id)
    if not ranked:
        return query
    return register_search.ranked(query, terms, viewer.group.id).order_by(SystemErrorReport.id.desc())


SELECTS = {
    Section.DECISIONS: decisions,
    Section.PARAGRAPHS: paragraphs,
    Section.ITEMS: items,
    Section.REPORTS: reports,
}
#: What a shown result needs besides its row, loaded with it (the rows a page shows only).
LOADS = {
    Section.DECISIONS: (
        joinedload(Decision.paragraph).joinedload(Paragraph.minutes).joinedload(Minutes.meeting),
    ),
    Section.PARAGRAPHS: (joinedload(Paragraph.minutes).joinedload(Minutes.meeting),),
    Section.ITEMS: (joinedload(AgendaItem.meeting),),
    Section.REPORTS: (),
}


def count(section: Section, viewer: Viewer, terms: list[str]) -> int:
    """Return how many results of a section the viewer gets: the shown select, counted."""
    matches = SELECTS[section](viewer, terms, ranked=False).subquery()
    return db.session.scalar(select(func.count()).select_from(matches)) or 0


def first(section: Section, viewer: Viewer, terms: list[str], limit: int) -> list:
    """Return the best matches of a section, at most ``limit``."""
    query = SELECTS[section](viewer, terms).options(*LOADS[section]).limit(limit)
    return list(db.session.scalars(query).unique())


def page(section: Section, viewer: Viewer, terms: list[str], number: int, per_page: int):
    """Return one page of a section's matches, best first."""
    query = SELECTS[section](viewer, terms).options(*LOADS[section])
    return db.paginate(query, page=number, per_page=per_page, error_out=False)
