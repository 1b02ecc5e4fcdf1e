"""Finding minutes, and the §§ and decisions of them a member may see."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    ActionItem,
    Approval,
    Attendance,
    Correction,
    Decision,
    DecisionReport,
    Meeting,
    Membership,
    Minutes,
    MinutesNote,
    OrganisationFollowUp,
    Paragraph,
    Recusal,
    Reservation,
    Vote,
)
from .rules import sees_confidential


def minutes_of(meeting: Meeting) -> Minutes | None:
    """Return a meeting's minutes, with everything the minutes page shows, in a fixed few queries."""
    return db.session.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting.id)
        .options(
            selectinload(Minutes.paragraphs).options(
                selectinload(Paragraph.decisions).options(
                    selectinload(Decision.votes).selectinload(Vote.membership),
                    selectinload(Decision.reservations).selectinload(Reservation.membership),
                    selectinload(Decision.actions).selectinload(ActionItem.owner),
                    selectinload(Decision.follow_ups).selectinload(OrganisationFollowUp.organisation),
                    selectinload(Decision.report_links).selectinload(DecisionReport.report),
                ),
                selectinload(Paragraph.recusals).selectinload(Recusal.membership),
                selectinload(Paragraph.guests),
                selectinload(Paragraph.notes).selectinload(MinutesNote.membership),
                selectinload(Paragraph.released_by),
                selectinload(Paragraph.updated_by),
                selectinload(Paragraph.resumes),  # the tabled § a § takes up again, if any
            ),
            selectinload(Minutes.attendances).options(
                selectinload(Attendance.membership).options(
                    selectinload(Membership.user), selectinload(Membership.organisation)
                ),
                selectinload(Attendance.serving_for).selectinload(Membership.user),
            ),
            selectinload(Minutes.approvals).selectinload(Approval.membership).selectinload(Membership.user),
            selectinload(Minutes.corrections).selectinload(Correction.created_by),
            selectinload(Minutes.chair).selectinload(Membership.user),
            selectinload(Minutes.secretary).selectinload(Membership.user),
            selectinload(Minutes.adjuster).selectinload(Membership.user),
            selectinload(Minutes.second_adjuster).selectinload(Membership.user),
        )
    )


def visible_paragraphs(minutes: Minutes, by: Membership | None) -> list[Paragraph]:
    """Return the §§ the member may see: confidential ones are left out for ombuds and co-opted."""
    if sees_confidential(by):
        return list(minutes.paragraphs)
    return [p for p in minutes.paragraphs if not p.is_secret]


def get_paragraph(minutes: Minutes, paragraph_id: int, by: Membership | None) -> Paragraph | None:
    """Return a § of these minutes that the member may see, or None."""
    for paragraph in visible_paragraphs(minutes, by):
        if paragraph.id == paragraph_id:
            return paragraph
    return None


def get_decision(minutes: Minutes, decision_id: int, by: Membership | None) -> Decision | None:
    """Return a decision in a § the member may see, or None."""
    for paragraph in visible_paragraphs(minutes, by):
        for decision in paragraph.decisions:
            if decision.id == decision_id:
                return decision
    return None
