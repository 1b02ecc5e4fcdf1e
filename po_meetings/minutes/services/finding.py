"""Finding minutes, and the §§ and decisions of them a member may see."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ...extensions import db
from ...models import (
    Decision,
    DecisionReport,
    Meeting,
    Membership,
    Minutes,
    OrganisationFollowUp,
    Paragraph,
)
from .rules import sees_confidential


def minutes_of(meeting: Meeting) -> Minutes | None:
    """Return a meeting's minutes, with everything the minutes page shows, in a fixed few queries.

    The people the minutes name (officers, attendance, votes, reservations, recusals, notes, action
    owners) are memberships of the group: they are loaded once, with their users and organisations,
    and each reference to one is then found in the session instead of by a query of its own.
    """
    _load_people(meeting)
    return db.session.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting.id)
        .options(
            selectinload(Minutes.paragraphs).options(
                selectinload(Paragraph.decisions).options(
                    selectinload(Decision.votes),
                    selectinload(Decision.reservations),
                    selectinload(Decision.actions),
                    selectinload(Decision.follow_ups).selectinload(OrganisationFollowUp.organisation),
                    selectinload(Decision.report_links).selectinload(DecisionReport.report),
                ),
                selectinload(Paragraph.recusals),
                selectinload(Paragraph.guests),
                selectinload(Paragraph.notes),
                selectinload(Paragraph.resumes),  # the tabled § a § takes up again, if any
            ),
            selectinload(Minutes.attendances),
            selectinload(Minutes.approvals),
            selectinload(Minutes.corrections),
        )
    )


def _load_people(meeting: Meeting) -> None:
    """Load the group's memberships, ended ones too, with their users and organisations.

    They are kept as the group's ``memberships`` (the session holds loaded rows only weakly), so
    the many-to-one references above resolve from the session's identity map without SQL. A user
    who is not a member (an administrator who edited a §) is still loaded on first use.
    """
    group = meeting.group
    if "memberships" in group.__dict__:
        return
    people = db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group.id)
        .options(joinedload(Membership.user), joinedload(Membership.organisation))
    ).all()
    set_committed_value(group, "memberships", people)


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
