"""The decision log's list, filters and choices: a fixed handful of queries per page.

Every query starts from :func:`visible`, so a decision in a confidential § is left out for
those who may not see it (ombuds and co-opted members, the minutes' own rule) in the rows, the
count, the filters' choices and the CSV alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..minutes import services as minutes_services
from ..models import (
    ActionItem,
    ActionStatus,
    Decision,
    DecisionReport,
    Meeting,
    Membership,
    Minutes,
    Organisation,
    OrganisationFollowUp,
    Paragraph,
    Reservation,
)

#: The follow-up states a decision can be filtered on, as (value, label).
STATES = (
    ("open", "Med öppna uppdrag eller återrapporteringar"),
    ("overdue", "Med försenade uppdrag"),
    ("done", "Allt klart"),
    ("none", "Utan uppdrag och återrapportering"),
)
#: The statuses of an uppdrag that still needs doing.
OPEN_ACTION = (ActionStatus.NOT_STARTED.value, ActionStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class Filters:
    """The log's filters as the URL chose them (None: not filtered)."""

    year: int | None = None
    state: str | None = None
    owner: int | None = None
    organisation: int | None = None


def _secret():
    """Return the condition of a § that is confidential now (marked and not released)."""
    return Paragraph.is_confidential.is_(True) & Paragraph.released_at.is_(None)


def visible(group_id: int, by: Membership | None, what=Decision):
    """Return a select of the group's decisions (or of ``what`` from them) that the member may see."""
    query = (
        select(what)
        .select_from(Decision)
        .join(Paragraph, Decision.paragraph_id == Paragraph.id)
        .join(Minutes, Paragraph.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(Decision.group_id == group_id)
    )
    if not minutes_services.sees_confidential(by):
        query = query.where(~_secret())
    return query


def _open_action():
    """Return the condition: the decision has an uppdrag that still needs doing."""
    return exists().where(ActionItem.decision_id == Decision.id, ActionItem.status.in_(OPEN_ACTION))


def _open_follow_up():
    """Return the condition: an organisation has not yet reported back on the decision."""
    return exists().where(
        OrganisationFollowUp.decision_id == Decision.id, OrganisationFollowUp.done_at.is_(None)
    )


def _any_follow_up():
    """Return the condition: the decision has an uppdrag or an återrapportering at all."""
    return exists().where(ActionItem.decision_id == Decision.id) | exists().where(
        OrganisationFollowUp.decision_id == Decision.id
    )


def apply_filters(query, filters: Filters, today: date):
    """Narrow a decision query by the chosen year, state, owner and organisation."""
    if filters.year is not None:
        query = query.where(Paragraph.year == filters.year)
    if filters.state == "open":
        query = query.where(_open_action() | _open_follow_up())
    elif filters.state == "overdue":
        query = query.where(
            exists().where(
                ActionItem.decision_id == Decision.id,
                ActionItem.status.in_(OPEN_ACTION),
                ActionItem.due_on < today,
            )
        )
    elif filters.state == "done":
        query = query.where(_any_follow_up(), ~_open_action(), ~_open_follow_up())
    elif filters.state == "none":
        query = query.where(~_any_follow_up())
    if filters.owner is not None:
        query = query.where(
            exists().where(ActionItem.decision_id == Decision.id, ActionItem.owner_id == filters.owner)
        )
    if filters.organisation is not None:
        owned = (
            exists()
            .where(ActionItem.decision_id == Decision.id)
            .where(ActionItem.owner_id == Membership.id, Membership.organisation_id == filters.organisation)
        )
        reported = exists().where(
            OrganisationFollowUp.decision_id == Decision.id,
            OrganisationFollowUp.organisation_id == filters.organisation,
        )
        query = query.where(owned | reported)
    return query


def _row_options():
    """Load what a row shows for the whole page at once: a query per relation, never per row."""
    return (
        joinedload(Decision.paragraph).joinedload(Paragraph.minutes).joinedload(Minutes.meeting),
        selectinload(Decision.votes),
        selectinload(Decision.reservations)
        .selectinload(Reservation.membership)
        .selectinload(Membership.user),
        selectinload(Decision.actions)
        .selectinload(ActionItem.owner)
        .options(selectinload(Membership.user), selectinload(Membership.organisation)),
        selectinload(Decision.follow_ups).selectinload(OrganisationFollowUp.organisation),
        selectinload(Decision.report_links).selectinload(DecisionReport.report),
    )


def listed(group_id: int, by: Membership | None, filters: Filters, today: date):
    """Return the select of the log: newest meeting first, in § order within a meeting."""
    return (
        apply_filters(visible(group_id, by), filters, today)
        .order_by(Meeting.starts_at.desc(), Paragraph.position, Decision.position, Decision.id)
        .options(*_row_options())
    )


def list_page(group_id: int, by: Membership | None, filters: Filters, today: date, page: int, per_page: int):
    """Return one page of the log (an empty page beyond the end)."""
    return db.paginate(listed(group_id, by, filters, today), page=page, per_page=per_page, error_out=False)


def all_listed(group_id: int, by: Membership | None, filters: Filters, today: date) -> list[Decision]:
    """Return the whole log as filtered (every page), for the CSV export."""
    return db.session.scalars(listed(group_id, by, filters, today)).unique().all()


# -- the filters' choices ----------------------------------------------------------------------------


def years(group_id: int, by: Membership | None) -> list[int]:
    """Return the years (of the § numbers, the meeting's Swedish year) with visible decisions, newest first."""
    return sorted(db.session.scalars(visible(group_id, by, Paragraph.year).distinct()).all(), reverse=True)


def owners(group_id: int, by: Membership | None) -> list[Membership]:
    """Return the members who own an uppdrag of a visible decision, by name."""
    decision_ids = visible(group_id, by, Decision.id).scalar_subquery()
    owner_ids = select(ActionItem.owner_id).where(ActionItem.decision_id.in_(decision_ids))
    members = db.session.scalars(
        select(Membership).where(Membership.id.in_(owner_ids)).options(selectinload(Membership.user))
    ).all()
    return sorted(members, key=lambda m: (m.user.name, m.id))


def organisations(group_id: int, by: Membership | None) -> list[Organisation]:
    """Return the organisations of the owners of uppdrag and of the återrapporteringar of visible
    decisions, by name."""
    decision_ids = visible(group_id, by, Decision.id).scalar_subquery()
    of_owners = (
        select(Membership.organisation_id)
        .join(ActionItem, ActionItem.owner_id == Membership.id)
        .where(ActionItem.decision_id.in_(decision_ids))
    )
    of_follow_ups = select(OrganisationFollowUp.organisation_id).where(
        OrganisationFollowUp.decision_id.in_(decision_ids)
    )
    return db.session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(of_owners) | Organisation.id.in_(of_follow_ups))
        .order_by(Organisation.name)
    ).all()
