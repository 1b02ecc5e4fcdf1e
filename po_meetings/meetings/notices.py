"""The kallelse and other meeting notices by mail. They never hold agenda text: it may be confidential."""

from __future__ import annotations

from flask import render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import mail
from ..extensions import db
from ..filters import format_date, format_long
from ..models import Meeting, Membership, Proposal, ProposalStatus, User
from ..notifications import services as notifications


def recipients(meeting: Meeting) -> list[Membership]:
    """Return the active members (ombuds included) whose accounts can receive mail."""
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.group_id == meeting.group_id, Membership.ended_at.is_(None))
        .options(selectinload(Membership.user))
    ).all()
    return [m for m in memberships if not m.user.is_disabled]


def _queue(meeting: Meeting, template: str, subject: str) -> int:
    """Queue one notice per recipient; return how many."""
    link = url_for("meetings.show", group_id=meeting.group_id, meeting_id=meeting.id, _external=True)
    count = 0
    for membership in recipients(meeting):
        body = render_template(
            template, meeting=meeting, group=meeting.group, membership=membership, link=link
        )
        mail.queue(membership.user.email, subject, body, meeting.group_id)
        count += 1
    return count


def queue_kallelse(meeting: Meeting) -> int:
    """Queue the kallelse (a new one each time the agenda is published)."""
    again = meeting.notice_count > 1
    subject = f"{'Ändrad kallelse' if again else 'Kallelse'}: {meeting.group.name}, {format_long(meeting.starts_at)}"
    return _queue(meeting, "mail/kallelse.txt", subject)


def queue_cancellation(meeting: Meeting) -> int:
    """Queue the notice that a kallad meeting is cancelled."""
    subject = f"Inställt möte: {meeting.group.name}, {format_long(meeting.starts_at)}"
    return _queue(meeting, "mail/cancelled.txt", subject)


def proposal_decided(proposal: Proposal, actor: User) -> None:
    """Tell the proposer that their proposal was taken onto the agenda or declined (not its title:
    by the meeting; the reason for a decline is read in the app)."""
    meeting = proposal.meeting
    when = format_date(meeting.starts_at)
    if proposal.status == ProposalStatus.ACCEPTED.value:
        subject = f"Ditt förslag är med på dagordningen: {meeting.group.name}, mötet {when}"
        body = f"Ditt förslag till punkt är taget på dagordningen till mötet med {meeting.group.name} {when}."
    else:
        subject = f"Ditt förslag har avböjts: {meeting.group.name}, mötet {when}"
        body = (
            f"Ditt förslag till punkt till mötet med {meeting.group.name} {when} har avböjts. "
            "Skälet finns vid förslaget i appen."
        )
    link = notifications.path_for("meetings.show", group_id=meeting.group_id, meeting_id=meeting.id)
    notifications.notify_each(
        [proposal.proposer], meeting.group_id, "proposal_decided", subject, body, link, but=actor
    )
