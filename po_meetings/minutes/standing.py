"""The minutes' parts of the agenda: what the group decided and has not yet followed up (a
standing item), and the matters tabled at earlier meetings (a block under every agenda)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..meetings.standing import plain, provider, record, section
from ..models import Meeting, MeetingStatus, Membership, Minutes, StandingKind
from . import services

#: Meetings whose agenda lists the tabled matters: those still to be held, and the one under way.
TABLED_ON = {MeetingStatus.DRAFT, MeetingStatus.CALLED, MeetingStatus.IN_PROGRESS}


@provider(StandingKind.FOLLOW_UP)
def follow_up(meeting: Meeting, membership: Membership | None) -> dict:
    """Every open action item and återrapportering from earlier meetings, overdue ones marked;
    those in confidential §§ are left out for ombuds and co-opted members."""
    open_rows = services.open_follow_ups(meeting.group_id, membership, before=meeting.starts_at)
    return {
        "actions": open_rows.actions,
        "organisation_follow_ups": open_rows.organisation_follow_ups,
        "today": open_rows.today,
    }


@record(StandingKind.FOLLOW_UP)
def record_follow_up(meeting: Meeting, by: Membership | None) -> str:
    """The open uppdrag and återrapporteringar when the meeting started, for the § (one from a
    confidential § by its § only, since this § may be read without sekretess)."""
    rows = services.open_follow_ups(meeting.group_id, by, before=meeting.starts_at)
    if not rows.actions and not rows.organisation_follow_ups:
        return "Inga uppdrag eller återrapporteringar var öppna."
    lines = []
    if rows.actions:
        lines += ["Öppna uppdrag:", ""]
        for action in rows.actions:
            paragraph = action.decision.paragraph
            what = "(sekretess)" if paragraph.is_confidential else plain(action.title)
            due = f", klart senast {action.due_on.isoformat()}" if action.due_on else ""
            late = " (försenat)" if action.due_on and action.due_on < rows.today else ""
            lines.append(f"- {what} – {plain(action.owner.user.name)}{due}{late} ({paragraph.label})")
        lines.append("")
    if rows.organisation_follow_ups:
        lines += ["Återrapporteringar som väntar:", ""]
        for follow_up in rows.organisation_follow_ups:
            paragraph = follow_up.decision.paragraph
            lines.append(f"- {plain(follow_up.organisation.name)} ({paragraph.label})")
    return "\n".join(lines).strip()


def tabled_matters(meeting: Meeting, membership: Membership | None, minutes: Minutes | None = None) -> dict:
    """The tabled matters of the group's earlier meetings that are still open, oldest first; at a
    meeting under way (its ``minutes`` looked up unless given), the § that takes each up (if one
    does) and whether the member may take them up (the minutes' writers)."""
    matters = services.open_tabled(meeting.group_id, membership, before=meeting.starts_at)
    if minutes is None and matters and meeting.status_enum == MeetingStatus.IN_PROGRESS:
        minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
    under_way = minutes is not None and minutes.closed_at is None and not minutes.is_approved
    return {
        "matters": matters,
        "resumed": services.resumed_in(minutes, matters) if minutes is not None else {},
        "can_take_up": under_way and services.can_write(minutes, membership),
    }


@section("tabled")
def tabled(meeting: Meeting, membership: Membership | None) -> dict | None:
    """The block "Bordlagda ärenden" under the agenda of a meeting still to be held or under way."""
    if meeting.status_enum not in TABLED_ON:
        return None
    return tabled_matters(meeting, membership)
