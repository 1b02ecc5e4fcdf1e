"""Who takes part in a § and what its votes decide: voters, quorum, jäv, the result.

Changing attendance, officers or votes can take a vote or a reservation from under someone; the
checks here refuse such a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...domain import DomainError
from ...extensions import db
from ...models import (
    ORDINARY_ROLES,
    Attendance,
    Decision,
    DecisionResult,
    Membership,
    Minutes,
    Paragraph,
    Presence,
    Role,
    VoteChoice,
)


def present_at(row: Attendance, paragraph: Paragraph) -> bool:
    """Return whether a person was in the room for a §."""
    if row.presence != Presence.PRESENT.value:
        return False
    if row.arrived_at is not None and paragraph.position < row.arrived_at.position:
        return False
    return not (row.left_after is not None and paragraph.position > row.left_after.position)


@dataclass
class Participation:
    """Who takes part in a §: voters, the quorum, who is jävig, and whose presence is not known.

    ``present_seats`` counts the voting seats present and not jäviga (a jävig member does not count
    towards the quorum of that §); ``unknown_seats`` the ordinary members whose presence is *ej
    angivet* (neither present nor absent).
    """

    voters: list[Membership] = field(default_factory=list)
    present_seats: int = 0
    seats: int = 0
    recused: list[Membership] = field(default_factory=list)
    unknown_seats: int = 0

    @property
    def is_quorate(self) -> bool:
        """Return whether more than half of the voting seats were present (jäv not counted)."""
        return self.seats > 0 and self.present_seats * 2 > self.seats

    @property
    def is_undecided(self) -> bool:
        """Return whether the § is not quorate only because some presences are not yet given."""
        return (
            not self.is_quorate
            and self.seats > 0
            and (self.present_seats + self.unknown_seats) * 2 > self.seats
        )

    @property
    def voter_ids(self) -> set[int]:
        """Return the membership ids of the voters."""
        return {m.id for m in self.voters}


def voting_seats(minutes: Minutes) -> int:
    """Return the number of ordinary seats (chair, vice chair and members) in the group."""
    return sum(1 for row in minutes.attendances if row.membership.role_enum in ORDINARY_ROLES)


def participation(paragraph: Paragraph) -> Participation:
    """Return who may vote in a §: present ordinary members and serving substitutes, minus jäv.

    Co-opted members and ombuds never vote. The quorum counts the seats present, without the
    jäviga; an ordinary member whose presence is ej angivet is counted apart (``unknown_seats``).
    """
    minutes = paragraph.minutes
    recused_ids = {r.membership_id for r in paragraph.recusals}
    result = Participation(seats=voting_seats(minutes))
    served = {r.serving_for_id for r in minutes.attendances if r.presence == Presence.PRESENT.value}
    for row in sorted(minutes.attendances, key=lambda r: r.membership.user.name):
        role = row.membership.role_enum
        if (
            row.presence == Presence.UNKNOWN.value
            and role in ORDINARY_ROLES
            and row.membership_id not in served
        ):
            result.unknown_seats += 1
        if not present_at(row, paragraph):
            continue
        if role in ORDINARY_ROLES or (role == Role.SUBSTITUTE and row.serving_for_id is not None):
            if row.membership_id in recused_ids:
                result.recused.append(row.membership)
            else:
                result.present_seats += 1
                result.voters.append(row.membership)
    return result


def voted_against(decision: Decision, membership_id: int) -> bool:
    """Return whether the member voted against the outcome of a votering (and so may reserve)."""
    vote = next((v for v in decision.votes if v.membership_id == membership_id), None)
    if vote is None or vote.choice == VoteChoice.ABSTAIN.value:
        return False
    if decision.result == DecisionResult.ADOPTED.value:
        return vote.choice == VoteChoice.NO.value
    if decision.result == DecisionResult.REJECTED.value:
        return vote.choice == VoteChoice.YES.value
    return False


def _check_reservations(decision: Decision) -> None:
    """Refuse a change after which someone who reserved themselves no longer voted against the outcome."""
    for reservation in decision.reservations:
        if not voted_against(decision, reservation.membership_id):
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
