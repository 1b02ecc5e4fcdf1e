"""Bordläggning: a § the meeting tables (bordlägger) waits for a later meeting, which takes it up
again in a § of its own (``resumes_id``) until the matter is decided.

A tabled matter is open while no § that takes it up again has a decision or is tabled itself
(then that § is the open one). Open matters are listed under every coming agenda of the group
(``po_meetings.minutes.standing``) and offered to the secretary of a meeting under way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased, contains_eager

from ...domain import DomainError
from ...extensions import db
from ...models import Decision, Meeting, Membership, Minutes, Paragraph, utcnow
from .paragraphs import add_paragraph
from .rules import _require_not_immediately_approved, _require_writer, _touch, sees_confidential


def table_paragraph(paragraph: Paragraph, by: Membership) -> Paragraph:
    """Table a § (bordlägg ärendet): its matter goes on the next agendas until it is decided.

    The meeting's secretary and chair, while the minutes are not justerade; a § with a decision
    has been decided and cannot be tabled.
    """
    minutes = paragraph.minutes
    _require_writer(minutes, by)
    _require_not_immediately_approved(paragraph)
    if paragraph.is_tabled:
        raise DomainError(f"{paragraph.label} är redan bordlagd.")
    if paragraph.decisions:
        raise DomainError(
            f"{paragraph.label} har ett beslut. Ta bort beslutet om ärendet i stället ska bordläggas."
        )
    paragraph.tabled_at = utcnow()
    paragraph.tabled_by_id = by.user_id
    _touch(minutes)
    db.session.flush()
    return paragraph


def untable_paragraph(paragraph: Paragraph, by: Membership) -> Paragraph:
    """Take back a bordläggning made by mistake (while the minutes are not justerade and no later
    meeting has taken the matter up again)."""
    minutes = paragraph.minutes
    _require_writer(minutes, by)
    _require_not_immediately_approved(paragraph)
    if not paragraph.is_tabled:
        raise DomainError(f"{paragraph.label} är inte bordlagd.")
    resumed = db.session.scalar(select(Paragraph).where(Paragraph.resumes_id == paragraph.id).limit(1))
    if resumed is not None:
        raise DomainError(
            f"Ärendet i {paragraph.label} har redan tagits upp igen ({resumed.label} {resumed.year}) "
            "och kan inte längre göras obordlagt."
        )
    paragraph.tabled_at = None
    paragraph.tabled_by_id = None
    _touch(minutes)
    db.session.flush()
    return paragraph


def _settled():
    """Return the condition "a § that takes this § up again is decided, or tabled itself"."""
    later = aliased(Paragraph)
    decided = select(Decision.id).where(Decision.paragraph_id == later.id).exists()
    return (
        select(later.id)
        .where(later.resumes_id == Paragraph.id, later.tabled_at.is_not(None) | decided)
        .exists()
    )


#: :func:`_settled`, built once: its alias costs more to build (and key) than the query takes to run.
_SETTLED = _settled()


def open_tabled(group_id: int, by: Membership | None, before: datetime | None = None) -> list[Paragraph]:
    """Return the group's open tabled §§ (of meetings that started before ``before``), oldest
    first, with their minutes and meeting; confidential ones are left out for those who may not
    see them."""
    query = (
        select(Paragraph)
        .join(Minutes, Paragraph.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(Paragraph.group_id == group_id, Paragraph.tabled_at.is_not(None), ~_SETTLED)
        .options(contains_eager(Paragraph.minutes).contains_eager(Minutes.meeting))
        .order_by(Meeting.starts_at, Paragraph.position)
    )
    if before is not None:
        query = query.where(Meeting.starts_at < before)
    if not sees_confidential(by):
        query = query.where(~(Paragraph.is_confidential.is_(True) & Paragraph.released_at.is_(None)))
    return list(db.session.scalars(query))


def is_open_tabled(paragraph: Paragraph) -> bool:
    """Return whether a § is a tabled matter that is still open."""
    if not paragraph.is_tabled:
        return False
    settled = db.session.scalar(select(Paragraph.id).where(Paragraph.id == paragraph.id, _SETTLED))
    return settled is None


def resumed_in(minutes: Minutes, tabled: list[Paragraph]) -> dict[int, Paragraph]:
    """Return the §§ of these minutes that take up one of the tabled §§, by the tabled § id (from
    the minutes' §§, loaded once if the page has not loaded them already)."""
    ids = {p.id for p in tabled}
    if not ids:
        return {}
    return {p.resumes_id: p for p in minutes.paragraphs if p.resumes_id in ids}


def take_up_tabled(minutes: Minutes, by: Membership, tabled: Paragraph) -> Paragraph:
    """Take a tabled matter up again: a new § at the end of these minutes (a meeting under way),
    with the same title, that resumes the tabled § (confidential if it was)."""
    if tabled.group_id != minutes.group_id:
        raise DomainError("Paragrafen finns inte i gruppens protokoll.")
    if tabled.minutes_id == minutes.id:
        raise DomainError(f"{tabled.label} hör till det här mötet och kan tas upp i ett senare möte.")
    if not is_open_tabled(tabled):
        raise DomainError(f"{tabled.label} är inte ett bordlagt ärende som väntar.")
    if tabled.minutes.meeting.starts_at >= minutes.meeting.starts_at:
        raise DomainError(f"{tabled.label} bordlades vid ett senare möte.")
    already = resumed_in(minutes, [tabled]).get(tabled.id)
    if already is not None:
        raise DomainError(f"Ärendet tas redan upp i {already.label}.")
    paragraph = add_paragraph(minutes, by, tabled.title)
    paragraph.resumes_id = tabled.id
    paragraph.is_confidential = tabled.is_secret
    db.session.flush()
    return paragraph
