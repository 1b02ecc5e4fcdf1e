"""The rules of the minutes: attendance, officers, §§, jäv, decisions, votes, reservations,
protokollsanteckningar, action items, closing, justering and rättelser.

Every function takes ``by``, the membership of the person acting, checks that person's right
from the meeting's own roles (chair, secretary, justerare) and raises :class:`DomainError` with a
Swedish message when a rule is broken. Functions flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import numbering
from ..dates import STOCKHOLM
from ..domain import DomainError, clean_text, refuse_personnummer
from ..extensions import db
from ..meetings import hooks
from ..meetings import services as meeting_services
from ..models import (
    LEADING_ROLES,
    ORDINARY_ROLES,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Answer,
    Approval,
    ApprovalVerdict,
    Attendance,
    Correction,
    Decision,
    DecisionMethod,
    DecisionReport,
    DecisionResult,
    Guest,
    Meeting,
    MeetingResponse,
    MeetingStatus,
    Membership,
    Minutes,
    MinutesNote,
    NoteStatus,
    OrganisationFollowUp,
    Paragraph,
    Presence,
    Recusal,
    ReportStatus,
    Reservation,
    Role,
    SystemErrorReport,
    Vote,
    VoteChoice,
    utcnow,
)
from ..system_errors import services as register
from . import notices

#: Roles that never vote, reserve or count towards the quorum.
NON_VOTING_ROLES = frozenset({Role.CO_OPTED, Role.OMBUD})
#: Roles that can be the meeting's secretary or justerare, or own an action item.
SEAT_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER, Role.SUBSTITUTE})
#: Roles that do not see confidential §§.
RESTRICTED_ROLES = frozenset({Role.OMBUD, Role.CO_OPTED})
#: What a decision can do to a linked system error, through the register's own services.
REPORT_EFFECTS = {
    "link": "Kopplad till beslutet",
    "take_up": "Tagen upp",
    "set_owner": "Ansvarig utsedd",
    "escalate": "Eskalerad",
}

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


# -- who may do what -------------------------------------------------------------------------


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


# -- finding minutes ------------------------------------------------------------------------------


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


# -- opening the minutes ---------------------------------------------------------------------


def _group_members(group_id: int) -> list[Membership]:
    """Return the group's active memberships with their people and organisations."""
    return db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group_id, Membership.ended_at.is_(None))
        .options(selectinload(Membership.user), selectinload(Membership.organisation))
        .order_by(Membership.id)
    ).all()


def _default_chair(members: list[Membership]) -> Membership | None:
    """Return the group's chair, or the vice chair when there is none."""
    for role in (Role.CHAIR, Role.VICE_CHAIR):
        for membership in members:
            if membership.role_enum == role:
                return membership
    return None


@hooks.on_start
def open_minutes(meeting: Meeting) -> Minutes:
    """Open the minutes of a meeting that starts: one § per agenda item, attendance from the answers.

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
        minutes.paragraphs.append(_paragraph_from(top, open_children, position, year, meeting))
        for child in secret_children:
            position += 1
            minutes.paragraphs.append(_paragraph_from(child, [], position, year, meeting))
    for membership in members:
        answer = answers.get(membership.id)
        if answer == Answer.ATTENDING.value:
            presence = Presence.PRESENT
        elif answer == Answer.APOLOGIES.value:
            presence = Presence.APOLOGIES
        else:
            presence = Presence.ABSENT
        minutes.attendances.append(
            Attendance(group_id=meeting.group_id, membership=membership, presence=presence.value)
        )
    db.session.flush()
    renumber_year(meeting.group_id, year)
    return minutes


def _paragraph_from(item: AgendaItem, children, position: int, year: int, meeting: Meeting) -> Paragraph:
    """Return a new § for an agenda item; its sub-items become headings in the text."""
    body = "\n\n".join(
        f"**{letter}) {child.title}**" for letter, child in zip("abcdefghijklmnop", children, strict=False)
    )
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


# -- officers and attendance ---------------------------------------------------------------------


def _member_of(minutes: Minutes, membership_id: int | None, what: str) -> Membership | None:
    """Return an active membership of the meeting's group, refusing anyone else."""
    if membership_id is None:
        return None
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.group_id != minutes.group_id or not membership.is_active:
        raise DomainError(f"{what} ska vara med i gruppen.")
    return membership


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


def _attendance(minutes: Minutes, membership_id: int) -> Attendance:
    """Return a member's attendance row, making one for members who joined after the start."""
    for row in minutes.attendances:
        if row.membership_id == membership_id:
            return row
    membership = _member_of(minutes, membership_id, "Personen")
    row = Attendance(group_id=minutes.group_id, membership=membership, presence=Presence.ABSENT.value)
    minutes.attendances.append(row)
    return row


def _paragraph_of(minutes: Minutes, paragraph_id: int | None) -> Paragraph | None:
    """Return a § of these minutes by id, refusing one of other minutes."""
    if paragraph_id is None:
        return None
    for paragraph in minutes.paragraphs:
        if paragraph.id == paragraph_id:
            return paragraph
    raise DomainError("Paragrafen hör inte till det här protokollet.")


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


def present_at(row: Attendance, paragraph: Paragraph) -> bool:
    """Return whether a person was in the room for a §."""
    if row.presence != Presence.PRESENT.value:
        return False
    if row.arrived_at is not None and paragraph.position < row.arrived_at.position:
        return False
    return not (row.left_after is not None and paragraph.position > row.left_after.position)


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


# -- who votes, quorum ------------------------------------------------------------------------------


@dataclass
class Participation:
    """Who takes part in a §: voters, the quorum, and who is jävig."""

    voters: list[Membership] = field(default_factory=list)
    present_seats: int = 0
    seats: int = 0
    recused: list[Membership] = field(default_factory=list)

    @property
    def is_quorate(self) -> bool:
        """Return whether more than half of the voting seats were present."""
        return self.seats > 0 and self.present_seats * 2 > self.seats

    @property
    def voter_ids(self) -> set[int]:
        """Return the membership ids of the voters."""
        return {m.id for m in self.voters}


def voting_seats(minutes: Minutes) -> int:
    """Return the number of ordinary seats (chair, vice chair and members) in the group."""
    return sum(1 for row in minutes.attendances if row.membership.role_enum in ORDINARY_ROLES)


def participation(paragraph: Paragraph) -> Participation:
    """Return who may vote in a §: present ordinary members and serving substitutes, minus jäv.

    Co-opted members and ombuds never vote. The quorum counts the seats present (jäv included).
    """
    minutes = paragraph.minutes
    recused_ids = {r.membership_id for r in paragraph.recusals}
    result = Participation(seats=voting_seats(minutes))
    for row in sorted(minutes.attendances, key=lambda r: r.membership.user.name):
        role = row.membership.role_enum
        if not present_at(row, paragraph):
            continue
        if role in ORDINARY_ROLES or (role == Role.SUBSTITUTE and row.serving_for_id is not None):
            result.present_seats += 1
            if row.membership_id in recused_ids:
                result.recused.append(row.membership)
            else:
                result.voters.append(row.membership)
    return result


def _check_reservations(decision: Decision) -> None:
    """Refuse a change after which someone who reserved themselves no longer voted against the outcome."""
    for reservation in decision.reservations:
        if not _did_not_support(decision, reservation.membership_id):
            name = reservation.membership.user.name
            raise DomainError(
                f"Ändringen vänder utfallet i {decision.paragraph.label}, men {name} har reserverat sig "
                f"mot det tidigare utfallet. Ta bort {name}s röst först; reservationen går då med."
            )


def _check_votes_and_reservations(minutes: Minutes) -> None:
    """Refuse a change after which a vote is by someone who no longer votes in its §, or a
    reservation is by someone who no longer voted against the outcome."""
    for paragraph in minutes.paragraphs:
        if not any(d.votes or d.reservations for d in paragraph.decisions):
            continue
        voter_ids = participation(paragraph).voter_ids
        for decision in paragraph.decisions:
            for vote in decision.votes:
                if vote.membership_id not in voter_ids:
                    raise DomainError(
                        f"{vote.membership.user.name} har röstat i {paragraph.label} och skulle inte längre "
                        "vara röstberättigad där. Ta bort rösten först."
                    )
            _check_reservations(decision)


# -- §§ -----------------------------------------------------------------------------------------


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


def recuse(paragraph: Paragraph, by: Membership, membership_id: int) -> Recusal:
    """Mark a member jävig for a §: no vote and no reservation there, and the minutes say so."""
    minutes = paragraph.minutes
    _require_open(minutes)
    _require_writer(minutes, by)
    _require_not_immediately_approved(paragraph)
    membership = _member_of(minutes, membership_id, "Den jäviga")
    if membership.role_enum == Role.OMBUD:
        raise DomainError("Ett ombud deltar inte i beslut och kan inte anmäla jäv.")
    if any(r.membership_id == membership.id for r in paragraph.recusals):
        raise DomainError(f"{membership.user.name} är redan antecknad som jävig i {paragraph.label}.")
    for decision in paragraph.decisions:
        if any(v.membership_id == membership.id for v in decision.votes) or any(
            r.membership_id == membership.id for r in decision.reservations
        ):
            raise DomainError(
                f"{membership.user.name} har redan röstat eller reserverat sig i {paragraph.label}; "
                "ta bort det först."
            )
    recusal = Recusal(paragraph=paragraph, group_id=paragraph.group_id, membership=membership)
    db.session.add(recusal)
    db.session.flush()
    return recusal


def withdraw_recusal(recusal: Recusal, by: Membership) -> None:
    """Remove a jäv entered by mistake (until the meeting closes)."""
    paragraph = recusal.paragraph
    _require_open(paragraph.minutes)
    _require_writer(paragraph.minutes, by)
    paragraph.recusals.remove(recusal)
    db.session.flush()


# -- decisions and votes ---------------------------------------------------------------------------


def _clean_decision_text(text: str | None) -> str:
    """Return the decision text, refusing an empty or too long one."""
    text = clean_text(text, 20_000, "Beslutstexten")
    if not text:
        raise DomainError("Skriv beslutet, gärna som att-satser (”att …”).")
    refuse_personnummer(text)
    return text


def add_decision(
    paragraph: Paragraph,
    by: Membership,
    text: str,
    method: DecisionMethod | str = DecisionMethod.CONSENSUS,
    needs_organisation_approval: bool = False,
) -> Decision:
    """Record a decision in a §: by konsensus (adopted) or by votering (votes follow)."""
    minutes = paragraph.minutes
    _require_open(minutes)
    _require_writer(minutes, by)
    _require_not_immediately_approved(paragraph)
    try:
        method = DecisionMethod(method)
    except ValueError:
        raise DomainError("Välj konsensus eller votering.") from None
    decision = Decision(
        paragraph=paragraph,
        group_id=paragraph.group_id,
        position=max((d.position for d in paragraph.decisions), default=0) + 1,
        text=_clean_decision_text(text),
        method=method.value,
        result=(
            DecisionResult.ADOPTED if method == DecisionMethod.CONSENSUS else DecisionResult.PENDING
        ).value,
        created_by_id=by.user_id,
        needs_organisation_approval=False,
    )
    db.session.add(decision)
    db.session.flush()
    if needs_organisation_approval:
        set_organisation_approval(decision, by, True)
    return decision


def update_decision(
    decision: Decision, by: Membership, text: str, needs_organisation_approval: bool
) -> Decision:
    """Change a decision's text or its economic-mandate flag before justering."""
    minutes = decision.paragraph.minutes
    _require_writer(minutes, by)
    _require_not_immediately_approved(decision.paragraph)
    decision.text = _clean_decision_text(text)
    set_organisation_approval(decision, by, needs_organisation_approval)
    _touch(minutes)
    db.session.flush()
    return decision


def delete_decision(decision: Decision, by: Membership) -> None:
    """Remove a decision entered by mistake, while the meeting is under way."""
    paragraph = decision.paragraph
    _require_open(paragraph.minutes)
    _require_writer(paragraph.minutes, by)
    _require_not_immediately_approved(paragraph)
    paragraph.decisions.remove(decision)
    db.session.flush()


def _organisations_of(group_id: int) -> list:
    """Return the organisations represented by the group's ordinary members."""
    seen = {}
    for membership in _group_members(group_id):
        if membership.role_enum in ORDINARY_ROLES and membership.organisation is not None:
            seen.setdefault(membership.organisation.id, membership.organisation)
    return sorted(seen.values(), key=lambda o: o.name)


def set_organisation_approval(decision: Decision, by: Membership, flag: bool) -> Decision:
    """Flag a decision as one the group cannot take alone: each organisation reports back."""
    _require_writer(decision.paragraph.minutes, by)
    _require_not_immediately_approved(decision.paragraph)
    flag = bool(flag)
    if decision.needs_organisation_approval == flag:
        return decision
    if not flag and any(not f.is_open for f in decision.follow_ups):
        raise DomainError("Någon organisation har redan återrapporterat; flaggan kan inte tas bort.")
    decision.needs_organisation_approval = flag
    if flag:
        for organisation in _organisations_of(decision.group_id):
            decision.follow_ups.append(
                OrganisationFollowUp(group_id=decision.group_id, organisation=organisation)
            )
    else:
        decision.follow_ups.clear()
    _touch(decision.paragraph.minutes)
    db.session.flush()
    return decision


def _check_voter(decision: Decision, membership: Membership, part: Participation) -> None:
    """Refuse a vote by someone who may not vote in this §."""
    name = membership.user.name
    if membership.role_enum in NON_VOTING_ROLES:
        raise DomainError(f"{name} är {membership.role_label.lower()} och röstar inte.")
    if any(r.id == membership.id for r in part.recused):
        raise DomainError(f"{name} är jävig i {decision.paragraph.label} och röstar inte.")
    if membership.id not in part.voter_ids:
        raise DomainError(
            f"{name} är inte röstberättigad i {decision.paragraph.label}: bara närvarande ordinarie "
            "ledamöter och tjänstgörande ersättare röstar."
        )


def cast_vote(decision: Decision, by: Membership, membership_id: int, choice: VoteChoice | str) -> Vote:
    """Record one voter's ja, nej or avstår; a second vote by the same voter is refused."""
    minutes = decision.paragraph.minutes
    _require_open(minutes)
    _require_writer(minutes, by)
    _require_not_immediately_approved(decision.paragraph)
    if not decision.is_vote:
        raise DomainError("Beslutet fattades med konsensus; det finns ingen votering att rösta i.")
    try:
        choice = VoteChoice(choice)
    except ValueError:
        raise DomainError("Välj ja, nej eller avstår.") from None
    membership = _member_of(minutes, membership_id, "Den röstande")
    _check_voter(decision, membership, participation(decision.paragraph))
    if any(v.membership_id == membership.id for v in decision.votes):
        raise DomainError(f"{membership.user.name} har redan röstat i den här voteringen.")
    vote = Vote(decision=decision, group_id=decision.group_id, membership=membership, choice=choice.value)
    db.session.add(vote)
    db.session.flush()
    compute_result(decision)
    _check_reservations(decision)
    return vote


def record_votes(decision: Decision, by: Membership, votes: list[tuple[int, str]]) -> Decision:
    """Record a whole votering at once: each voter once, only voters of the §."""
    seen = set()
    for membership_id, _choice in votes:
        if membership_id in seen:
            raise DomainError("Samma person kan bara rösta en gång.")
        seen.add(membership_id)
    if not votes:
        raise DomainError("Ange minst en röst.")
    for membership_id, choice in votes:
        cast_vote(decision, by, membership_id, choice)
    return decision


def withdraw_vote(vote: Vote, by: Membership) -> None:
    """Remove a vote entered by mistake (until the meeting closes); a reservation on it goes too."""
    decision = vote.decision
    minutes = decision.paragraph.minutes
    _require_open(minutes)
    _require_writer(minutes, by)
    _require_not_immediately_approved(decision.paragraph)
    for reservation in list(decision.reservations):
        if reservation.membership_id == vote.membership_id:
            decision.reservations.remove(reservation)
    decision.votes.remove(vote)
    db.session.flush()
    compute_result(decision)
    _check_reservations(decision)


def compute_result(decision: Decision) -> Decision:
    """Compute a votering's result: majority of ja over nej; on a tie the meeting chair's vote
    decides (utslagsröst) if the group's rules give the chair one, otherwise the proposal falls."""
    if not decision.is_vote:
        decision.result = DecisionResult.ADOPTED.value
        decision.casting_vote_used = False
        return decision
    tally = decision.tally()
    yes, no = tally[VoteChoice.YES.value], tally[VoteChoice.NO.value]
    decision.casting_vote_used = False
    if not decision.votes:
        decision.result = DecisionResult.PENDING.value
    elif yes > no:
        decision.result = DecisionResult.ADOPTED.value
    elif no > yes:
        decision.result = DecisionResult.REJECTED.value
    else:
        minutes = decision.paragraph.minutes
        chair_vote = next((v for v in decision.votes if v.membership_id == minutes.chair_id), None)
        group = minutes.meeting.group
        if (
            group.chair_has_casting_vote
            and chair_vote is not None
            and chair_vote.choice != VoteChoice.ABSTAIN
        ):
            decision.casting_vote_used = True
            decision.result = (
                DecisionResult.ADOPTED if chair_vote.choice == VoteChoice.YES else DecisionResult.REJECTED
            ).value
        else:
            decision.result = DecisionResult.REJECTED.value
    db.session.flush()
    return decision


# -- reservations and protokollsanteckningar --------------------------------------------------------


def _did_not_support(decision: Decision, membership_id: int) -> bool:
    """Return whether the member voted against the outcome of a votering."""
    vote = next((v for v in decision.votes if v.membership_id == membership_id), None)
    if vote is None or vote.choice == VoteChoice.ABSTAIN.value:
        return False
    if decision.result == DecisionResult.ADOPTED.value:
        return vote.choice == VoteChoice.NO.value
    if decision.result == DecisionResult.REJECTED.value:
        return vote.choice == VoteChoice.YES.value
    return False


def reserve(
    decision: Decision, by: Membership, membership_id: int, motivation: str | None = None
) -> Reservation:
    """Enter a reservation, announced before the meeting closes, by a voter who did not support it.

    The member announces it themselves, or the secretary writes it in for them.
    """
    minutes = decision.paragraph.minutes
    _require_open(minutes)
    if by.id != membership_id:
        _require_writer(minutes, by)
    membership = _member_of(minutes, membership_id, "Den som reserverar sig")
    name = membership.user.name
    if membership.role_enum in NON_VOTING_ROLES:
        raise DomainError(
            f"{name} är {membership.role_label.lower()} och kan inte reservera sig; "
            "begär en protokollsanteckning i stället."
        )
    part = participation(decision.paragraph)
    if any(r.id == membership.id for r in part.recused):
        raise DomainError(f"{name} är jävig i {decision.paragraph.label} och kan inte reservera sig.")
    if membership.id not in part.voter_ids:
        raise DomainError(f"{name} deltog inte i beslutet och kan inte reservera sig.")
    if not decision.is_vote:
        raise DomainError(
            "Beslutet fattades i enighet. Den som inte står bakom ett förslag begär votering "
            "och kan sedan reservera sig."
        )
    if not _did_not_support(decision, membership.id):
        raise DomainError(f"Bara den som röstade mot beslutet kan reservera sig; {name} gjorde inte det.")
    if any(r.membership_id == membership.id for r in decision.reservations):
        raise DomainError(f"{name} har redan reserverat sig mot beslutet.")
    motivation = clean_text(motivation, 10_000, "Motiveringen")
    refuse_personnummer(motivation)
    reservation = Reservation(
        decision=decision,
        group_id=decision.group_id,
        membership=membership,
        motivation=motivation,
        announced_at=utcnow(),
        motivated_at=utcnow() if motivation else None,
    )
    db.session.add(reservation)
    db.session.flush()
    return reservation


def motivate(reservation: Reservation, by: Membership, motivation: str) -> Reservation:
    """Add or change a reservation's written motivation (until the minutes are justerade)."""
    minutes = reservation.decision.paragraph.minutes
    if minutes.is_approved:
        raise DomainError("Protokollet är justerat; motiveringen kan inte längre lämnas.")
    if by.id != reservation.membership_id and not can_write(minutes, by):
        raise DomainError("Bara den som reserverat sig, eller sekreteraren, kan skriva motiveringen.")
    motivation = clean_text(motivation, 10_000, "Motiveringen")
    if not motivation:
        raise DomainError("Skriv motiveringen.")
    refuse_personnummer(motivation)
    reservation.motivation = motivation
    reservation.motivated_at = utcnow()
    _touch(minutes)
    db.session.flush()
    return reservation


def request_note(paragraph: Paragraph, by: Membership, membership_id: int, text: str) -> MinutesNote:
    """Ask for a protokollsanteckning: anyone present may, co-opted members and ombuds included."""
    minutes = paragraph.minutes
    _require_open(minutes)
    if by.id != membership_id:
        _require_writer(minutes, by)
    membership = _member_of(minutes, membership_id, "Den som begär anteckningen")
    row = next((r for r in minutes.attendances if r.membership_id == membership.id), None)
    if row is None or not present_at(row, paragraph):
        raise DomainError(f"{membership.user.name} var inte närvarande vid {paragraph.label}.")
    text = clean_text(text, 10_000, "Anteckningen")
    if not text:
        raise DomainError("Skriv vad som ska antecknas.")
    refuse_personnummer(text)
    note = MinutesNote(
        paragraph=paragraph,
        group_id=paragraph.group_id,
        membership=membership,
        text=text,
        status=NoteStatus.REQUESTED.value,
    )
    db.session.add(note)
    db.session.flush()
    return note


def decide_note(note: MinutesNote, by: Membership, accept: bool) -> MinutesNote:
    """Let a protokollsanteckning into the minutes, or not (the meeting's chair decides)."""
    minutes = note.paragraph.minutes
    _require_open(minutes)
    _require_leader(minutes, by)
    if note.status != NoteStatus.REQUESTED.value:
        raise DomainError(f"Anteckningen är redan {note.status_label.lower()}.")
    note.status = (NoteStatus.ACCEPTED if accept else NoteStatus.DECLINED).value
    note.decided_by_id = by.user_id
    note.decided_at = utcnow()
    db.session.flush()
    return note


# -- action items, återrapportering, system errors ----------------------------------------------------


def add_action(
    decision: Decision, by: Membership, title: str, owner_id: int | None, due_on: date | None
) -> ActionItem:
    """Give an uppdrag from a decision: what, who (a member) and by when."""
    minutes = decision.paragraph.minutes
    _require_writer(minutes, by)
    _require_not_immediately_approved(decision.paragraph)
    title = clean_text(title, 300, "Uppdraget")
    if not title:
        raise DomainError("Skriv vad som ska göras.")
    refuse_personnummer(title)
    if owner_id is None:
        raise DomainError("Välj vem som ansvarar för uppdraget.")
    owner = _member_of(minutes, owner_id, "Den ansvariga")
    if owner.role_enum not in SEAT_ROLES:
        raise DomainError("Den ansvariga ska vara ledamot eller ersättare i gruppen.")
    if due_on is not None and due_on < _local_day(minutes):
        raise DomainError("Uppdraget kan inte ha ett slutdatum före mötet.")
    action = ActionItem(
        decision=decision,
        group_id=decision.group_id,
        title=title,
        owner=owner,
        due_on=due_on,
        status=ActionStatus.NOT_STARTED.value,
    )
    db.session.add(action)
    _touch(minutes)
    db.session.flush()
    return action


def set_action_status(
    action: ActionItem, by: Membership, status: ActionStatus | str, reason: str | None = None
) -> ActionItem:
    """Move an uppdrag on: its owner or the group's leaders; striking it needs a reason."""
    leader = by.group_id == action.group_id and by.role_enum in LEADING_ROLES
    if by.id != action.owner_id and not leader:
        raise DomainError("Bara den ansvariga eller ordföranden kan ändra uppdragets status.")
    try:
        status = ActionStatus(status)
    except ValueError:
        raise DomainError("Välj en status för uppdraget.") from None
    reason = clean_text(reason, 2000, "Skälet")
    refuse_personnummer(reason)
    if status == ActionStatus.STRUCK and not reason:
        raise DomainError("Skriv varför uppdraget stryks.")
    if status.value == action.status:
        raise DomainError(f"Uppdraget är redan {status.label.lower()}.")
    action.status = status.value
    action.struck_reason = reason if status == ActionStatus.STRUCK else None
    action.updated_at = utcnow()
    action.updated_by_id = by.user_id
    db.session.flush()
    return action


def mark_follow_up_done(
    follow_up: OrganisationFollowUp, by: Membership, note: str | None
) -> OrganisationFollowUp:
    """Mark an organisation's återrapportering done: its representative, or the group's leaders."""
    in_group = by.group_id == follow_up.group_id
    represents = in_group and by.role_enum in SEAT_ROLES and by.organisation_id == follow_up.organisation_id
    if not represents and not (in_group and by.role_enum in LEADING_ROLES):
        raise DomainError(f"Bara den som företräder {follow_up.organisation.name} kan återrapportera.")
    if not follow_up.is_open:
        raise DomainError("Organisationen har redan återrapporterat.")
    note = clean_text(note, 5000, "Återrapporten")
    refuse_personnummer(note)
    follow_up.note = note
    follow_up.done_at = utcnow()
    follow_up.done_by_id = by.user_id
    db.session.flush()
    return follow_up


def link_report(
    decision: Decision,
    by: Membership,
    report: SystemErrorReport,
    effect: str = "link",
    *,
    owner: Membership | None = None,
    next_review_on: date | None = None,
    escalation: dict | None = None,
) -> DecisionReport:
    """Link a decision to a system error and move the report on through the register's services."""

    minutes = decision.paragraph.minutes
    _require_writer(minutes, by)
    if report.group_id != decision.group_id or report.status == ReportStatus.DRAFT.value:
        raise DomainError("Rapporten finns inte i gruppens register.")
    if effect not in REPORT_EFFECTS:
        raise DomainError("Välj vad beslutet gör med rapporten.")
    if any(link.report_id == report.id for link in decision.report_links):
        raise DomainError(f"Beslutet är redan kopplat till {report.number}.")
    actor = by.user
    meeting = minutes.meeting
    paragraph = decision.paragraph
    if effect == "take_up":
        register.change_status(
            report, actor, ReportStatus.TAKEN_UP, meeting=meeting, agenda_item=paragraph.agenda_item
        )
    elif effect == "set_owner":
        if report.status_enum in {ReportStatus.SUBMITTED, ReportStatus.TAKEN_UP}:
            register.change_status(
                report, actor, ReportStatus.IN_PROGRESS, owner=owner, next_review_on=next_review_on
            )
        else:
            register.set_owner(report, actor, owner, next_review_on)
    elif effect == "escalate":
        if report.status == ReportStatus.ESCALATED.value:
            register.escalate(report, actor, **(escalation or {}))
        else:
            register.change_status(report, actor, ReportStatus.ESCALATED, escalation=escalation)
    link = DecisionReport(
        decision=decision, group_id=decision.group_id, report=report, effect=REPORT_EFFECTS[effect]
    )
    db.session.add(link)
    _touch(minutes)
    db.session.flush()
    return link


# -- closing, justering, rättelse -----------------------------------------------------------------


def close(meeting: Meeting, by: Membership, notify: bool = True) -> Minutes:
    """Close the meeting: attendance, votes and reservations freeze; the draft goes to justering,
    and the chair and the justerare are told by mail (``notify``)."""

    if meeting.status_enum == MeetingStatus.APPROVED:
        raise DomainError(LOCKED)
    if meeting.status_enum != MeetingStatus.IN_PROGRESS:
        meeting_services.change_status(meeting, MeetingStatus.CLOSED)  # raises the status message
    minutes = minutes_of(meeting)
    if minutes is None:
        raise DomainError("Mötet har inget protokoll att avsluta.")
    _require_open(minutes)
    _require_leader(minutes, by)
    if minutes.secretary_id is None:
        raise DomainError("Välj mötets sekreterare innan mötet avslutas.")
    if not minutes.adjusters:
        raise DomainError("Välj minst en justerare innan mötet avslutas.")
    for paragraph in minutes.paragraphs:
        for decision in paragraph.decisions:
            if decision.result == DecisionResult.PENDING.value:
                raise DomainError(f"Voteringen i {paragraph.label} saknar röster.")
        for note in paragraph.notes:
            if note.status == NoteStatus.REQUESTED.value:
                raise DomainError(f"Ta ställning till protokollsanteckningen i {paragraph.label} först.")
    meeting_services.change_status(meeting, MeetingStatus.CLOSED)
    minutes.closed_at = utcnow()
    if notify:
        notices.queue_for_justering(minutes)
    db.session.flush()
    return minutes


def approvers(minutes: Minutes) -> list[Membership]:
    """Return who must justera: the meeting's chair and every justerare."""
    return [m for m in (minutes.chair, *minutes.adjusters) if m is not None]


def current_approvals(minutes: Minutes) -> dict[int, Approval]:
    """Return each approver's latest answer to the current revision, by membership id."""
    latest: dict[int, Approval] = {}
    for approval in minutes.approvals:
        if approval.revision == minutes.revision:
            latest[approval.membership_id] = approval
    return latest


def justera(
    minutes: Minutes, by: Membership, approve: bool, comment: str | None = None, notify: bool = True
) -> Approval:
    """Approve the minutes draft, or send it back with comments; when the chair and every
    justerare have approved the same revision, the minutes are justerade and locked.

    With ``notify`` the mail it calls for is queued: the group when the minutes are justerade,
    the secretary when they are sent back."""
    meeting = minutes.meeting
    if minutes.is_approved:
        raise DomainError("Protokollet är redan justerat.")
    if minutes.closed_at is None:
        raise DomainError("Protokollet kan justeras först när mötet är avslutat.")
    if not can_approve(minutes, by):
        raise DomainError("Bara mötets ordförande och justerare kan justera protokollet.")
    comment = clean_text(comment, 10_000, "Synpunkterna")
    refuse_personnummer(comment)
    if not approve and not comment:
        raise DomainError("Skriv vad som behöver ändras.")
    mine = current_approvals(minutes).get(by.id)
    if approve and mine is not None and mine.verdict == ApprovalVerdict.APPROVED.value:
        raise DomainError("Du har redan justerat den här versionen av protokollet.")
    approval = Approval(
        minutes=minutes,
        group_id=minutes.group_id,
        membership=by,
        verdict=(ApprovalVerdict.APPROVED if approve else ApprovalVerdict.RETURNED).value,
        comment=comment,
        revision=minutes.revision,
        created_at=utcnow(),
    )
    db.session.add(approval)  # Approval(minutes=...) is already in minutes.approvals
    db.session.flush()
    latest = current_approvals(minutes)
    if all(
        latest.get(m.id) is not None and latest[m.id].verdict == ApprovalVerdict.APPROVED.value
        for m in approvers(minutes)
    ):
        minutes.approved_at = utcnow()
        meeting_services.change_status(meeting, MeetingStatus.APPROVED)
        db.session.flush()
    if notify and minutes.is_approved:
        notices.queue_approved(minutes)
    elif notify and not approve:
        notices.queue_returned(minutes, approval)
    return approval


def add_correction(
    minutes: Minutes, by: Membership, paragraph_id: int | None, text: str, reason: str
) -> Correction:
    """Correct justerade minutes: a new rättelse entry with who, when and why; nothing is rewritten."""
    if not minutes.is_approved:
        raise DomainError("Protokollet är inte justerat ännu; ändra texten direkt.")
    if not leads(minutes, by):
        raise DomainError("Bara ordföranden kan rätta ett justerat protokoll.")
    paragraph = _paragraph_of(minutes, paragraph_id)
    text = clean_text(text, 10_000, "Rättelsen")
    reason = clean_text(reason, 2000, "Skälet")
    if not text:
        raise DomainError("Skriv rättelsen.")
    if not reason:
        raise DomainError("Skriv varför protokollet rättas.")
    refuse_personnummer(text, reason)
    correction = Correction(
        minutes=minutes,
        group_id=minutes.group_id,
        paragraph=paragraph,
        text=text,
        reason=reason,
        created_by_id=by.user_id,
        created_at=utcnow(),
    )
    db.session.add(correction)  # Correction(minutes=...) is already in minutes.corrections
    db.session.flush()
    return correction


# -- feeding the next meeting ------------------------------------------------------------------------


@dataclass
class OpenFollowUps:
    """Open action items and återrapporteringar from earlier meetings."""

    actions: list[ActionItem]
    organisation_follow_ups: list[OrganisationFollowUp]
    today: date


def open_follow_ups(group_id: int, by: Membership | None, before=None) -> OpenFollowUps:
    """Return every open action item and återrapportering of the group's earlier meetings, oldest
    due first; those in §§ the member may not see are left out."""
    query = (
        select(ActionItem)
        .join(Decision, ActionItem.decision_id == Decision.id)
        .join(Paragraph, Decision.paragraph_id == Paragraph.id)
        .join(Minutes, Paragraph.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(
            ActionItem.group_id == group_id,
            ActionItem.status.in_([ActionStatus.NOT_STARTED.value, ActionStatus.IN_PROGRESS.value]),
        )
        .options(
            joinedload(ActionItem.owner).joinedload(Membership.user),
            joinedload(ActionItem.decision).joinedload(Decision.paragraph).joinedload(Paragraph.minutes),
        )
    )
    follow_query = (
        select(OrganisationFollowUp)
        .join(Decision, OrganisationFollowUp.decision_id == Decision.id)
        .join(Paragraph, Decision.paragraph_id == Paragraph.id)
        .join(Minutes, Paragraph.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(OrganisationFollowUp.group_id == group_id, OrganisationFollowUp.done_at.is_(None))
        .options(
            joinedload(OrganisationFollowUp.organisation),
            joinedload(OrganisationFollowUp.decision)
            .joinedload(Decision.paragraph)
            .joinedload(Paragraph.minutes),
        )
    )
    if before is not None:
        query = query.where(Meeting.starts_at < before)
        follow_query = follow_query.where(Meeting.starts_at < before)
    if not sees_confidential(by):
        secret = Paragraph.is_confidential.is_(True) & Paragraph.released_at.is_(None)
        query = query.where(~secret)
        follow_query = follow_query.where(~secret)
    actions = db.session.scalars(query).all()
    follow_ups = db.session.scalars(follow_query).all()
    far = date.max
    actions = sorted(actions, key=lambda a: (a.due_on or far, a.id))
    follow_ups = sorted(follow_ups, key=lambda f: (f.decision_id, f.organisation.name))
    today = utcnow().astimezone(STOCKHOLM).date()
    return OpenFollowUps(actions=list(actions), organisation_follow_ups=list(follow_ups), today=today)


def paragraph_count(group_id: int, year: int) -> int:
    """Return how many §§ the group's minutes of a year hold."""
    return db.session.scalar(
        select(func.count(Paragraph.id)).where(Paragraph.group_id == group_id, Paragraph.year == year)
    )
