"""Ids of the demo minutes that the endpoint permission matrix needs (po_meetings.minutes.demo)."""

from __future__ import annotations

from sqlalchemy import select

from po_meetings.minutes import services
from po_meetings.models import Meeting, MeetingStatus


def minutes_ids(session, group_id) -> dict:
    """Return ids of objects in the latest justerade demo meeting's minutes."""
    meeting = session.scalars(
        select(Meeting)
        .where(Meeting.group_id == group_id, Meeting.status == MeetingStatus.APPROVED.value)
        .order_by(Meeting.starts_at.desc())
    ).first()
    minutes = services.minutes_of(meeting)
    paragraphs = minutes.paragraphs
    open_paragraphs = [p for p in paragraphs if not p.is_secret]
    decisions = [d for p in open_paragraphs for d in p.decisions]
    vote_decision = next(d for d in decisions if d.is_vote)
    confidential = next((p for p in paragraphs if p.is_secret), None)
    return {
        "past_meeting_id": meeting.id,
        "paragraph_id": open_paragraphs[0].id,
        "confidential_paragraph_id": confidential.id if confidential is not None else None,
        "decision_id": vote_decision.id,
        "vote_id": vote_decision.votes[0].id,
        "reservation_id": vote_decision.reservations[0].id,
        "note_id": next(n.id for p in open_paragraphs for n in p.notes),
        "guest_id": next(g.id for p in open_paragraphs for g in p.guests),
        "recusal_id": next(r.id for p in paragraphs for r in p.recusals),
        "action_id": next(a.id for d in decisions for a in d.actions if a.is_open),
        "follow_up_id": next(f.id for d in decisions for f in d.follow_ups if f.is_open),
    }
