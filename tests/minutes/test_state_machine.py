"""The rules of the minutes as a state machine: random meetings recorded through the services.

Every step either succeeds or is refused with a DomainError; a refused step is rolled back (to a
savepoint, as a route rolls back its request) and must leave every row as it was. After every
step the invariants of the issue hold: votes only by the voters of their §, one vote per person,
reservations only by voters against the outcome, nothing in attendance, votes or reservations
changes after closing, nothing at all after justering, and the minutes are justerade exactly when
the chair and every justerare approved the current revision.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.meetings import services as meetings
from po_meetings.minutes import services
from po_meetings.models import (
    ActionItem,
    Approval,
    ApprovalVerdict,
    Attendance,
    Correction,
    Decision,
    DecisionMethod,
    Guest,
    Meeting,
    MeetingStatus,
    Membership,
    Minutes,
    MinutesNote,
    OrganisationFollowUp,
    Paragraph,
    Presence,
    Recusal,
    Reservation,
    Vote,
    VoteChoice,
)

EMAILS = {
    "chair": "ordforande@demo.se",
    "vice": "vice@demo.se",
    "member": "ledamot@demo.se",
    "fk": "ledamot.fk@demo.se",
    "vc": "ledamot.vc@demo.se",
    "asby": "ledamot.asby@demo.se",
    "rsmh": "ledamot.rsmh@demo.se",
    "sub": "ersattare@demo.se",
    "coopted": "adjungerad@demo.se",
    "ombud": "ombud@demo.se",
}
PEOPLE = st.sampled_from(sorted(EMAILS))
#: Mostly the voters of the initial attendance, sometimes someone who never votes or is away.
VOTERS = st.sampled_from(["chair", "vice", "member", "vc", "asby", "rsmh", "sub", "fk", "coopted", "ombud"])
#: Who acts for the secretary's desk: mostly the meeting's writers, sometimes someone who may not.
ACTORS = st.sampled_from(["vc", "vc", "vc", "vc", "chair", "member", "ombud"])
#: Who answers the justering: mostly the approvers (chair, justerare), sometimes someone else.
APPROVERS = st.sampled_from(["chair", "asby", "rsmh", "chair", "asby", "rsmh", "vc", "vice", "member"])
TABLES = (
    Minutes,
    Paragraph,
    Attendance,
    Guest,
    Recusal,
    Decision,
    Vote,
    Reservation,
    MinutesNote,
    ActionItem,
    OrganisationFollowUp,
    Approval,
    Correction,
)


def rows(*models) -> dict[str, list[tuple]]:
    """Return every row of some tables of the minutes (all of them by default)."""
    return {
        model.__tablename__: [
            tuple(row) for row in db.session.execute(select(model.__table__).order_by(model.__table__.c.id))
        ]
        for model in models or TABLES
    }


def frozen_at_closing() -> tuple:
    """Return what closing freezes: attendance, jäv, votes and reservations (not their motivations)."""
    attendance = db.session.execute(
        select(
            Attendance.membership_id,
            Attendance.presence,
            Attendance.serving_for_id,
            Attendance.arrived_at_id,
            Attendance.left_after_id,
        ).order_by(Attendance.id)
    ).all()
    recusals = db.session.execute(
        select(Recusal.paragraph_id, Recusal.membership_id).order_by(Recusal.id)
    ).all()
    votes = db.session.execute(
        select(Vote.decision_id, Vote.membership_id, Vote.choice).order_by(Vote.id)
    ).all()
    reservations = db.session.execute(
        select(Reservation.decision_id, Reservation.membership_id).order_by(Reservation.id)
    ).all()
    return attendance, recusals, votes, reservations


class MinutesMachine(RuleBasedStateMachine):
    """A meeting of the demo group, started and recorded by random steps."""

    demo = None  # set by the test

    def __init__(self) -> None:
        super().__init__()
        demo = self.demo
        self.ids = {key: demo.membership(email) for key, email in EMAILS.items()}
        meeting = db.session.get(Meeting, demo.meeting_id)
        meetings.start_meeting(meeting)  # a DML statement: the outer transaction has begun
        self.meeting_id = meeting.id
        minutes = services.minutes_of(meeting)
        self.minutes_id = minutes.id
        chair = self.person("chair")
        for key in ("chair", "vice", "member", "vc", "asby", "rsmh", "coopted", "ombud"):
            services.set_attendance(minutes, chair, self.ids[key], Presence.PRESENT)
        services.set_attendance(
            minutes, chair, self.ids["sub"], Presence.PRESENT, serving_for_id=self.ids["fk"]
        )
        services.set_officers(
            minutes, chair, self.ids["chair"], self.ids["vc"], [self.ids["asby"], self.ids["rsmh"]]
        )
        # A votering waits in § 2: closing is refused until it has votes.
        services.add_decision(minutes.paragraphs[1], chair, "att anta rutinen", DecisionMethod.VOTE)
        db.session.flush()
        self.paragraph_ids = [p.id for p in minutes.paragraphs]
        self.closed_state = None
        self.justerat_state = None
        self.refusals = 0
        self.attempts = 0

    def teardown(self) -> None:
        """Undo the whole example: the demo rows are as the fixture loaded them."""
        db.session.rollback()

    # -- helpers -----------------------------------------------------------------------------

    def person(self, key: str) -> Membership:
        return db.session.get(Membership, self.ids[key])

    @property
    def minutes(self) -> Minutes:
        return db.session.get(Minutes, self.minutes_id)

    def paragraph(self, index: int) -> Paragraph:
        return db.session.get(Paragraph, self.paragraph_ids[index % len(self.paragraph_ids)])

    def decision_ids(self, votering: bool = False) -> list[int]:
        """Return the ids of the meeting's decisions (only voteringar if asked)."""
        query = (
            select(Decision.id)
            .join(Paragraph, Decision.paragraph_id == Paragraph.id)
            .where(Paragraph.minutes_id == self.minutes_id)
            .order_by(Decision.id)
        )
        if votering:
            query = query.where(Decision.method == DecisionMethod.VOTE.value)
        return db.session.scalars(query).all()

    def decision(self, index: int, votering: bool = False) -> Decision | None:
        """Return one of the meeting's decisions (only voteringar if asked), or None."""
        ids = self.decision_ids(votering)
        return db.session.get(Decision, ids[index % len(ids)]) if ids else None

    def attempt(self, call) -> object:
        """Run one service call in a savepoint; a refusal is rolled back and must change nothing."""
        self.attempts += 1
        before = rows()
        savepoint = db.session.begin_nested()
        try:
            result = call()
        except DomainError as error:
            savepoint.rollback()
            assert str(error), "a refusal needs a message"
            assert rows() == before, f"refused step left rows behind: {error}"
            self.refusals += 1
            return None
        savepoint.commit()
        return result

    # -- rules --------------------------------------------------------------------------------

    @precondition(lambda self: self.closed_state is None)
    @rule(
        who=PEOPLE,
        by=ACTORS,
        presence=st.sampled_from(list(Presence)),
        serving=st.booleans(),
        arrived=st.none() | st.integers(0, 5),
        left=st.none() | st.integers(0, 5),
    )
    def set_attendance(self, who, by, presence, serving, arrived, left):
        arrived_id = None if arrived is None else self.paragraph(arrived).id
        left_id = None if left is None else self.paragraph(left).id
        self.attempt(
            lambda: services.set_attendance(
                self.minutes,
                self.person(by),
                self.ids[who],
                presence,
                serving_for_id=self.ids["fk"] if serving else None,
                arrived_at_id=arrived_id,
                left_after_id=left_id,
            )
        )

    @precondition(lambda self: self.closed_state is None)
    @rule(who=PEOPLE, by=ACTORS, index=st.integers(0, 5))
    def recuse(self, who, by, index):
        self.attempt(lambda: services.recuse(self.paragraph(index), self.person(by), self.ids[who]))

    @precondition(lambda self: self.closed_state is None and len(self.decision_ids()) < 3)
    @rule(
        by=ACTORS,
        index=st.integers(0, 5),
        method=st.sampled_from([DecisionMethod.VOTE, DecisionMethod.VOTE, DecisionMethod.CONSENSUS]),
    )
    def add_decision(self, by, index, method):
        self.attempt(
            lambda: services.add_decision(self.paragraph(index), self.person(by), "att besluta", method)
        )

    @precondition(lambda self: self.closed_state is None)
    @rule(
        votes=st.lists(st.tuples(VOTERS, st.sampled_from(list(VoteChoice))), min_size=1, max_size=5),
        by=ACTORS,
        index=st.integers(0, 10),
        votering=st.sampled_from([True, True, True, False]),
    )
    def cast_votes(self, votes, by, index, votering):
        """Cast a few votes, one service call (and one check of the rollback) each."""
        for who, choice in votes:
            decision = self.decision(index, votering)
            if decision is not None:
                self.attempt(
                    lambda d=decision, w=who, c=choice: services.cast_vote(d, self.person(by), self.ids[w], c)
                )

    @precondition(lambda self: self.closed_state is None)
    @rule(by=ACTORS, index=st.integers(0, 10), which=st.integers(0, 10))
    def withdraw_vote(self, by, index, which):
        decision = self.decision(index)
        if decision is not None and decision.votes:
            vote = decision.votes[which % len(decision.votes)]
            self.attempt(lambda: services.withdraw_vote(vote, self.person(by)))

    @precondition(lambda self: self.closed_state is None)
    @rule(who=VOTERS, voter=st.none() | st.integers(0, 10), by_self=st.booleans(), index=st.integers(0, 10))
    def reserve(self, who, voter, by_self, index):
        """Reserve by someone who voted in the decision (or, when voter is None, by anyone)."""
        decision = self.decision(index, votering=True)
        if decision is not None:
            membership_id = self.ids[who]
            if voter is not None and decision.votes:
                membership_id = decision.votes[voter % len(decision.votes)].membership_id
            by = db.session.get(Membership, membership_id) if by_self else self.person("vc")
            self.attempt(lambda: services.reserve(decision, by, membership_id, "Skälen framgår av bilagan."))

    @precondition(lambda self: self.closed_state is not None)
    @rule(index=st.integers(0, 10), which=st.integers(0, 10), by_self=st.booleans())
    def motivate(self, index, which, by_self):
        decision = self.decision(index)
        if decision is not None and decision.reservations:
            reservation = decision.reservations[which % len(decision.reservations)]
            by = db.session.get(Membership, reservation.membership_id) if by_self else self.person("member")
            self.attempt(lambda: services.motivate(reservation, by, "Ny motivering."))

    @precondition(lambda self: self.closed_state is None)
    @rule(who=PEOPLE, index=st.integers(0, 5))
    def request_note(self, who, index):
        self.attempt(
            lambda: services.request_note(
                self.paragraph(index), self.person(who), self.ids[who], "Anteckning"
            )
        )

    @precondition(lambda self: self.closed_state is None)
    @rule(by=st.sampled_from(["chair", "vc", "ombud"]), accept=st.booleans())
    def decide_notes(self, by, accept):
        for note in db.session.scalars(select(MinutesNote).order_by(MinutesNote.id)).all():
            if note.paragraph_id in self.paragraph_ids and note.status == "requested":
                self.attempt(lambda note=note: services.decide_note(note, self.person(by), accept))

    @rule(by=ACTORS, index=st.integers(0, 5))
    def write_text(self, by, index):
        paragraph = self.paragraph(index)
        body = f"{paragraph.body or ''}\n\nTillägg."
        self.attempt(
            lambda: services.save_paragraph(
                paragraph, self.person(by), paragraph.title, body, paragraph.version
            )
        )

    @precondition(lambda self: self.closed_state is None and self.attempts >= 8)
    @rule(by=st.sampled_from(["chair", "chair", "vc", "member"]))
    def close(self, by):
        was_open = self.minutes.closed_at is None
        if (
            self.attempt(
                lambda: services.close(
                    db.session.get(Meeting, self.meeting_id), self.person(by), notify=False
                )
            )
            is not None
        ):
            assert was_open
            self.closed_state = frozen_at_closing()

    @precondition(lambda self: self.closed_state is not None and self.justerat_state is None)
    @rule()
    def justera_all(self):
        """The chair and every justerare approve in turn (each may be refused: approved already)."""
        for key in ("chair", "asby", "rsmh"):
            self.attempt(lambda key=key: services.justera(self.minutes, self.person(key), True, notify=False))
        if self.minutes.is_approved and self.justerat_state is None:
            self.justerat_state = rows()

    @precondition(lambda self: self.closed_state is not None)
    @rule(
        what=st.sampled_from(["attendance", "recuse", "decision", "vote", "reserve", "note"]),
        who=VOTERS,
        index=st.integers(0, 10),
    )
    def change_after_closing(self, what, who, index):
        """Try what closing froze: refused with the closing (or, once justerade, the lock) message."""
        minutes, secretary = self.minutes, self.person("vc")
        paragraph, decision = self.paragraph(index), self.decision(index)
        calls = {
            "attendance": lambda: services.set_attendance(minutes, secretary, self.ids[who], Presence.ABSENT),
            "recuse": lambda: services.recuse(paragraph, secretary, self.ids[who]),
            "decision": lambda: services.add_decision(
                paragraph, secretary, "att besluta", DecisionMethod.VOTE
            ),
            "vote": lambda: services.cast_vote(decision, secretary, self.ids[who], VoteChoice.NO),
            "reserve": lambda: services.reserve(decision, secretary, self.ids[who]),
            "note": lambda: services.request_note(paragraph, self.person(who), self.ids[who], "Sent"),
        }
        if decision is None and what in ("vote", "reserve"):
            what = "decision"
        before = rows()
        savepoint = db.session.begin_nested()
        try:
            calls[what]()
        except DomainError as error:
            savepoint.rollback()
            assert rows() == before
            assert str(error) in (services.CLOSED, services.LOCKED)
            return
        raise AssertionError(f"a {what} was accepted after closing")

    @precondition(lambda self: self.closed_state is not None and self.justerat_state is None)
    @rule(by=APPROVERS, approve=st.sampled_from([True, True, True, False]))
    def justera(self, by, approve):
        comment = None if approve else "Rätta stavningen."
        self.attempt(lambda: services.justera(self.minutes, self.person(by), approve, comment, notify=False))
        if self.minutes.is_approved and self.justerat_state is None:
            self.justerat_state = rows()

    @precondition(lambda self: self.closed_state is not None)
    @rule(
        what=st.sampled_from(
            ["text", "decision", "vote", "attendance", "paragraph", "confidential", "officers"]
        ),
        index=st.integers(0, 10),
    )
    def edit_after_justering(self, what, index):
        minutes, chair = self.minutes, self.person("chair")
        paragraph = self.paragraph(index)
        decision = self.decision(index)
        calls = {
            "text": lambda: services.save_paragraph(
                paragraph, chair, "Ny rubrik", "Ny text", paragraph.version
            ),
            "decision": lambda: services.add_decision(
                paragraph, chair, "att ändra", DecisionMethod.CONSENSUS
            ),
            "vote": lambda: (
                services.cast_vote(decision, chair, self.ids["member"], VoteChoice.YES)
                if decision is not None
                else services.add_paragraph(minutes, chair, "Ny")
            ),
            "attendance": lambda: services.set_attendance(minutes, chair, self.ids["fk"], Presence.PRESENT),
            "paragraph": lambda: services.add_paragraph(minutes, chair, "Ny"),
            "confidential": lambda: services.set_paragraph_confidential(paragraph, chair, True),
            "officers": lambda: services.set_officers(
                minutes, chair, self.ids["chair"], self.ids["vc"], [self.ids["asby"]]
            ),
        }
        approved = minutes.is_approved
        before = rows()
        savepoint = db.session.begin_nested()
        try:
            calls[what]()
        except DomainError as error:
            savepoint.rollback()
            assert rows() == before
            if approved:
                assert str(error) == services.LOCKED
            return
        savepoint.commit()
        assert not approved, "justerade minutes accepted a change"

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def votes_and_reservations_belong_to_voters(self):
        minutes = self.minutes
        for paragraph in minutes.paragraphs:
            voters = services.participation(paragraph).voter_ids
            for decision in paragraph.decisions:
                voted = [v.membership_id for v in decision.votes]
                assert len(voted) == len(set(voted)), "two votes by one person"
                assert set(voted) <= voters, "a vote by a non-voter"
                if voted:
                    assert decision.is_vote
                for reservation in decision.reservations:
                    assert reservation.membership_id in voters, "a reservation by a non-voter"
                    assert services.voted_against(decision, reservation.membership_id), (
                        "a reservation by someone who did not vote against the outcome"
                    )

    @invariant()
    def one_vote_per_person_per_decision_in_the_database(self):
        doubles = db.session.execute(
            select(Vote.decision_id, Vote.membership_id)
            .group_by(Vote.decision_id, Vote.membership_id)
            .having(func.count(Vote.id) > 1)
        ).all()
        assert doubles == []

    @invariant()
    def closing_freezes_attendance_votes_and_reservations(self):
        if self.closed_state is not None:
            assert frozen_at_closing() == self.closed_state

    @invariant()
    def justering_freezes_everything(self):
        if self.justerat_state is not None:
            assert rows() == self.justerat_state

    @invariant()
    def justerad_exactly_when_every_approver_approved_the_current_revision(self):
        minutes = self.minutes
        latest = services.current_approvals(minutes)
        everyone = all(
            m.id in latest and latest[m.id].verdict == ApprovalVerdict.APPROVED.value
            for m in services.approvers(minutes)
        )
        assert minutes.is_approved == (minutes.closed_at is not None and everyone)
        meeting = db.session.get(Meeting, self.meeting_id)
        assert (meeting.status == MeetingStatus.APPROVED.value) == minutes.is_approved
        assert (meeting.status == MeetingStatus.IN_PROGRESS.value) == (minutes.closed_at is None)


def test_the_minutes_rules_hold_in_any_order_of_steps(app_ctx, demo):
    MinutesMachine.demo = demo
    try:
        run_state_machine_as_test(
            MinutesMachine,
            settings=settings(
                max_examples=25,
                stateful_step_count=20,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            ),
        )
    finally:
        MinutesMachine.demo = None
