"""Mails about the minutes: ready for justering, sent back, justerat. Like the kallelse, they
never hold the minutes' text (it may be confidential): only who, which meeting and a link."""

from __future__ import annotations

from flask import render_template, url_for

from .. import mail
from ..filters import format_date, format_long
from ..meetings import notices as meeting_notices
from ..models import ActionItem, Approval, Membership, Minutes
from ..notifications import services as notifications


def _send(minutes: Minutes, people: list[Membership], template: str, subject: str, **context) -> int:
    """Queue one mail per person (disabled accounts and duplicates left out); return how many."""
    meeting = minutes.meeting
    link = url_for("minutes.show", group_id=meeting.group_id, meeting_id=meeting.id, _external=True)
    sent = set()
    for membership in people:
        if membership is None or membership.user.is_disabled or membership.user_id in sent:
            continue
        sent.add(membership.user_id)
        body = render_template(
            template, meeting=meeting, group=meeting.group, membership=membership, link=link, **context
        )
        mail.queue(membership.user.email, subject, body, meeting.group_id)
    return len(sent)


def _when(minutes: Minutes) -> str:
    """Return the meeting's group and date for a subject line."""
    return f"{minutes.meeting.group.name}, {format_long(minutes.meeting.starts_at)}"


def queue_for_justering(minutes: Minutes) -> int:
    """Tell the meeting's chair and justerare that the minutes wait for their justering, at once or
    in their digest as each has chosen; return how many were told."""
    meeting = minutes.meeting
    link = notifications.path_for("minutes.show", group_id=meeting.group_id, meeting_id=meeting.id)
    body = (
        f"Mötet med {meeting.group.name} {format_long(meeting.starts_at)} är avslutat och protokollet "
        "väntar på din justering. Läs protokollet och justera det, eller skicka tillbaka det med synpunkter."
    )
    people = [m.user for m in (minutes.chair, *minutes.adjusters) if m is not None]
    subject = f"Protokoll att justera: {_when(minutes)}"
    return notifications.notify_each(people, meeting.group_id, "minutes_to_approve", subject, body, link)


def action_assigned(action: ActionItem, by: Membership) -> None:
    """Tell an uppdrag's owner they have it (not its text: by its § and meeting)."""
    paragraph = action.decision.paragraph
    meeting = paragraph.minutes.meeting
    due = f" Klart senast {format_date(action.due_on)}." if action.due_on else ""
    subject = f"Nytt uppdrag till dig: {paragraph.label}, mötet {format_date(meeting.starts_at)}"
    body = (
        f"Du är ansvarig för ett uppdrag som {meeting.group.name} gav i {paragraph.label} vid mötet "
        f"{format_date(meeting.starts_at)}.{due}"
    )
    link = notifications.path_for("follow_up.index", group_id=action.group_id, visa="mina")
    notifications.notify_each(
        [action.owner.user], action.group_id, "action_assigned", subject, body, link, but=by.user_id
    )


def queue_returned(minutes: Minutes, approval: Approval) -> int:
    """Tell the secretary that an approver sent the minutes back with comments."""
    subject = f"Protokollet har skickats tillbaka: {_when(minutes)}"
    return _send(minutes, [minutes.secretary], "mail/minutes_returned.txt", subject, approval=approval)


def queue_approved(minutes: Minutes) -> int:
    """Tell everyone in the group that the minutes are justerade."""
    subject = f"Protokollet är justerat: {_when(minutes)}"
    return _send(minutes, meeting_notices.recipients(minutes.meeting), "mail/minutes_approved.txt", subject)
