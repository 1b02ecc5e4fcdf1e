"""The meeting's officers (chair, secretary, justerare), attendance and guests."""

from __future__ import annotations

from ...domain import DomainError, clean_text, refuse_personnummer
from ...extensions import db
from ...meetings import services as meeting_services
from ...models import (
    ORDINARY_ROLES,
    Attendance,
    Guest,
    Membership,
    Minutes,
    Paragraph,
    Presence,
    Role,
)
from .quorum import _check_votes_and_reservations, compute_result
from .rules import SEAT_ROLES, _member_of, _paragraph_of, _require_open, _require_writer, leads

# -- officers ----------------------------------------------------------------------------------------


def set_officers(
    minutes: Minutes,
    by: Membership,
    chair_id: int | None,
    secretary_id: int | None,
    adjuster_ids: list[int],
) -> Minutes:
    """Choose the meeting's chair, secretary and one or two justerare (until the meeting closes)."""
    _require_open(minutes)
    if not leads(minutes, by):
        raise DomainError("Bara mötets ordförande väljer sekreterare och justerare.")
    chair = _member_of(minutes, chair_id, "Ordföranden")
    secretary = _member_of(minutes, secretary_id, "Sekreteraren")
    adjuster_ids = [i for i in adjuster_ids if i is not None]
    if len(adjuster_ids) != len(set(adjuster_ids)):
        raise DomainError("Välj två olika justerare.")
    if len(adjuster_ids) > 2:
        raise DomainError("Välj en eller två justerare.")
    adjusters = [_member_of(minutes, i, "Justeraren") for i in adjuster_ids]
    if chair is None:
        raise DomainError("Välj mötets ordförande.")
    if chair.role_enum not in ORDINARY_ROLES:
        raise DomainError("Mötets ordförande ska vara ordinarie ledamot.")
    if secretary is not None and secretary.role_enum not in SEAT_ROLES:
        raise DomainError("Sekreteraren ska vara ledamot eller ersättare i gruppen.")
    for adjuster in adjusters:
        if adjuster.role_enum not in SEAT_ROLES:
            raise DomainError("Justerare ska vara ledamot eller ersättare i gruppen.")
        if adjuster.id == chair.id:
            raise DomainError("Ordföranden justerar redan protokollet; välj någon annan som justerare.")
        if secretary is not None and adjuster.id == secretary.id:
            raise DomainError("Sekreteraren kan inte vara justerare.")
        if _attendance(minutes, adjuster.id).presence != Presence.PRESENT.value:
            raise DomainError(f"{adjuster.user.name} är inte närvarande och kan inte vara justerare.")
    chair_changed = minutes.chair_id != chair.id
    minutes.chair = chair
    minutes.secretary = secretary
    minutes.adjuster = adjusters[0] if adjusters else None
    minutes.second_adjuster = adjusters[1] if len(adjusters) > 1 else None
    db.session.flush()
    if chair_changed:  # the utslagsröst follows the meeting's chair
        for paragraph in minutes.paragraphs:
            for decision in paragraph.decisions:
                if decision.is_vote and decision.votes:
                    compute_result(decision)
        _check_votes_and_reservations(minutes)
    return minutes


# -- attendance and guests ---------------------------------------------------------------------------


def _attendance(minutes: Minutes, membership_id: int) -> Attendance:
    """Return a member's attendance row, making one for members who joined after the start."""
    for row in minutes.attendances:
        if row.membership_id == membership_id:
            return row
    membership = _member_of(minutes, membership_id, "Personen")
    row = Attendance(group_id=minutes.group_id, membership=membership, presence=Presence.ABSENT.value)
    minutes.attendances.append(row)
    return row


def set_attendance(
    minutes: Minutes,
    by: Membership,
    membership_id: int,
    presence: Presence | str,
    serving_for_id: int | None = None,
    arrived_at_id: int | None = None,
    left_after_id: int | None = None,
) -> Attendance:
    """Record one person's presence, whom a substitute serves for, and a late arrival or early leave."""
    _require_open(minutes)
    _require_writer(minutes, by)
    try:
        presence = Presence(presence)
    except ValueError:
        raise DomainError("Välj närvarande, förhinder eller frånvarande.") from None
    row = _attendance(minutes, membership_id)
    membership = row.membership
    arrived = _paragraph_of(minutes, arrived_at_id)
    left = _paragraph_of(minutes, left_after_id)
    if presence != Presence.PRESENT and (arrived or left or serving_for_id):
        raise DomainError("Bara den som är närvarande kan komma sent, gå tidigt eller tjänstgöra.")
    if arrived and left and arrived.position > left.position:
        raise DomainError("Personen kan inte gå före den paragraf där hen kom.")
    serving_for = None
    if serving_for_id is not None:
        serving_for = _member_of(minutes, serving_for_id, "Den ordinarie ledamoten")
        if membership.role_enum != Role.SUBSTITUTE:
            raise DomainError("Bara en ersättare kan tjänstgöra för en ledamot.")
        if serving_for.role_enum not in ORDINARY_ROLES:
            raise DomainError("En ersättare tjänstgör bara för en ordinarie ledamot.")

        if not meeting_services.stands_in_for(membership, serving_for):
            raise DomainError(f"{membership.user.name} är inte ersättare för {serving_for.user.name}.")
        if _attendance(minutes, serving_for.id).presence == Presence.PRESENT.value:
            raise DomainError(f"{serving_for.user.name} är närvarande; ersättaren tjänstgör inte.")
        for other in minutes.attendances:
            if other is not row and other.serving_for_id == serving_for.id:
                raise DomainError(
                    f"{other.membership.user.name} tjänstgör redan för {serving_for.user.name}."
                )
    if presence == Presence.PRESENT.value and membership.role_enum in ORDINARY_ROLES:
        for other in minutes.attendances:
            if other.serving_for_id == membership.id and other is not row:
                other.serving_for = None
    row.presence = presence.value
    row.serving_for = serving_for
    row.arrived_at = arrived
    row.left_after = left
    db.session.flush()  # serving_for_id follows serving_for only at the flush
    _check_votes_and_reservations(minutes)
    return row


def add_guest(paragraph: Paragraph, by: Membership, name: str, description: str | None) -> Guest:
    """Record someone else present at one § (a guest, a speaker)."""
    minutes = paragraph.minutes
    _require_open(minutes)
    _require_writer(minutes, by)
    name = clean_text(name, 200, "Namnet")
    description = clean_text(description, 200, "Titeln")
    if not name:
        raise DomainError("Skriv namnet på den som var med.")
    refuse_personnummer(name, description)
    guest = Guest(paragraph=paragraph, group_id=paragraph.group_id, name=name, description=description)
    db.session.add(guest)
    db.session.flush()
    return guest


def remove_guest(guest: Guest, by: Membership) -> None:
    """Remove a guest entered by mistake."""
    minutes = guest.paragraph.minutes
    _require_open(minutes)
    _require_writer(minutes, by)
    guest.paragraph.guests.remove(guest)
    db.session.flush()
