"""The user's groups, for every page's header, and what the start page ("Min sida") shows.

Every query here covers all of the user's groups at once (a row per group and kind, or a few
rows per group numbered with a window function), so the start page makes the same handful of
queries whether the user sits in one group or five, and owes one uppdrag or fifty.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import and_, case, func, or_, select, union_all
from sqlalchemy.orm import contains_eager, joinedload

from ..dates import local_datetime
from ..extensions import db
from ..minutes.services import SEAT_ROLES
from ..models import (
    ActionItem,
    ActionStatus,
    Approval,
    Decision,
    Meeting,
    MeetingResponse,
    MeetingStatus,
    Membership,
    Minutes,
    Organisation,
    OrganisationFollowUp,
    Paragraph,
    Proposal,
    ReportEvent,
    ReportFollower,
    ReportStatus,
    SystemErrorReport,
    User,
)
from ..system_errors import services as register

R = SystemErrorReport

#: How many rows of each kind the start page lists per group; the rest are counted and linked.
ROW_LIMIT = 8
#: How many of the user's own proposals a group shows (the newest).
PROPOSAL_LIMIT = 5
#: A report that is still being dealt with (it stays on the start page until it is done).
OPEN_REPORT = (
    ReportStatus.SUBMITTED.value,
    ReportStatus.TAKEN_UP.value,
    ReportStatus.IN_PROGRESS.value,
    ReportStatus.ESCALATED.value,
)
#: A report the group has taken up and not finished: its review date matters.
UNDER_REVIEW = (ReportStatus.TAKEN_UP.value, ReportStatus.IN_PROGRESS.value, ReportStatus.ESCALATED.value)
OPEN_ACTION = (ActionStatus.NOT_STARTED.value, ActionStatus.IN_PROGRESS.value)


def _numbered(ids_query, partition, order_by):
    """Return a subquery of (id, n, total): each row's place in its group and the group's count."""
    return ids_query.add_columns(
        func.row_number().over(partition_by=partition, order_by=order_by).label("n"),
        func.count().over(partition_by=partition).label("total"),
    ).subquery()


def _first_per_group(model, where, order_by, limit: int, options=()) -> tuple[list, dict[int, int]]:
    """Return the first ``limit`` rows of each group in order, and each group's total."""
    numbered = _numbered(select(model.id).where(where), model.group_id, order_by)
    rows = db.session.execute(
        select(model, numbered.c.total)
        .join(numbered, numbered.c.id == model.id)
        .where(numbered.c.n <= limit)
        .options(*options)
        .order_by(model.group_id, numbered.c.n)
    ).all()
    totals = {row[0].group_id: row[1] for row in rows}
    return [row[0] for row in rows], totals


def _seats(memberships: Iterable[Membership]) -> list[Membership]:
    """Return the memberships that hold a seat (they own uppdrag and answer for an organisation)."""
    return [m for m in memberships if m.role_enum in SEAT_ROLES]


_PARAGRAPH_OPTIONS = (joinedload(Decision.paragraph).joinedload(Paragraph.minutes),)


def my_actions(memberships: list[Membership]) -> tuple[list[ActionItem], dict[int, int]]:
    """Return the member's open uppdrag in each group, overdue (earliest due) first, and the totals."""
    ids = [m.id for m in _seats(memberships)]
    if not ids:
        return [], {}
    return _first_per_group(
        ActionItem,
        ActionItem.owner_id.in_(ids) & ActionItem.status.in_(OPEN_ACTION),
        (ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id),
        ROW_LIMIT,
        (joinedload(ActionItem.decision).options(*_PARAGRAPH_OPTIONS),),
    )


def my_follow_ups(memberships: list[Membership]) -> tuple[list[OrganisationFollowUp], dict[int, int]]:
    """Return the open återrapporteringar of the organisation the member represents in each group."""
    F = OrganisationFollowUp
    mine = [
        and_(F.group_id == m.group_id, F.organisation_id == m.organisation_id)
        for m in _seats(memberships)
        if m.organisation_id is not None
    ]
    if not mine:
        return [], {}
    return _first_per_group(
        F,
        or_(*mine) & F.done_at.is_(None),
        (F.decision_id, F.id),
        ROW_LIMIT,
        (joinedload(F.organisation), joinedload(F.decision).options(*_PARAGRAPH_OPTIONS)),
    )


@dataclass
class ReportRow:
    """A report on the start page: why it is the member's, and what changed since the last visit."""

    report: SystemErrorReport
    is_followed: bool
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def my_reports(
    user: User, memberships: list[Membership], since: datetime | None
) -> tuple[list[ReportRow], dict[int, int]]:
    """Return the reports the member owns, their organisation can fix, they submitted or follow.

    Open reports, and those that changed since ``since`` (so a resolution shows once); each only
    where the member may see it (the register's own rule, per group). The owned first, then the
    newest changed.
    """
    if not memberships:
        return [], {}
    followed = select(ReportFollower.report_id).where(ReportFollower.user_id == user.id)
    recent = R.status.in_(OPEN_REPORT)
    if since is not None:
        recent = recent | (R.updated_at > since)
    per_group, candidates = [], [followed, select(R.id).where(R.reporter_id == user.id)]
    for m in memberships:
        mine = (R.owner_id == m.id) | (R.reporter_id == user.id) | R.id.in_(followed)
        candidates.append(select(R.id).where(R.group_id == m.group_id, R.owner_id == m.id))
        if m.organisation_id is not None:
            fixes = (R.fixer_organisation_id == m.organisation_id) & R.status.in_(OPEN_REPORT)
            mine = mine | fixes
            candidates.append(select(R.id).where(R.group_id == m.group_id, fixes))
        visible = register.visibility_filter(select(R.id), m.group, user, m).whereclause
        per_group.append(and_(visible, mine))
    owned = R.owner_id.in_([m.id for m in memberships])
    # ``candidates`` is every report one of the ``mine`` conditions can match, each found through
    # an index (owner, reporter, follower, fixing organisation): the rules above are then checked
    # on those rows only, not on every open report of the groups.
    numbered = _numbered(
        select(R.id).where(
            R.id.in_(union_all(*candidates)),
            or_(*per_group),
            R.status != ReportStatus.DRAFT.value,
            recent,
        ),
        R.group_id,
        (case((owned, 0), else_=1), R.updated_at.desc(), R.id.desc()),
    )
    is_followed = R.id.in_(followed)
    rows = db.session.execute(
        select(R, numbered.c.total, is_followed)
        .join(numbered, numbered.c.id == R.id)
        .where(numbered.c.n <= ROW_LIMIT)
        .options(joinedload(R.fixer_organisation))
        .order_by(R.group_id, numbered.c.n)
    ).all()
    totals = {report.group_id: total for report, total, _ in rows}
    return [ReportRow(report, bool(followed_flag)) for report, _, followed_flag in rows], totals


def report_changes(
    report_ids: list[int], since: datetime | None, user_id: int
) -> dict[int, list[ReportEvent]]:
    """Return what others did to each report after ``since`` (nothing on a first visit), oldest first."""
    if since is None or not report_ids:
        return {}
    events = db.session.execute(
        select(ReportEvent.report_id, ReportEvent.kind, ReportEvent.to_status)
        .where(
            ReportEvent.report_id.in_(report_ids),
            ReportEvent.occurred_at > since,
            or_(ReportEvent.actor_id.is_(None), ReportEvent.actor_id != user_id),
        )
        .order_by(ReportEvent.id)
    ).all()
    changes: dict[int, list] = defaultdict(list)
    for report_id, kind, to_status in events:
        changes[report_id].append((kind, to_status))
    return dict(changes)


def waiting_justering(memberships: list[Membership]) -> list[Minutes]:
    """Return closed minutes the member must justera (chair or justerare) and has not answered yet."""
    ids = [m.id for m in memberships]
    if not ids:
        return []
    answered = (
        select(Approval.id)
        .where(
            Approval.minutes_id == Minutes.id,
            Approval.revision == Minutes.revision,
            Approval.membership_id.in_(ids),
        )
        .exists()
    )
    return db.session.scalars(
        select(Minutes)
        .join(Minutes.meeting)
        .where(
            Minutes.closed_at.is_not(None),
            Minutes.approved_at.is_(None),
            Minutes.chair_id.in_(ids) | Minutes.adjuster_id.in_(ids) | Minutes.second_adjuster_id.in_(ids),
            ~answered,
        )
        .options(contains_eager(Minutes.meeting))
        .order_by(Meeting.starts_at)
        .limit(ROW_LIMIT * 2)
    ).all()


def next_meetings(memberships: list[Membership], now: datetime) -> dict[int, Meeting]:
    """Return each group's next called meeting that has not ended, by group id."""
    group_ids = [m.group_id for m in memberships]
    if not group_ids:
        return {}
    meetings, _ = _first_per_group(
        Meeting,
        Meeting.group_id.in_(group_ids)
        & (Meeting.status == MeetingStatus.CALLED.value)
        & (Meeting.ends_at > now),
        (Meeting.starts_at, Meeting.id),
        1,
    )
    return {m.group_id: m for m in meetings}


def my_responses(meetings: Iterable[Meeting], memberships: list[Membership]) -> dict[int, MeetingResponse]:
    """Return the member's answers to the kallelser of these meetings, by meeting id."""
    meeting_ids = [m.id for m in meetings]
    if not meeting_ids:
        return {}
    rows = db.session.scalars(
        select(MeetingResponse).where(
            MeetingResponse.meeting_id.in_(meeting_ids),
            MeetingResponse.membership_id.in_([m.id for m in memberships]),
        )
    )
    return {r.meeting_id: r for r in rows}


def my_proposals(user_id: int, group_ids: list[int]) -> list[Proposal]:
    """Return the user's newest proposed agenda items in each group, with their meetings."""
    if not group_ids:
        return []
    proposals, _ = _first_per_group(
        Proposal,
        (Proposal.proposer_id == user_id) & Proposal.group_id.in_(group_ids),
        (Proposal.created_at.desc(), Proposal.id.desc()),
        PROPOSAL_LIMIT,
        (joinedload(Proposal.meeting),),
    )
    return proposals


# -- the leaders' overview -------------------------------------------------------------------------


@dataclass
class OwnerCount:
    """Open uppdrag of one owner (or återrapporteringar of one organisation)."""

    name: str
    organisation: str | None
    open: int
    overdue: int = 0


@dataclass
class Overview:
    """What the chair and vice chair see of their group at a glance: counts, each with a link."""

    open_decisions: int = 0
    open_actions: int = 0
    overdue_actions: int = 0
    by_owner: list[OwnerCount] = field(default_factory=list)
    by_organisation: list[OwnerCount] = field(default_factory=list)
    waiting_reports: int = 0
    past_review_reports: int = 0
    unapproved_minutes: int = 0
    meetings_this_year: int = 0

    @property
    def actions_by_organisation(self) -> list[OwnerCount]:
        """Return the open uppdrag summed per owner's organisation, most first."""
        sums: dict[str, OwnerCount] = {}
        for owner in self.by_owner:
            name = owner.organisation or "Utan organisation"
            total = sums.setdefault(name, OwnerCount(name, None, 0))
            total.open += owner.open
            total.overdue += owner.overdue
        return sorted(sums.values(), key=lambda c: (-c.open, c.name))


def _count_by_group(query) -> dict[int, tuple]:
    """Return a grouped count query's rows by their first column (the group id)."""
    return {row[0]: tuple(row[1:]) for row in db.session.execute(query)}


def overviews(group_ids: list[int], today: date, now: datetime) -> dict[int, Overview]:
    """Return the leaders' overview of each group, in seven queries whatever the number of groups."""
    if not group_ids:
        return {}
    result = {group_id: Overview() for group_id in group_ids}
    overdue = case((ActionItem.due_on < today, 1), else_=0)
    owners = db.session.execute(
        select(ActionItem.group_id, User.name, Organisation.name, func.count(), func.sum(overdue))
        .join(Membership, ActionItem.owner_id == Membership.id)
        .join(User, Membership.user_id == User.id)
        .outerjoin(Organisation, Membership.organisation_id == Organisation.id)
        .where(ActionItem.group_id.in_(group_ids), ActionItem.status.in_(OPEN_ACTION))
        .group_by(ActionItem.group_id, Membership.id, User.name, Organisation.name)
        .order_by(ActionItem.group_id, func.count().desc(), User.name)
    )
    for group_id, name, organisation, count, late in owners:
        overview = result[group_id]
        overview.by_owner.append(OwnerCount(name, organisation, count, int(late or 0)))
        overview.open_actions += count
        overview.overdue_actions += int(late or 0)
    F = OrganisationFollowUp
    organisations = db.session.execute(
        select(F.group_id, Organisation.name, func.count())
        .join(Organisation, F.organisation_id == Organisation.id)
        .where(F.group_id.in_(group_ids), F.done_at.is_(None))
        .group_by(F.group_id, Organisation.name)
        .order_by(F.group_id, func.count().desc(), Organisation.name)
    )
    for group_id, name, count in organisations:
        result[group_id].by_organisation.append(OwnerCount(name, None, count))
    open_decision_ids = (
        select(ActionItem.decision_id.label("id"))
        .where(ActionItem.group_id.in_(group_ids), ActionItem.status.in_(OPEN_ACTION))
        .union(select(F.decision_id).where(F.group_id.in_(group_ids), F.done_at.is_(None)))
        .subquery()
    )
    decisions = _count_by_group(
        select(Decision.group_id, func.count(Decision.id))
        .where(Decision.id.in_(select(open_decision_ids.c.id)))
        .group_by(Decision.group_id)
    )
    # Two counts, each a range of the (group, status, next review) index: one pass summing both
    # over every open report would read the whole open part of the register.
    waiting = _count_by_group(
        select(R.group_id, func.count())
        .where(R.group_id.in_(group_ids), R.status == ReportStatus.SUBMITTED.value)
        .group_by(R.group_id)
    )
    past_review = _count_by_group(
        select(R.group_id, func.count())
        .where(R.group_id.in_(group_ids), R.status.in_(UNDER_REVIEW), R.next_review_on < today)
        .group_by(R.group_id)
    )
    minutes = _count_by_group(
        select(Minutes.group_id, func.count(Minutes.id))
        .where(Minutes.group_id.in_(group_ids), Minutes.closed_at.is_not(None), Minutes.approved_at.is_(None))
        .group_by(Minutes.group_id)
    )
    year_start = local_datetime(date(today.year, 1, 1), time(0))
    held = _count_by_group(
        select(Meeting.group_id, func.count(Meeting.id))
        .where(
            Meeting.group_id.in_(group_ids),
            Meeting.status.in_([MeetingStatus.CLOSED.value, MeetingStatus.APPROVED.value]),
            Meeting.starts_at >= year_start,
            Meeting.starts_at <= now,
        )
        .group_by(Meeting.group_id)
    )
    for group_id, overview in result.items():
        overview.open_decisions = decisions.get(group_id, (0,))[0]
        overview.waiting_reports = waiting.get(group_id, (0,))[0]
        overview.past_review_reports = past_review.get(group_id, (0,))[0]
        overview.unapproved_minutes = minutes.get(group_id, (0,))[0]
        overview.meetings_this_year = held.get(group_id, (0,))[0]
    return result
