"""Decisions and votes, reservations and protokollsanteckningar."""

from __future__ import annotations

from ...domain import DomainError, clean_text, refuse_personnummer
from ...extensions import db
from ...models import (
    ORDINARY_ROLES,
    Decision,
    DecisionMethod,
    DecisionResult,
    Membership,
    MinutesNote,
    NoteStatus,
    OrganisationFollowUp,
    Paragraph,
    Reservation,
    Vote,
    VoteChoice,
    utcnow,
)
from .quorum import (
    Participation,
    _check_reservations,
    compute_result,
    participation,
    present_at,
    voted_against,
)
from .rules import (
    NON_VOTING_ROLES,
    _group_members,
    _member_of,
    _require_leader,
    _require_not_immediately_approved,
    _require_open,
    _require_writer,
    _touch,
    can_write,
)

# -- decisions and votes -----------------------------------------------------------------------------


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


# -- reservations and protokollsanteckningar ---------------------------------------------------------


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
    if not voted_against(decision, membership.id):
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
