"""The register's lists, filters and counts: every query its pages make, a handful per page.

Each query of reports goes through :meth:`Viewer.visible`, so a draft shows only to its author
and a confidential report only to those who may see it, on every list, count and choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..inputs import is_id
from ..models import (
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
from ..models.system_error import report_organisation
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
    only, so that a hidden report shows nowhere."""
    visible = viewer.visible(select(R.id)).scalar_subquery()
    owners = db.session.scalars(
        select(Membership)
        .where(Membership.id.in_(select(R.owner_id).where(R.id.in_(visible))))
        .options(selectinload(Membership.user))
    ).all()
    reporters = db.session.scalars(
        select(User).where(User.id.in_(select(R.reporter_id).where(R.id.in_(visible))))
    ).all()
    years = db.session.scalars(
        select(R.number_year).where(R.id.in_(visible), R.number_year.is_not(None)).distinct()
    ).all()
    return (
        sorted(owners, key=lambda m: m.user.name),
        sorted(reporters, key=lambda u: u.name),
        sorted(years, reverse=True),
    )


def apply_filters(query, filters: dict, skip: str | None = None):
    """Narrow a report query by the chosen filters (all but ``skip``, for the counts)."""
    status = filters["status"]
    if skip != "status":
        if status:
            query = query.where(R.status == status)
        else:
            query = query.where(R.status != ReportStatus.DRAFT.value)
    if filters["level"] and skip != "level":
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


def ordered(query, sort: str | None, terms: list[str]):
    """Order the list: best match first for a search, else by the chosen sort."""
    if terms and not sort:
        return search.ranked(query, terms)
    newest = (R.submitted_at.desc(), R.id.desc())
    orders = {
        "oldest": (R.submitted_at, R.id),
        "number": (R.number_year.desc(), R.number_seq.desc()),
        "status": (R.status, *newest),
    }
    return query.order_by(*orders.get(sort, newest))


def _row_options():
    """Load what a row of the list shows, in a few queries for the whole page."""
    return (
        selectinload(R.reporter),
        selectinload(R.owner).selectinload(Membership.user),
        selectinload(R.occurrences),
        selectinload(R.escalations),
    )


def listed(viewer: Viewer, filters: dict, terms: list[str]):
    """Return the select of the list as the filters and search terms ask for it, in its order."""
    query = search.matching(apply_filters(viewer.visible(select(R)), filters), terms)
    return ordered(query, filters["sort"], terms).options(*_row_options())


def list_page(viewer: Viewer, filters: dict, terms: list[str], page: int, per_page: int):
    """Return one page of the list."""
    return db.paginate(listed(viewer, filters, terms), page=page, per_page=per_page, error_out=False)


def all_listed(viewer: Viewer, filters: dict, terms: list[str]) -> list[SystemErrorReport]:
    """Return the whole list (every page), for the export."""
    return db.session.scalars(listed(viewer, filters, terms)).all()


def counts(viewer: Viewer, filters: dict, terms: list[str], by: str) -> dict[str, int]:
    """Count the visible reports per status or level, under the other filters (one query)."""
    column = getattr(R, by)
    query = apply_filters(viewer.visible(select(column, func.count())), filters, skip=by)
    query = search.matching(query, terms).group_by(column)
    return dict(db.session.execute(query).all())


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
    query = search.ranked(search.matching(query, terms, any_term=True), terms, any_term=True)
    candidates = db.session.scalars(query.limit(SIMILAR_CANDIDATES)).all()
    return similarity.strongest(candidates, terms, lambda r: r.search_text, SIMILAR_LIMIT)


# -- one report -----------------------------------------------------------------------------------


def load_report(report_id: int) -> SystemErrorReport:
    """Load a report with its occurrences, escalations and history in a handful of queries."""
    return db.session.scalars(
        select(R)
        .where(R.id == report_id)
        .options(
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
        .execution_options(populate_existing=True)
    ).one()


def meetings(group_id: int) -> list[Meeting]:
    """Return the group's latest meetings with their agenda items, newest first."""
    return db.session.scalars(
        select(Meeting)
        .where(Meeting.group_id == group_id)
        .order_by(Meeting.starts_at.desc())
        .limit(MEETING_CHOICES)
        .options(selectinload(Meeting.items))
    ).all()


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
    if limit <= 0:
        return [], db.session.scalar(select(func.count()).select_from(query.subquery()))
    # One query: the window count is taken over every waiting report before the LIMIT applies.
    rows = db.session.execute(
        query.add_columns(func.count().over()).order_by(R.submitted_at, R.id).limit(limit)
    ).all()
    return [row[0] for row in rows], rows[0][1] if rows else 0
