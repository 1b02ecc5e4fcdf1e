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

from sqlalchemy import Integer, and_, case, func, literal, literal_column, or_, select, union, union_all
from sqlalchemy.orm import aliased, contains_eager, joinedload

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


@dataclass
class _Reason:
    """Why a report of one group is the member's: its rank (0 first) and its rows (id, updated_at)."""

    rank: int
    group_id: int
    rows: object


def _report_reasons(user: User, m: Membership, since: datetime | None, followed) -> list[_Reason]:
    """Return why a report of ``m``'s group is the member's, as disjoint reasons.

    Owned (rank 0, listed first); else open and to be fixed by the member's organisation; else
    submitted by the member; else followed. Disjoint, so their counts add up, and each of the
    first three is one range of a covering index (owner, fixer, reporter; models/system_error.py).
    """
    recent = R.status.in_(OPEN_REPORT)
    if since is not None:
        recent = recent | (R.updated_at > since)
    conditions = [(0, (R.owner_id == m.id) & recent)]
    others = R.owner_id.is_(None) | (R.owner_id != m.id)
    if m.organisation_id is not None:
        conditions.append(
            (1, (R.fixer_organisation_id == m.organisation_id) & R.status.in_(OPEN_REPORT) & others)
        )
        others = others & (
            R.fixer_organisation_id.is_(None)
            | (R.fixer_organisation_id != m.organisation_id)
            | R.status.not_in(OPEN_REPORT)
        )
    conditions.append((1, (R.reporter_id == user.id) & recent & others))
    visible = register.visibility_filter(select(R.id), m.group, user, m).whereclause
    shown = and_(visible, R.status != ReportStatus.DRAFT.value)
    reasons = [
        _Reason(rank, m.group_id, select(R.id, R.updated_at).where(shown, c)) for rank, c in conditions
    ]
    # Followed, not submitted: the reporter follows what they submit, so leave those out by the
    # reporter index first. Each report left is then looked up by its key, one at a time (a
    # subquery per row, which neither database turns into a join): a planner that guesses how
    # many are left would rather read the whole group's index.
    submitted = aliased(R)
    followed_only = followed.except_(
        select(submitted.id).where(submitted.group_id == m.group_id, submitted.reporter_id == user.id)
    ).subquery()
    changed = select(R.updated_at).where(R.id == followed_only.c.report_id, shown, recent, others)
    candidates = select(
        followed_only.c.report_id.label("id"), changed.scalar_subquery().label("updated_at")
    ).subquery()
    reasons.append(_Reason(1, m.group_id, select(candidates).where(candidates.c.updated_at.is_not(None))))
    return reasons


def my_reports(
    user: User, memberships: list[Membership], since: datetime | None
) -> tuple[list[ReportRow], dict[int, int]]:
    """Return the reports the member owns, their organisation can fix, they submitted or follow.

    Open reports, and those that changed since ``since`` (so a resolution shows once); each only
    where the member may see it (the register's own rule, per group). The owned first, then the
    newest changed; at most ``ROW_LIMIT`` a group, and each group's total.

    Two statements whatever the number of reports: the counts of each reason, and the first
    ``ROW_LIMIT`` of each reason (newest first, read from its index), of which the first
    ``ROW_LIMIT`` of the group are kept. Neither reads a report's row that is not shown, but for
    the reports the member follows without having submitted them (each looked up by its key).
    """
    if not memberships:
        return [], {}
    followed = select(ReportFollower.report_id).where(ReportFollower.user_id == user.id)
    reasons = [reason for m in memberships for reason in _report_reasons(user, m, since, followed)]
    totals: dict[int, int] = defaultdict(int)
    counts = union_all(
        *(
            select(literal(reason.group_id, Integer), func.count()).select_from(reason.rows.subquery())
            for reason in reasons
        )
    )
    for group_id, count in db.session.execute(counts):
        if count:
            totals[group_id] += count
    firsts = []
    for reason in reasons:
        rows = reason.rows.subquery()
        first = select(rows.c.id).order_by(rows.c.updated_at.desc(), rows.c.id.desc()).limit(ROW_LIMIT)
        first = first.subquery()
        firsts.append(select(first.c.id, literal_column(str(reason.rank)).label("rank")))
    candidates = union_all(*firsts).subquery()
    rows = db.session.execute(
        select(R, R.id.in_(followed))
        .join(candidates, candidates.c.id == R.id)
        .options(joinedload(R.fixer_organisation))
        .order_by(R.group_id, candidates.c.rank, R.updated_at.desc(), R.id.desc())
    ).all()
    shown: dict[int, list[ReportRow]] = defaultdict(list)
    for report, is_followed in rows:
        if len(shown[report.group_id]) < ROW_LIMIT:
            shown[report.group_id].append(ReportRow(report, bool(is_followed)))
    return [row for group_rows in shown.values() for row in group_rows], dict(totals)


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


def _group_counts(group_id: int, today: date, year_start: datetime, now: datetime):
    """Return a one-row SELECT of a group's five overview counts, each over one index range.

    The decisions with an open uppdrag or återrapportering, the reports waiting to be taken up
    and those past their review date, the minutes waiting for justering and the meetings held
    this year. The group is a value, not a correlation: PostgreSQL plans each count for it (a
    correlated count gets a generic plan, which read the whole register to count one group's).
    """
    F = OrganisationFollowUp
    open_decisions = union(
        select(ActionItem.decision_id).where(
            ActionItem.group_id == group_id, ActionItem.status.in_(OPEN_ACTION)
        ),
        select(F.decision_id).where(F.group_id == group_id, F.done_at.is_(None)),
    )
    counts = (
        select(func.count()).where(Decision.group_id == group_id, Decision.id.in_(open_decisions)),
        select(func.count()).where(R.group_id == group_id, R.status == ReportStatus.SUBMITTED.value),
        select(func.count()).where(
            R.group_id == group_id, R.status.in_(UNDER_REVIEW), R.next_review_on < today
        ),
        select(func.count()).where(
            Minutes.group_id == group_id, Minutes.closed_at.is_not(None), Minutes.approved_at.is_(None)
        ),
        select(func.count()).where(
            Meeting.group_id == group_id,
            Meeting.status.in_([MeetingStatus.CLOSED.value, MeetingStatus.APPROVED.value]),
            Meeting.starts_at >= year_start,
            Meeting.starts_at <= now,
        ),
    )
    return select(literal(group_id, Integer).label("group_id"), *(c.scalar_subquery() for c in counts))


def overviews(group_ids: list[int], today: date, now: datetime) -> dict[int, Overview]:
    """Return the leaders' overview of each group, in three queries whatever the number of groups."""
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
    year_start = local_datetime(date(today.year, 1, 1), time(0))
    counts = [_group_counts(group_id, today, year_start, now) for group_id in group_ids]
    rows = db.session.execute(counts[0] if len(counts) == 1 else union_all(*counts))
    for group_id, decisions, waiting, past_review, minutes, held in rows:
        overview = result[group_id]
        overview.open_decisions = decisions
        overview.waiting_reports = waiting
        overview.past_review_reports = past_review
        overview.unapproved_minutes = minutes
        overview.meetings_this_year = held
    return result
