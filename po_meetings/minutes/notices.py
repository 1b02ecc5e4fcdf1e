"""Mails about the minutes: ready for justering, sent back, justerat. Like the kallelse, they
never hold the minutes' text (it may be confidential): only who, which meeting and a link."""

from __future__ import annotations

from flask import render_template, url_for

from .. import mail
from ..filters import format_long
from ..meetings import notices as meeting_notices
from ..models import Approval, Membership, Minutes


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
    """Tell the meeting's chair and justerare that the minutes wait for their justering."""
    people = [minutes.chair, *minutes.adjusters]
    return _send(minutes, people, "mail/minutes_to_approve.txt", f"Protokoll att justera: {_when(minutes)}")


def queue_returned(minutes: Minutes, approval: Approval) -> int:
    """Tell the secretary that an approver sent the minutes back with comments."""
    subject = f"Protokollet har skickats tillbaka: {_when(minutes)}"
    return _send(minutes, [minutes.secretary], "mail/minutes_returned.txt", subject, approval=approval)


def queue_approved(minutes: Minutes) -> int:
    """Tell everyone in the group that the minutes are justerade."""
    subject = f"Protokollet är justerat: {_when(minutes)}"
    return _send(minutes, meeting_notices.recipients(minutes.meeting), "mail/minutes_approved.txt", subject)
