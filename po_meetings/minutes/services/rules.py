"""Who may do what in the minutes, and the small checks every rule shares.

The meeting's own roles decide: its chair, its secretary and its justerare (not the group roles
alone). The ``_require_*`` helpers raise the refusal a rule gives when the minutes are justerade,
closed, or the member may not write them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...dates import STOCKHOLM
from ...domain import DomainError
from ...extensions import db
from ...models import (
    LEADING_ROLES,
    Membership,
    Minutes,
    Paragraph,
    Role,
)

# -- roles and messages ------------------------------------------------------------------------------


#: Roles that never vote, reserve or count towards the quorum.
NON_VOTING_ROLES = frozenset({Role.CO_OPTED, Role.OMBUD})


#: Roles that can be the meeting's secretary or justerare, or own an action item.
SEAT_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER, Role.SUBSTITUTE})


#: Roles that do not see confidential §§.
RESTRICTED_ROLES = frozenset({Role.OMBUD, Role.CO_OPTED})


LOCKED = "Protokollet är justerat och kan inte ändras. Gör en rättelse i stället."


CLOSED = "Mötet är avslutat: närvaro, jäv, beslut, röster och reservationer är låsta."


class EditConflict(DomainError):
    """A § was saved over a newer version; both texts go back to the writer."""

    def __init__(self, paragraph: Paragraph, mine: str | None) -> None:
        super().__init__(
            "Någon annan har sparat paragrafen medan du skrev. Jämför texterna, "
            "för över det du vill behålla och spara igen."
        )
        self.paragraph = paragraph
        self.mine = mine


# -- who may do what ---------------------------------------------------------------------------------


def is_chair(minutes: Minutes, by: Membership | None) -> bool:
    """Return whether the member chairs this meeting."""
    return by is not None and by.id == minutes.chair_id


def is_secretary(minutes: Minutes, by: Membership | None) -> bool:
    """Return whether the member is this meeting's secretary."""
    return by is not None and by.id == minutes.secretary_id


def is_adjuster(minutes: Minutes, by: Membership | None) -> bool:
    """Return whether the member is one of this meeting's justerare."""
    return by is not None and by.id in {minutes.adjuster_id, minutes.second_adjuster_id} - {None}


def leads(minutes: Minutes, by: Membership | None) -> bool:
    """Return whether the member chairs the meeting or leads the meeting's group."""
    return by is not None and (
        is_chair(minutes, by) or (by.group_id == minutes.group_id and by.role_enum in LEADING_ROLES)
    )


def can_write(minutes: Minutes, by: Membership | None) -> bool:
    """Return whether the member may write these minutes (secretary, meeting chair, group leaders)."""
    return not minutes.is_approved and (is_secretary(minutes, by) or leads(minutes, by))


def can_approve(minutes: Minutes, by: Membership | None) -> bool:
    """Return whether the member is one who justerar these minutes (chair and justerare)."""
    return is_chair(minutes, by) or is_adjuster(minutes, by)


def sees_confidential(by: Membership | None) -> bool:
    """Return whether the member sees confidential §§ (ombuds and co-opted members do not)."""
    return by is not None and by.role_enum not in RESTRICTED_ROLES


def _require_writer(minutes: Minutes, by: Membership) -> None:
    """Refuse a change by someone who does not write these minutes, or to justerade minutes."""
    if minutes.is_approved:
        raise DomainError(LOCKED)
    if not can_write(minutes, by):
        raise DomainError("Bara mötets sekreterare och ordförande kan ändra protokollet.")


def _require_leader(minutes: Minutes, by: Membership) -> None:
    """Refuse an act that belongs to the meeting's chair."""
    if minutes.is_approved:
        raise DomainError(LOCKED)
    if not leads(minutes, by):
        raise DomainError("Bara mötets ordförande kan göra det.")


def _require_open(minutes: Minutes) -> None:
    """Refuse a change that closing the meeting froze."""
    if minutes.is_approved:
        raise DomainError(LOCKED)
    if minutes.closed_at is not None:
        raise DomainError(CLOSED)


def _touch(minutes: Minutes) -> None:
    """Count a change after closing as a new revision, so earlier justeringar no longer count."""
    if minutes.closed_at is not None:
        minutes.revision = (minutes.revision or 1) + 1


def _local_day(minutes_or_meeting) -> date:
    """Return the meeting's date in Stockholm (its § year and the earliest due date count from it)."""
    meeting = minutes_or_meeting.meeting if isinstance(minutes_or_meeting, Minutes) else minutes_or_meeting
    return meeting.starts_at.astimezone(STOCKHOLM).date()


def _require_not_immediately_approved(paragraph: Paragraph) -> None:
    """Refuse a change to a § that was justerad at the meeting."""
    if paragraph.approved_at_meeting:
        raise DomainError(f"{paragraph.label} är omedelbart justerad och kan inte ändras.")


# -- members and §§ of these minutes -----------------------------------------------------------------


def _group_members(group_id: int) -> list[Membership]:
    """Return the group's active memberships with their people and organisations."""
    return db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group_id, Membership.ended_at.is_(None))
        .options(selectinload(Membership.user), selectinload(Membership.organisation))
        .order_by(Membership.id)
    ).all()


def _member_of(minutes: Minutes, membership_id: int | None, what: str) -> Membership | None:
    """Return an active membership of the meeting's group, refusing anyone else."""
    if membership_id is None:
        return None
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.group_id != minutes.group_id or not membership.is_active:
        raise DomainError(f"{what} ska vara med i gruppen.")
    return membership


def _paragraph_of(minutes: Minutes, paragraph_id: int | None) -> Paragraph | None:
    """Return a § of these minutes by id, refusing one of other minutes."""
    if paragraph_id is None:
        return None
    for paragraph in minutes.paragraphs:
        if paragraph.id == paragraph_id:
            return paragraph
    raise DomainError("Paragrafen hör inte till det här protokollet.")
