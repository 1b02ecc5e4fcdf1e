"""What the start page ("Min sida") and its rows show: context builders for the templates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import g
from flask_login import current_user

from .. import permissions
from ..dates import local
from ..follow_up import services as follow_up_services
from ..meetings import views as meeting_views
from ..minutes.services import SEAT_ROLES
from ..models import (
    LEADING_ROLES,
    ActionItem,
    EventKind,
    Group,
    Meeting,
    MeetingResponse,
    Membership,
    Minutes,
    OrganisationFollowUp,
    Proposal,
    ReportStatus,
    utcnow,
)
from . import queries, services
from .forms import CallAnswerForm

PAGE = "main/index.html"
ACTION = "main/_action.html"
MEETING = "main/_meeting.html"


@dataclass
class Justering:
    """Minutes waiting for the member's justering, and in which role."""

    minutes: Minutes
    role: str


@dataclass
class GroupSection:
    """Everything the start page shows of one of the member's groups."""

    membership: Membership
    actions: list[ActionItem] = field(default_factory=list)
    actions_total: int = 0
    follow_ups: list[OrganisationFollowUp] = field(default_factory=list)
    follow_ups_total: int = 0
    reports: list[queries.ReportRow] = field(default_factory=list)
    reports_total: int = 0
    justeringar: list[Justering] = field(default_factory=list)
    meeting: Meeting | None = None
    response: MeetingResponse | None = None
    proposals: list[Proposal] = field(default_factory=list)
    overview: queries.Overview | None = None
    overdue: int = 0

    @property
    def group(self) -> Group:
        """Return the group."""
        return self.membership.group

    @property
    def holds_seat(self) -> bool:
        """Return whether the member holds a seat (owns uppdrag, answers for an organisation)."""
        return self.membership.role_enum in SEAT_ROLES

    @property
    def is_leading(self) -> bool:
        """Return whether the member leads the group (and sees its overview)."""
        return self.membership.role_enum in LEADING_ROLES


def today():
    """Return today's date in Stockholm (what "försenad" counts from)."""
    return local(utcnow()).date()


def _plural(count: int, one: str, many: str) -> str:
    """Return "1 ny kommentar" or "3 nya kommentarer"."""
    return f"{count} {one if count == 1 else many}"


def describe_changes(events: list[tuple[str, str | None]]) -> list[str]:
    """Say in words what others did to a report since the last visit (labels and counts only)."""
    counts: dict[str, int] = defaultdict(int)
    status = None
    for kind, to_status in events:
        counts[kind] += 1
        if kind in (EventKind.STATUS, EventKind.REOPENED, EventKind.SUBMITTED) and to_status:
            status = to_status
    words = []
    if status is not None:
        words.append(f"Ny status: {ReportStatus(status).label}")
    if counts[EventKind.COMMENT]:
        words.append(_plural(counts[EventKind.COMMENT], "ny kommentar", "nya kommentarer"))
    if counts[EventKind.OCCURRENCE]:
        words.append(_plural(counts[EventKind.OCCURRENCE], "ny förekomst", "nya förekomster"))
    if counts[EventKind.OWNER]:
        words.append("Ny ansvarig")
    if counts[EventKind.CLASSIFIED]:
        words.append("Ny nivå eller kategori")
    if counts[EventKind.ESCALATION] and status != ReportStatus.ESCALATED:
        words.append("Eskalerad")
    if counts[EventKind.ESCALATION_REPLY]:
        words.append("Svar på eskaleringen")
    if counts[EventKind.CONFIDENTIALITY]:
        words.append("Sekretessen ändrad")
    return words


def _reasons(row: queries.ReportRow, membership: Membership, user_id: int) -> list[str]:
    """Say why a report is on the member's page, and who can fix it, in words."""
    report = row.report
    reasons = []
    if report.owner_id == membership.id:
        reasons.append("Du är ansvarig")
    fixer = report.fixer_organisation
    if fixer is not None and fixer.id == membership.organisation_id:
        reasons.append(f"Din organisation ({fixer.name}) kan åtgärda")
    elif fixer is not None:
        reasons.append(f"{fixer.name} kan åtgärda")
    if report.reporter_id == user_id:
        reasons.append("Du rapporterade")
    if row.is_followed:
        reasons.append("Du följer")
    return reasons


def _sections(memberships: list[Membership], since: datetime | None) -> list[GroupSection]:
    """Gather every kind of row for all of the member's groups, a fixed number of queries in all."""
    user = current_user
    now = utcnow()
    day = today()
    sections = {m.group_id: GroupSection(membership=m) for m in memberships}
    actions, totals = queries.my_actions(memberships)
    for action in actions:
        section = sections[action.group_id]
        section.actions.append(action)
        section.actions_total = totals[action.group_id]
        section.overdue += action.is_overdue(day)
    follow_ups, totals = queries.my_follow_ups(memberships)
    for follow_up in follow_ups:
        sections[follow_up.group_id].follow_ups.append(follow_up)
        sections[follow_up.group_id].follow_ups_total = totals[follow_up.group_id]
    rows, totals = queries.my_reports(user, memberships, since)
    changes = queries.report_changes([r.report.id for r in rows], since, user.id)
    for row in rows:
        section = sections[row.report.group_id]
        row.reasons = _reasons(row, section.membership, user.id)
        row.changes = describe_changes(changes.get(row.report.id, []))
        section.reports.append(row)
        section.reports_total = totals[row.report.group_id]
    for minutes in queries.waiting_justering(memberships):
        section = sections[minutes.group_id]
        role = "som mötets ordförande" if minutes.chair_id == section.membership.id else "som justerare"
        section.justeringar.append(Justering(minutes, role))
    meetings = queries.next_meetings(memberships, now)
    responses = queries.my_responses(meetings.values(), memberships)
    for group_id, meeting in meetings.items():
        sections[group_id].meeting = meeting
        sections[group_id].response = responses.get(meeting.id)
    for proposal in queries.my_proposals(user.id, list(sections)):
        sections[proposal.group_id].proposals.append(proposal)
    leading = [m.group_id for m in memberships if m.role_enum in LEADING_ROLES]
    for group_id, overview in queries.overviews(leading, day, now).items():
        sections[group_id].overview = overview
    ordered = [sections[m.group_id] for m in memberships]
    # The most urgent first: groups where justering waits or an uppdrag is late, then by name.
    return sorted(ordered, key=lambda s: not (s.justeringar or s.overdue))


def page_context(since: datetime | None = None) -> dict:
    """Return the start page's context: each group's rows, the most urgent first."""
    memberships = permissions.my_memberships()  # the header's list too
    sections = _sections(memberships, since) if memberships else []
    return {
        "sections": sections,
        "since": since,
        "today": today(),
        "justeringar": [j for s in sections for j in s.justeringar],
        "overdue": [s for s in sections if s.overdue],
        "answer_forms": {s.meeting.id: answer_form(s.membership) for s in sections if s.meeting},
    }


def refused_page_context() -> dict:
    """Return the start page's context for a refused change (the visit is not counted again)."""
    return page_context(services.previous_visit(current_user.id))


def action_context(
    group_id: int, action_id: int, notice: str | None = None, error: str | None = None
) -> dict:
    """Return the context of one uppdrag's row on the start page, read anew after the change."""
    action = follow_up_services.get_action(group_id, action_id, g.membership)
    return {
        "action": action,
        "may_move": follow_up_services.may_move(action, g.membership),
        "today": today(),
        "notice": notice,
        "error": error,
    }


def answer_form(membership: Membership) -> CallAnswerForm:
    """Return the answer buttons' form for the member's own answer."""
    return CallAnswerForm(formdata=None, membership_id=str(membership.id))


def meeting_context(meeting: Meeting, notice: str | None = None, error: str | None = None) -> dict:
    """Return the context of the next meeting's box with the member's answer, read anew."""
    response = queries.my_responses([meeting], [g.membership]).get(meeting.id)
    return {
        "meeting": meeting,
        "membership": g.membership,
        "response": response,
        "form": answer_form(g.membership),
        "accepts_answers": meeting_views.accepts_answers(meeting),
        "notice": notice,
        "error": error,
    }
