"""Opening the minutes when a meeting starts, and numbering the §§ of a year."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import numbering
from ...extensions import db
from ...meetings import hooks, standing
from ...models import (
    AgendaItem,
    Answer,
    Attendance,
    Meeting,
    MeetingResponse,
    Membership,
    Minutes,
    Paragraph,
    Presence,
    Role,
    utcnow,
)
from .rules import _group_members, _local_day


def _default_chair(members: list[Membership]) -> Membership | None:
    """Return the group's chair, or the vice chair when there is none."""
    for role in (Role.CHAIR, Role.VICE_CHAIR):
        for membership in members:
            if membership.role_enum == role:
                return membership
    return None


@hooks.on_start
def open_minutes(meeting: Meeting) -> Minutes:
    """Open the minutes of a meeting that starts: one § per agenda item, attendance from the answers
    (who has not answered is *ej angivet*).

    A top-level item and its sub-items make one §; a confidential sub-item of an open item gets its
    own confidential § after it, so that nothing confidential hides inside an open §.
    """
    existing = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
    if existing is not None:
        return existing
    members = _group_members(meeting.group_id)
    answers = {
        r.membership_id: r.answer
        for r in db.session.scalars(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting.id))
    }
    chair = _default_chair(members)
    minutes = Minutes(
        meeting=meeting,
        group_id=meeting.group_id,
        chair=chair,
        opened_at=utcnow(),
        revision=1,
    )
    db.session.add(minutes)
    year = _local_day(meeting).year
    position = 0
    tops = sorted((i for i in meeting.items if i.parent_id is None), key=lambda i: i.position)
    for top in tops:
        children = sorted((i for i in meeting.items if i.parent_id == top.id), key=lambda i: i.position)
        open_children = [c for c in children if top.is_confidential or not c.is_confidential]
        secret_children = [c for c in children if c not in open_children]
        position += 1
        minutes.paragraphs.append(_paragraph_from(top, open_children, position, year, meeting, chair))
        for child in secret_children:
            position += 1
            minutes.paragraphs.append(_paragraph_from(child, [], position, year, meeting, chair))
    for membership in members:
        answer = answers.get(membership.id)
        if answer == Answer.ATTENDING.value:
            presence = Presence.PRESENT
        elif answer == Answer.APOLOGIES.value:
            presence = Presence.APOLOGIES
        else:  # no answer: ej angivet until the secretary says, never counted as absent
            presence = Presence.UNKNOWN
        minutes.attendances.append(
            Attendance(group_id=meeting.group_id, membership=membership, presence=presence.value)
        )
    db.session.flush()
    renumber_year(meeting.group_id, year)
    return minutes


def _paragraph_from(
    item: AgendaItem, children, position: int, year: int, meeting: Meeting, chair: Membership | None
) -> Paragraph:
    """Return a new § for an agenda item; its sub-items become headings in the text, and a standing
    item writes what was on the table (the reports waiting, the open uppdrag) under its heading."""
    parts = [standing.recorded(meeting, item.standing_kind, chair)]
    for letter, child in zip("abcdefghijklmnop", children, strict=False):
        parts += [f"**{letter}) {child.title}**", standing.recorded(meeting, child.standing_kind, chair)]
    body = "\n\n".join(part for part in parts if part)
    return Paragraph(
        group_id=meeting.group_id,
        agenda_item=item,
        position=position,
        year=year,
        number=position,
        title=item.title,
        body=body or None,
        is_confidential=item.is_confidential,
    )


def renumber_year(group_id: int, year: int) -> None:
    """Number the §§ of a group's year in meeting order: justerade minutes keep their numbers.

    The first § of the year's first meeting is § 1; numbers run on across meetings. A number that
    justerade minutes hold is never given again (an earlier meeting still open skips it).

    Writers of one group and year take turns on the year's § counter, and read the §§ afresh once
    it is theirs, so two meetings (or two writers) never give one number twice.
    """
    numbering.lock(group_id, numbering.PARAGRAPH, year)
    rows = db.session.scalars(
        select(Minutes)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(Minutes.group_id == group_id, Minutes.paragraphs.any(Paragraph.year == year))
        .options(selectinload(Minutes.paragraphs))
        .order_by(Meeting.starts_at, Minutes.id)
        .execution_options(populate_existing=True)
    ).all()
    taken = {p.number for m in rows if m.is_approved for p in m.paragraphs if p.year == year}
    last = 0
    for minutes in rows:
        paragraphs = [p for p in minutes.paragraphs if p.year == year]
        if not paragraphs:
            continue
        if minutes.is_approved:
            last = max(last, max(p.number for p in paragraphs))
            continue
        for paragraph in sorted(paragraphs, key=lambda p: p.position):
            last += 1
            while last in taken:
                last += 1
            if paragraph.number != last:
                paragraph.number = last
    numbering.record(group_id, numbering.PARAGRAPH, year, last)
    db.session.flush()
