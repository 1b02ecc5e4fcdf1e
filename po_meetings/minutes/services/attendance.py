"""The meeting's officers (chair, secretary, justerare), attendance and guests."""

from __future__ import annotations

from dataclasses import dataclass, field

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

#: The officers' fields, in the order they are saved (the justerare are checked against the chair
#: and the secretary chosen in the same save).
OFFICER_FIELDS = ("chair_id", "secretary_id", "adjuster_id", "second_adjuster_id")


@dataclass
class OfficerChoice:
    """What :func:`choose_officers` saved, and why the rest was refused, by form field."""

    saved: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def _check_chair(minutes: Minutes, chair_id: int | None) -> Membership:
    """Return the chosen chair, or refuse one who cannot chair the meeting."""
    chair = _member_of(minutes, chair_id, "Ordföranden")
    if chair is None:
        raise DomainError("Välj mötets ordförande.")
    if chair.role_enum not in ORDINARY_ROLES:
        raise DomainError("Mötets ordförande ska vara ordinarie ledamot.")
    return chair


def _check_secretary(minutes: Minutes, secretary_id: int | None) -> Membership | None:
    """Return the chosen secretary (or None), or refuse one who cannot be secretary."""
    secretary = _member_of(minutes, secretary_id, "Sekreteraren")
    if secretary is not None and secretary.role_enum not in SEAT_ROLES:
        raise DomainError("Sekreteraren ska vara ledamot eller ersättare i gruppen.")
    return secretary


def _check_adjuster(minutes: Minutes, adjuster_id: int | None, chair_id, secretary_id) -> Membership | None:
    """Return a chosen justerare (or None), or refuse one who cannot justera."""
    adjuster = _member_of(minutes, adjuster_id, "Justeraren")
    if adjuster is None:
        return None
    if adjuster.role_enum not in SEAT_ROLES:
        raise DomainError("Justerare ska vara ledamot eller ersättare i gruppen.")
    if adjuster.id == chair_id:
        raise DomainError("Ordföranden justerar redan protokollet; välj någon annan som justerare.")
    if secretary_id is not None and adjuster.id == secretary_id:
        raise DomainError("Sekreteraren kan inte vara justerare.")
    if _attendance(minutes, adjuster.id).presence != Presence.PRESENT.value:
        raise DomainError(
            f"{adjuster.user.name} är inte markerad som närvarande. Ange närvaron först (ovan), "
            "en justerare ska vara närvarande."
        )
    return adjuster


def choose_officers(
    minutes: Minutes,
    by: Membership,
    chair_id: int | None,
    secretary_id: int | None,
    adjuster_ids: list[int | None],
) -> OfficerChoice:
    """Save each of the meeting's officers on its own: a valid choice is kept beside a refused one.

    Returns what was saved and, by form field (:data:`OFFICER_FIELDS`), why the rest was refused;
    the whole change is refused (DomainError) only when the member may not choose at all.
    """
    _require_open(minutes)
    if not leads(minutes, by):
        raise DomainError("Bara mötets ordförande väljer sekreterare och justerare.")
    outcome = OfficerChoice()
    chair_changed = False
    try:
        chair = _check_chair(minutes, chair_id)
        if chair.id != minutes.chair_id:
            chair_changed = True
            minutes.chair = chair
        outcome.saved.append("chair_id")
    except DomainError as error:
        outcome.refused["chair_id"] = str(error)
    try:
        minutes.secretary = _check_secretary(minutes, secretary_id)
        outcome.saved.append("secretary_id")
    except DomainError as error:
        outcome.refused["secretary_id"] = str(error)
    adjusters: list[Membership | None] = []
    for name, adjuster_id in zip(OFFICER_FIELDS[2:], [*adjuster_ids, None, None][:2], strict=True):
        current = (minutes.adjuster_id, minutes.second_adjuster_id)[len(adjusters)]
        try:
            if adjuster_id is not None and adjuster_id in [a.id for a in adjusters if a is not None]:
                raise DomainError("Välj två olika justerare.")
            chosen_chair = minutes.chair.id if minutes.chair is not None else None  # ids follow at the flush
            chosen_secretary = minutes.secretary.id if minutes.secretary is not None else None
            adjusters.append(_check_adjuster(minutes, adjuster_id, chosen_chair, chosen_secretary))
            outcome.saved.append(name)
        except DomainError as error:
            outcome.refused[name] = str(error)
            adjusters.append(db.session.get(Membership, current) if current is not None else None)
    chosen = [a for a in adjusters if a is not None]
    minutes.adjuster = chosen[0] if chosen else None
    minutes.second_adjuster = chosen[1] if len(chosen) > 1 else None
    db.session.flush()
    if chair_changed:  # the utslagsröst follows the meeting's chair
        for paragraph in minutes.paragraphs:
            for decision in paragraph.decisions:
                if decision.is_vote and decision.votes:
                    compute_result(decision)
        _check_votes_and_reservations(minutes)
    return outcome


def set_officers(
    minutes: Minutes,
    by: Membership,
    chair_id: int | None,
    secretary_id: int | None,
    adjuster_ids: list[int],
) -> Minutes:
    """Choose the meeting's chair, secretary and one or two justerare, all or nothing (until closing)."""
    adjuster_ids = [i for i in adjuster_ids if i is not None]
    if len(adjuster_ids) > 2:
        raise DomainError("Välj en eller två justerare.")
    outcome = choose_officers(minutes, by, chair_id, secretary_id, adjuster_ids)
    for name in OFFICER_FIELDS:
        if name in outcome.refused:
            raise DomainError(outcome.refused[name])
    return minutes


# -- attendance and guests ---------------------------------------------------------------------------


def _attendance(minutes: Minutes, membership_id: int) -> Attendance:
    """Return a member's attendance row, making one (ej angivet) for members who joined after the start."""
    for row in minutes.attendances:
        if row.membership_id == membership_id:
            return row
    membership = _member_of(minutes, membership_id, "Personen")
    row = Attendance(group_id=minutes.group_id, membership=membership, presence=Presence.UNKNOWN.value)
    minutes.attendances.append(row)
    return row


class AttendanceRefusal(DomainError):
    """A refused attendance entry, with the person whose row it concerns (for the message's place)."""

    def __init__(self, message: str, membership_id: int) -> None:
        super().__init__(message)
        self.membership_id = membership_id


@dataclass
class AttendanceEntry:
    """One person's line of the attendance form."""

    membership_id: int
    presence: Presence | str | None
    serving_for_id: int | None = None
    arrived_at_id: int | None = None
    left_after_id: int | None = None


def _presence(value) -> Presence:
    """Return a presence, refusing anything else."""
    try:
        return Presence(value)
    except ValueError:
        raise DomainError("Välj närvarande, förhinder, frånvarande eller ej angivet.") from None


def _apply_details(
    minutes: Minutes, row: Attendance, entry: AttendanceEntry, serving_was: int | None
) -> None:
    """Set a row's service, late arrival and early leave (its presence is already set), or refuse.

    ``serving_was`` is whom the row served for before: a substitute still serving, unchanged, for a
    member now marked present simply stops serving.
    """
    membership = row.membership
    presence = Presence(row.presence)
    arrived = _paragraph_of(minutes, entry.arrived_at_id)
    left = _paragraph_of(minutes, entry.left_after_id)
    serving_for_id = entry.serving_for_id
    if serving_for_id is not None and serving_for_id == serving_was:
        target = _attendance(minutes, serving_for_id)
        if target.presence == Presence.PRESENT.value:
            serving_for_id = None
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
    row.serving_for = serving_for
    row.serving_for_id = serving_for.id if serving_for is not None else None
    row.arrived_at = arrived
    row.left_after = left


def set_attendances(minutes: Minutes, by: Membership, entries: list[AttendanceEntry]) -> list[Attendance]:
    """Record everyone's attendance in one save: presences first, then who serves for whom, late
    arrivals and early leaves; a refusal names its person (:class:`AttendanceRefusal`)."""
    _require_open(minutes)
    _require_writer(minutes, by)
    rows = []
    for entry in entries:
        try:
            presence = _presence(entry.presence)
        except DomainError as error:
            raise AttendanceRefusal(str(error), entry.membership_id) from None
        row = _attendance(minutes, entry.membership_id)
        rows.append((row, entry, row.serving_for_id))
        row.presence = presence.value
        row.serving_for = None
        row.serving_for_id = None
    for row, entry, serving_was in rows:
        try:
            _apply_details(minutes, row, entry, serving_was)
        except DomainError as error:
            raise AttendanceRefusal(str(error), entry.membership_id) from None
    for other in minutes.attendances:  # a member now present needs no one serving for them
        if other.serving_for_id is not None and _attendance(minutes, other.serving_for_id).presence == (
            Presence.PRESENT.value
        ):
            other.serving_for = None
            other.serving_for_id = None
    db.session.flush()
    _check_votes_and_reservations(minutes)
    return [row for row, _, _ in rows]


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
    presence = _presence(presence)
    row = _attendance(minutes, membership_id)
    entry = AttendanceEntry(membership_id, presence, serving_for_id, arrived_at_id, left_after_id)
    previous = row.presence
    row.presence = presence.value
    try:
        _apply_details(minutes, row, entry, serving_was=None)
    except DomainError:
        row.presence = previous
        raise
    if presence == Presence.PRESENT and row.membership.role_enum in ORDINARY_ROLES:
        for other in minutes.attendances:
            if other.serving_for_id == row.membership_id and other is not row:
                other.serving_for = None
                other.serving_for_id = None
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
