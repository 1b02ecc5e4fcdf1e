"""The §§: text, new §§, sekretess, omedelbar justering, and jäv."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from ... import numbering
from ...domain import DomainError, clean_text, refuse_personnummer
from ...extensions import db
from ...models import (
    Membership,
    Minutes,
    Paragraph,
    Recusal,
    Role,
    utcnow,
)
from .opening import renumber_year
from .quorum import participation
from .rules import (
    EditConflict,
    _local_day,
    _member_of,
    _require_leader,
    _require_not_immediately_approved,
    _require_open,
    _require_writer,
    _touch,
    leads,
)

# -- §§ ----------------------------------------------------------------------------------------------


def save_paragraph(
    paragraph: Paragraph,
    by: Membership,
    title: str,
    body: str | None,
    version: int | None,
) -> Paragraph:
    """Save a §'s title and text, unless someone saved a newer version meanwhile (then EditConflict)."""
    minutes = paragraph.minutes
    _require_writer(minutes, by)
    _require_not_immediately_approved(paragraph)
    title = clean_text(title, 200, "Rubriken")
    body = clean_text(body, 50_000, "Texten")
    if not title:
        raise DomainError("Paragrafen behöver en rubrik.")
    refuse_personnummer(title, body)
    if version is None or version != paragraph.version:
        raise EditConflict(paragraph, body)
    paragraph.title = title
    paragraph.body = body
    paragraph.updated_at = utcnow()
    paragraph.updated_by_id = by.user_id
    _touch(minutes)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise EditConflict(db.session.get(Paragraph, paragraph.id), body) from None
    return paragraph


def add_paragraph(minutes: Minutes, by: Membership, title: str) -> Paragraph:
    """Add a § at the end, for a matter raised at the meeting (while it is under way)."""
    _require_open(minutes)
    _require_writer(minutes, by)
    title = clean_text(title, 200, "Rubriken")
    if not title:
        raise DomainError("Paragrafen behöver en rubrik.")
    refuse_personnummer(title)
    year = _local_day(minutes).year
    # Another writer adding a § now goes first; then its § is counted here.
    numbering.lock(minutes.group_id, numbering.PARAGRAPH, year)
    last_position = db.session.scalar(
        select(func.max(Paragraph.position)).where(Paragraph.minutes_id == minutes.id)
    )
    position = (last_position or 0) + 1
    paragraph = Paragraph(
        group_id=minutes.group_id,
        position=position,
        year=year,
        number=position,
        title=title,
        is_confidential=False,
    )
    minutes.paragraphs.append(paragraph)
    db.session.flush()
    renumber_year(minutes.group_id, paragraph.year)
    return paragraph


def set_paragraph_confidential(paragraph: Paragraph, by: Membership, confidential: bool) -> Paragraph:
    """Mark a § confidential (or open) before the minutes are justerade."""
    minutes = paragraph.minutes
    _require_writer(minutes, by)
    _require_not_immediately_approved(paragraph)
    paragraph.is_confidential = bool(confidential)
    paragraph.released_at = None
    paragraph.released_by = None
    _touch(minutes)
    db.session.flush()
    return paragraph


def release_paragraph(paragraph: Paragraph, by: Membership) -> Paragraph:
    """Release a confidential § to everyone in the group (the chair decides; who and when are kept)."""
    if not leads(paragraph.minutes, by):
        raise DomainError("Bara ordföranden kan häva sekretessen.")
    if not paragraph.is_secret:
        raise DomainError(f"{paragraph.label} är inte sekretessbelagd.")
    paragraph.released_at = utcnow()
    paragraph.released_by_id = by.user_id
    db.session.flush()
    return paragraph


def approve_at_meeting(paragraph: Paragraph, by: Membership) -> Paragraph:
    """Mark a § omedelbart justerad: it is final from now on (chair, while the meeting is under way)."""
    minutes = paragraph.minutes
    _require_open(minutes)
    _require_leader(minutes, by)
    _require_not_immediately_approved(paragraph)
    paragraph.approved_at_meeting = True
    db.session.flush()
    return paragraph


# -- jäv ---------------------------------------------------------------------------------------------


def recuse(paragraph: Paragraph, by: Membership, membership_id: int, ground: str | None = None) -> Recusal:
    """Mark a member jävig for a §, with the ground (jävsgrund): no vote and no reservation there,
    the quorum of the § does not count them, and the minutes say so. Only a voter present at the
    § can be jävig."""
    minutes = paragraph.minutes
    _require_open(minutes)
    _require_writer(minutes, by)
    _require_not_immediately_approved(paragraph)
    membership = _member_of(minutes, membership_id, "Den jäviga")
    if membership.role_enum == Role.OMBUD:
        raise DomainError("Ett ombud deltar inte i beslut och kan inte anmäla jäv.")
    ground = clean_text(ground, 500, "Jävsgrunden")
    refuse_personnummer(ground)
    if any(r.membership_id == membership.id for r in paragraph.recusals):
        raise DomainError(f"{membership.user.name} är redan antecknad som jävig i {paragraph.label}.")
    if membership.id not in {m.id for m in recusal_candidates(paragraph)}:
        raise DomainError(
            f"{membership.user.name} är inte närvarande och röstberättigad i {paragraph.label} "
            "och kan inte anmäla jäv där."
        )
    for decision in paragraph.decisions:
        if any(v.membership_id == membership.id for v in decision.votes) or any(
            r.membership_id == membership.id for r in decision.reservations
        ):
            raise DomainError(
                f"{membership.user.name} har redan röstat eller reserverat sig i {paragraph.label}; "
                "ta bort det först."
            )
    recusal = Recusal(paragraph=paragraph, group_id=paragraph.group_id, membership=membership, ground=ground)
    db.session.add(recusal)
    db.session.flush()
    return recusal


def recusal_candidates(paragraph: Paragraph) -> list[Membership]:
    """Return who can be jävig in a §: the voters present at it who are not jäviga already."""
    return participation(paragraph).voters


def withdraw_recusal(recusal: Recusal, by: Membership) -> None:
    """Remove a jäv entered by mistake (until the meeting closes)."""
    paragraph = recusal.paragraph
    _require_open(paragraph.minutes)
    _require_writer(paragraph.minutes, by)
    paragraph.recusals.remove(recusal)
    db.session.flush()
