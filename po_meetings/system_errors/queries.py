"""The register's lists, filters and counts: every query its pages make, a handful per page.

Each query of reports goes through :meth:`Viewer.visible`, so a draft shows only to its author
and a confidential report only to those who may see it, on every list, count and choice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, defer, joinedload, selectinload

from ..extensions import db
from ..inputs import is_id
from ..models import (
    AgendaItem,
    Group,
    Meeting,
    Membership,
    Occurrence,
    Organisation,
    ReportEvent,
    ReportFollower,
    ReportStatus,
    SystemErrorReport,
    User,
)
from ..models.system_error import ReportLabels, report_organisation
from . import search, services, similarity

#: How many look-alike reports the form suggests at most while a report is typed (three are
#: shown, the rest behind "Visa fler"), and how many of the search's best matches are weighed.
SIMILAR_LIMIT = 8
SIMILAR_CANDIDATES = 25
#: How many of the group's meetings the "taken up at" select offers, newest first.
MEETING_CHOICES = 12

R = SystemErrorReport


@dataclass(frozen=True)
class Viewer:
    """Who looks at the register: the group, the user and their membership (if any)."""

    group: Group
    user: User
    membership: Membership | None

    def visible(self, query):
        """Restrict a report query to what this viewer may see."""
        return services.visibility_filter(query, self.group, self.user, self.membership)


def organisations() -> list[Organisation]:
    """Return every organisation, by name."""
    return db.session.scalars(select(Organisation).order_by(Organisation.name)).all()


# -- the list ----------------------------------------------------------------------------------


def filter_choices(viewer: Viewer) -> tuple[list[Membership], list[User], list[int]]:
    """Return the owners, reporters and years the filters offer, of reports the viewer may see
    only, so that a hidden report shows nowhere.

    Each is asked of the small tables (memberships, users, the years) with an index probe per
    candidate ("has a visible report?"), so the cost does not grow with the register.
    """
    visible = viewer.visible(select(R.id))
    owners = db.session.scalars(
        select(Membership)
        .where(visible.where(R.owner_id == Membership.id).exists())
        .options(selectinload(Membership.user))
    ).all()
    reporters = db.session.scalars(select(User).where(visible.where(R.reporter_id == User.id).exists())).all()
    return (
        sorted(owners, key=lambda m: m.user.name),
        sorted(reporters, key=lambda u: u.name),
        _years(viewer),
    )


def _years(viewer: Viewer) -> list[int]:
    """Return the years of the numbered reports the viewer may see, newest first.

    The group's years are walked through the (group, year, number) index one year at a time (a
    recursive query: the next year is the smallest one after the last), then kept if the viewer
    may see a report of that year: a few index probes per year, not a pass over every row.
    """
    in_group = R.group_id == viewer.group.id
    years = select(func.min(R.number_year).label("year")).where(in_group).cte("years", recursive=True)
    after = select(func.min(R.number_year)).where(in_group, R.number_year > years.c.year).scalar_subquery()
    years = years.union_all(select(after).where(years.c.year.is_not(None)))
    seen = viewer.visible(select(R.id)).where(R.number_year == years.c.year).exists()
    return db.session.scalars(
        select(years.c.year).where(years.c.year.is_not(None), seen).order_by(years.c.year.desc())
    ).all()


def apply_filters(query, filters: dict, skip: Collection[str] = ()):
    """Narrow a report query by the chosen filters (all but those in ``skip``, for the counts)."""
    status = filters["status"]
    if "status" not in skip:
        if status:
            query = query.where(R.status == status)
        else:
            query = query.where(R.status != ReportStatus.DRAFT.value)
    if filters["level"] and "level" not in skip:
        query = query.where(R.level == filters["level"])
    if filters["category"]:
        query = query.where(R.category == filters["category"])
    if filters["fixer"]:
        query = query.where(R.fixer_organisation_id == filters["fixer"])
    if filters["affected"]:
        affected = (
            select(report_organisation.c.report_id)
            .where(report_organisation.c.organisation_id == filters["affected"])
            .scalar_subquery()
        )
        query = query.where(R.id.in_(affected))
    if filters["owner"]:
        query = query.where(R.owner_id == filters["owner"])
    if filters["reporter"]:
        query = query.where(R.reporter_id == filters["reporter"])
    if filters["year"]:
        query = query.where(R.number_year == filters["year"])
    return query


def ordered(query, sort: str | None, terms: list[str], group_id: int):
    """Order the list: best match first for a search, else by the chosen sort."""
    if terms and not sort:
        return search.ranked(query, terms, group_id)
    newest = (R.submitted_at.desc(), R.id.desc())
    orders = {
        "oldest": (R.submitted_at, R.id),
        "number": (R.number_year.desc(), R.number_seq.desc()),
        "status": (R.status, *newest),
    }
    return query.order_by(*orders.get(sort, newest))


#: The long texts a row of the list never shows (nor the CSV): left in the table, not read.
LONG_TEXTS = (
    R.description,
    R.causes,
    R.consequences,
    R.who_can_fix,
    R.proposal,
    R.system_view,
    R.resolution,
    R.close_reason,
    R.search_text,
)


def _row_options():
    """Load what a row of the list shows, in a few queries for the whole page."""
    return (
        *(defer(column, raiseload=True) for column in LONG_TEXTS),
        selectinload(R.reporter),
        selectinload(R.owner).selectinload(Membership.user),
        selectinload(R.occurrences),
    )


def listed(viewer: Viewer, filters: dict, terms: list[str]):
    """Return the select of the list as the filters and search terms ask for it, in its order."""
    query = search.matching(apply_filters(viewer.visible(select(R)), filters), terms, viewer.group.id)
    return ordered(query, filters["sort"], terms, viewer.group.id).options(*_row_options())


@dataclass(frozen=True, slots=True)
class ListRow(ReportLabels):
    """What a row of the list shows, read as plain values: no ORM object, nor its relations, per row."""

    id: int
    number_year: int | None
    number_seq: int | None
    title: str
    status: str
    is_confidential: bool
    level: str | None
    category: str | None
    submitted_at: datetime | None
    reporter_name: str
    owner_name: str | None
    #: the report's occurrences beyond the first (the report itself)
    occurrences: int


def _rows(viewer: Viewer, filters: dict, terms: list[str]):
    """Return the select of the list's rows (:class:`ListRow`'s columns) in the list's order: one
    statement with the reporter's and owner's names joined and the occurrences counted."""
    reporter, owner, owner_user = aliased(User), aliased(Membership), aliased(User)
    occurrences = (
        select(func.count(Occurrence.id)).where(Occurrence.report_id == R.id).correlate(R).scalar_subquery()
    )
    query = (
        select(
            R.id,
            R.number_year,
            R.number_seq,
            R.title,
            R.status,
            R.is_confidential,
            R.level,
            R.category,
            R.submitted_at,
            reporter.name,
            owner_user.name,
            occurrences,
        )
        .join(reporter, reporter.id == R.reporter_id)
        .outerjoin(owner, owner.id == R.owner_id)
        .outerjoin(owner_user, owner_user.id == owner.user_id)
    )
    query = search.matching(apply_filters(viewer.visible(query), filters), terms, viewer.group.id)
    return ordered(query, filters["sort"], terms, viewer.group.id)


@dataclass(frozen=True)
class Page:
    """One page of the list and where it lies among the others (what the pager shows)."""

    items: list[ListRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def list_page(viewer: Viewer, filters: dict, terms: list[str], page: int, per_page: int, total: int) -> Page:
    """Return one page of the list; ``total`` is the list's length (:func:`counts` has it)."""
    page = max(page, 1)
    query = _rows(viewer, filters, terms).limit(per_page).offset((page - 1) * per_page)
    return Page([ListRow(*row) for row in db.session.execute(query)], page, per_page, total)


def all_listed(viewer: Viewer, filters: dict, terms: list[str]) -> list[SystemErrorReport]:
    """Return the whole list (every page), for the export (which shows the escalations too)."""
    return db.session.scalars(listed(viewer, filters, terms).options(selectinload(R.escalations))).all()


@dataclass(frozen=True)
class Counts:
    """How many visible reports the list has: per status (under every filter but the status),
    per level (under every filter but the level) and in all (under every filter)."""

    by_status: dict[str, int]
    by_level: dict[str, int]
    total: int


def counts(viewer: Viewer, filters: dict, terms: list[str]) -> Counts:
    """Count the visible reports per status and level, and the list's length, in one query.

    The reports are counted per (status, level) under the other filters, and the status and
    level filters are applied to those few cells here. Without a search or another filter the
    query reads the covering (group, status, level …) index only.
    """
    query = apply_filters(
        viewer.visible(select(R.status, R.level, func.count())), filters, skip=("status", "level")
    )
    query = search.matching(query, terms, viewer.group.id).group_by(R.status, R.level)
    status, level = filters["status"], filters["level"]
    by_status: dict[str, int] = {}
    by_level: dict[str, int] = {}
    total = 0
    for row_status, row_level, n in db.session.execute(query):
        in_level = not level or row_level == level
        in_status = row_status == status if status else row_status != ReportStatus.DRAFT.value
        if in_level:
            by_status[row_status] = by_status.get(row_status, 0) + n
        if in_status:
            by_level[row_level] = by_level.get(row_level, 0) + n
        if in_status and in_level:
            total += n
    return Counts(by_status, by_level, total)


# -- "Mina rapporter" and the look-alikes --------------------------------------------------------


def mine(viewer: Viewer) -> list[SystemErrorReport]:
    """Return the viewer's own reports and drafts, those they follow or added an occurrence to."""
    user_id = viewer.user.id
    own = (
        (R.reporter_id == user_id)
        | R.id.in_(
            select(ReportFollower.report_id).where(ReportFollower.user_id == user_id).scalar_subquery()
        )
        | R.id.in_(select(Occurrence.report_id).where(Occurrence.reporter_id == user_id).scalar_subquery())
    )
    return db.session.scalars(
        viewer.visible(select(R))
        .where(own)
        .order_by(R.updated_at.desc(), R.id.desc())
        .options(selectinload(R.owner).selectinload(Membership.user))
    ).all()


def last_events(report_ids: list[int]) -> dict[int, ReportEvent]:
    """Return the last event of each report, by report id."""
    if not report_ids:
        return {}
    last_ids = (
        select(func.max(ReportEvent.id))
        .where(ReportEvent.report_id.in_(report_ids))
        .group_by(ReportEvent.report_id)
    )
    events = db.session.scalars(
        select(ReportEvent).where(ReportEvent.id.in_(last_ids)).options(selectinload(ReportEvent.actor))
    )
    return {e.report_id: e for e in events}


def similar(viewer: Viewer, terms: list[str]) -> list[SystemErrorReport]:
    """Return the submitted reports the viewer may see that share enough of the terms to be a
    likely match (similarity.strongest), most shared first (one query)."""
    query = viewer.visible(select(R)).where(R.status != ReportStatus.DRAFT.value)
    group_id = viewer.group.id
    query = search.matching(query, terms, group_id, any_term=True)
    query = search.ranked(query, terms, group_id, any_term=True)
    candidates = db.session.scalars(query.limit(SIMILAR_CANDIDATES)).all()
    return similarity.strongest(candidates, terms, lambda r: r.search_text, SIMILAR_LIMIT)


# -- one report -----------------------------------------------------------------------------------


def report_page_options() -> tuple:
    """Return the loader options of a report with its occurrences, escalations and history."""
    return (
        joinedload(R.reporter),
        joinedload(R.fixer_organisation),
        joinedload(R.owner).joinedload(Membership.user),
        joinedload(R.meeting),
        joinedload(R.agenda_item),
        selectinload(R.affected_organisations),
        selectinload(R.occurrences).joinedload(Occurrence.reporter),
        selectinload(R.occurrences).joinedload(Occurrence.municipality),
        selectinload(R.escalations),
        selectinload(R.events).joinedload(ReportEvent.actor),
    )


def load_report(report_id: int) -> SystemErrorReport:
    """Load a report, read anew, with what its page shows in a handful of queries."""
    return db.session.scalars(
        select(R)
        .where(R.id == report_id)
        .options(*report_page_options())
        .execution_options(populate_existing=True)
    ).one()


@dataclass(frozen=True, slots=True)
class MeetingChoice:
    """A meeting a report can be taken up at, with its agenda items as plain rows (id, parent_id,
    position, title: what the move form's choices number and name)."""

    id: int
    title: str
    starts_at: datetime
    items: list


def meetings(group_id: int) -> list[MeetingChoice]:
    """Return the group's latest meetings with their agenda items, newest first (two statements,
    read as values: the page only names them)."""
    rows = db.session.execute(
        select(Meeting.id, Meeting.title, Meeting.starts_at)
        .where(Meeting.group_id == group_id)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(MEETING_CHOICES)
    ).all()
    items: dict[int, list] = defaultdict(list)
    if rows:
        for item in db.session.execute(
            select(
                AgendaItem.meeting_id,
                AgendaItem.id,
                AgendaItem.parent_id,
                AgendaItem.position,
                AgendaItem.title,
            ).where(AgendaItem.meeting_id.in_([row.id for row in rows]))
        ):
            items[item.meeting_id].append(item)
    return [MeetingChoice(row.id, row.title, row.starts_at, items[row.id]) for row in rows]


def owners(group_id: int) -> list[Membership]:
    """Return the members who may own a report: active members and substitutes of the group."""
    members = db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group_id, Membership.ended_at.is_(None))
        .options(joinedload(Membership.user), joinedload(Membership.organisation))
    ).all()
    return sorted((m for m in members if m.role_enum in services.FULL_VIEW_ROLES), key=lambda m: m.user.name)


def in_group(model, group_id: int, object_id):
    """Return the group's object for an id chosen in a form (None for none, a malformed id or
    another group's object), so a form's choice can be looked up before it is validated."""
    if not is_id(object_id):
        return None
    obj = db.session.get(model, object_id)
    return obj if obj is not None and obj.group_id == group_id else None


def waiting_to_be_taken_up(
    meeting: Meeting, membership: Membership | None, limit: int
) -> tuple[list[R], int]:
    """Return the oldest ``limit`` reports the group has not yet taken up (status inskickad), as
    the member may see them, and how many such reports there are in all.

    Whatever meeting listed a report before, it waits on the agenda until it is taken up, merged
    into another report as an occurrence, or closed. Only ``limit`` rows are loaded; the rest are
    counted (the agenda links them to the register), so the page does not grow with the register.
    """
    if membership is None:
        return [], 0
    waiting = select(R).where(R.status == ReportStatus.SUBMITTED.value)
    query = services.visibility_filter(waiting, meeting.group, membership.user, membership)
    # Two queries that read the (group, status …) indexes: a count, and the first rows in order
    # (a window count on the rows' query would read and sort every waiting row).
    total = db.session.scalar(query.with_only_columns(func.count()))
    if limit <= 0 or not total:
        return [], total
    return db.session.scalars(query.order_by(R.submitted_at, R.id).limit(limit)).all(), total
