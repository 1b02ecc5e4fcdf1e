"""The rules of the minutes (po_meetings/minutes/services.py), case by case, without HTTP."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.meetings import services as meetings
from po_meetings.minutes import services
from po_meetings.minutes.services import CLOSED, LOCKED, EditConflict
from po_meetings.models import (
    ActionItem,
    ActionStatus,
    Approval,
    Attendance,
    Correction,
    Decision,
    DecisionMethod,
    DecisionReport,
    DecisionResult,
    Escalation,
    Group,
    Guest,
    Meeting,
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
    SystemErrorReport,
    Vote,
    VoteChoice,
    utcnow,
)
from po_meetings.personnummer import DEFAULT_MESSAGE
from po_meetings.system_errors import queries as system_error_queries

PERSONNUMMER = "19121212-1212"
YES, NO, ABSTAIN = VoteChoice.YES, VoteChoice.NO, VoteChoice.ABSTAIN
CONSENSUS, VOTE = DecisionMethod.CONSENSUS, DecisionMethod.VOTE

#: Every table of the minutes: a refused call must leave all of them as they were.
MINUTES_MODELS = (
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
    DecisionReport,
    Approval,
    Correction,
)


def rows() -> dict[str, list[tuple]]:
    """Return every row of the minutes' tables, to compare before and after a refused call."""
    return {
        model.__tablename__: sorted(
            tuple(row) for row in db.session.execute(select(model.__table__).order_by(model.__table__.c.id))
        )
        for model in MINUTES_MODELS
    }


def refused(call, match: str | None = None) -> DomainError:
    """Run a call that must be refused, roll back as the routes do, and return the error.

    What the test did before is committed first, so that the rollback undoes only the call.
    """
    db.session.commit()
    with pytest.raises(DomainError, match=match) as caught:
        call()
    db.session.rollback()
    return caught.value


class Meet:
    """The demo's coming meeting, started, with its minutes and the demo people."""

    EMAILS = {
        "chair": "ordforande@demo.se",  # Karin Lindqvist, group chair, Mellanå kommun
        "vice": "vice@demo.se",  # Johan Berg, vice chair
        "member": "ledamot@demo.se",  # Fatima Hassan, Arbetsförmedlingen (answered: deltar)
        "fk": "ledamot.fk@demo.se",  # Per Sandberg, Försäkringskassan (answered: förhinder)
        "vc": "ledamot.vc@demo.se",  # Eva Nyström, primärvården (this meeting's secretary)
        "asby": "ledamot.asby@demo.se",  # Lars Holm, Åsby (justerare)
        "rsmh": "ledamot.rsmh@demo.se",  # Maria Ek, RSMH (justerare)
        "sub": "ersattare@demo.se",  # Sara Öberg, ersättare for Per Sandberg
        "coopted": "adjungerad@demo.se",  # Anders Wik, adjungerad, Mellanå kommun
        "ombud": "ombud@demo.se",  # Lina Åkesson, personligt ombud
        "ombud2": "ombud2@demo.se",
    }

    def __init__(self, demo, start: bool = True) -> None:
        self.demo = demo
        self.ids = {key: demo.membership(email) for key, email in self.EMAILS.items()}
        if start:
            meetings.start_meeting(self.meeting)

    def __getattr__(self, key: str) -> Membership:
        if key in Meet.EMAILS:
            return db.session.get(Membership, self.ids[key])
        raise AttributeError(key)

    @property
    def meeting(self) -> Meeting:
        return db.session.get(Meeting, self.demo.meeting_id)

    @property
    def minutes(self) -> Minutes:
        return services.minutes_of(self.meeting)

    def par(self, number: int) -> Paragraph:
        """Return the § at a position of this meeting's minutes (1-based)."""
        return self.minutes.paragraphs[number - 1]

    def present(self, *keys: str) -> None:
        """Record people as present (by the meeting's chair)."""
        for key in keys:
            services.set_attendance(self.minutes, self.chair, self.ids[key], Presence.PRESENT)

    def full(self) -> Meet:
        """Everyone but Per present, Sara serving for him; secretary Eva, justerare Lars and Maria."""
        self.present("chair", "vice", "member", "vc", "asby", "rsmh", "coopted", "ombud")
        services.set_attendance(
            self.minutes, self.chair, self.ids["sub"], Presence.PRESENT, serving_for_id=self.ids["fk"]
        )
        self.officers()
        return self

    def officers(self, secretary: str = "vc", adjusters: tuple[str, ...] = ("asby", "rsmh")) -> None:
        services.set_officers(
            self.minutes, self.chair, self.ids["chair"], self.ids[secretary], [self.ids[a] for a in adjusters]
        )

    def voters(self, paragraph: Paragraph) -> set[str]:
        """Return the keys of the voters of a §."""
        ids = services.participation(paragraph).voter_ids
        return {key for key, i in self.ids.items() if i in ids}

    def decide(self, number: int = 2, method=VOTE, **kw) -> Decision:
        return services.add_decision(self.par(number), self.vc, "att godkänna förslaget", method, **kw)

    def vote(self, decision: Decision, **choices: VoteChoice) -> Decision:
        for key, choice in choices.items():
            services.cast_vote(decision, self.vc, self.ids[key], choice)
        return decision

    def close(self) -> Minutes:
        return services.close(self.meeting, self.chair, notify=False)

    def justera(self) -> Minutes:
        """Close the meeting and let the chair and both justerare approve."""
        if self.minutes.closed_at is None:
            self.close()
        for key in ("chair", "asby", "rsmh"):
            services.justera(self.minutes, getattr(self, key), True, notify=False)
        return self.minutes


@pytest.fixture
def m(app_ctx, demo) -> Meet:
    """Return the demo's coming meeting, started: its minutes are open."""
    return Meet(demo)


@pytest.fixture
def full(m) -> Meet:
    """Return the started meeting with everyone in place (see Meet.full), committed."""
    m.full()
    db.session.commit()
    return m


# -- opening: §§ and attendance ------------------------------------------------------------------


def test_starting_the_meeting_opens_minutes_with_one_paragraph_per_agenda_item(m):
    minutes = m.minutes
    assert m.meeting.status == MeetingStatus.IN_PROGRESS.value
    titles = [p.title for p in minutes.paragraphs]
    assert titles == [
        "Formalia",
        "Nytt från organisationerna",
        "Klientrapportering",
        "Systemfrågor",
        "Övrigt",
        "Samverkan kring utskrivning från slutenvården",
    ]
    # Numbers run on after the year's earlier (demo) minutes.
    year = minutes.paragraphs[0].year
    earlier = [
        p.number
        for p in db.session.scalars(select(Paragraph).where(Paragraph.year == year))
        if p.minutes_id != minutes.id and p.group_id == m.demo.group_id
    ]
    base = max(earlier, default=0)
    assert [p.number for p in minutes.paragraphs] == [base + n for n in range(1, 7)]
    # Sub-items are headings in the § text, not §§ of their own.
    assert "**a) Mötets öppnande**" in minutes.paragraphs[0].body
    assert "**d) Uppföljning av tidigare beslut**" in minutes.paragraphs[0].body
    assert [p.is_confidential for p in minutes.paragraphs] == [False] * 5 + [True]
    assert minutes.chair_id == m.ids["chair"]


def test_standing_items_write_what_was_on_the_table_into_their_paragraph(app_ctx, demo):
    meeting = db.session.get(Meeting, demo.meeting_id)
    chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
    waiting, total = system_error_queries.waiting_to_be_taken_up(
        meeting, chair, meeting.max_new_system_errors
    )
    open_rows = services.open_follow_ups(meeting.group_id, chair, before=meeting.starts_at)
    assert waiting and open_rows.actions, "the demo has reports waiting and open uppdrag"
    m = Meet(demo)
    formalia, systems = m.par(1).body, m.par(4).body
    # 4a: every report listed on the agenda, by number, and the rest counted.
    assert "Systemfel som väntade på att tas upp:" in systems
    for report in waiting:
        assert report.number in systems
    if total > len(waiting):
        assert f"och {total - len(waiting)} till som väntar i registret" in systems
    # 1d: the open uppdrag with owner, under the sub-item's heading.
    follow_up = formalia.split("**d) Uppföljning av tidigare beslut**", 1)[1]
    assert "Öppna uppdrag:" in follow_up
    for action in open_rows.actions:
        if not action.decision.paragraph.is_confidential:
            assert action.owner.user.name in follow_up
    # 1c: the previous protokoll, justerat or not.
    assert re.search(r"Protokollet från mötet \d{4}-\d{2}-\d{2} är (justerat|ännu inte justerat)", formalia)


def test_a_confidential_sub_item_gets_its_own_confidential_paragraph(app_ctx, demo):
    meeting = db.session.get(Meeting, demo.meeting_id)
    top = next(i for i in meeting.items if i.title == "Systemfrågor")
    meetings.add_item(meeting, "Enskild verksamhets bemanning", 10, parent=top, is_confidential=True)
    m = Meet(demo)
    titles = [(p.position, p.title, p.is_confidential) for p in m.minutes.paragraphs]
    assert titles[3] == (4, "Systemfrågor", False)
    assert titles[4] == (5, "Enskild verksamhets bemanning", True)
    assert "bemanning" not in m.par(4).body
    assert titles[5] == (6, "Övrigt", False)
    assert m.par(5).number == m.par(4).number + 1


def test_attendance_starts_from_the_answers_to_the_kallelse(m):
    presence = {key: services._attendance(m.minutes, i).presence for key, i in m.ids.items()}
    assert presence["member"] == Presence.PRESENT.value  # answered deltar
    assert presence["fk"] == Presence.APOLOGIES.value  # answered förhinder
    assert (
        presence["chair"] == presence["ombud"] == presence["sub"] == Presence.UNKNOWN.value
    )  # no answer: ej angivet, not absent
    assert len(m.minutes.attendances) == len(m.ids)


# -- § numbering per group and year ---------------------------------------------------------------


def meeting_on(demo, day: date, clock: time = time(13, 0), items: int = 2) -> Meeting:
    """Create, call and start a meeting of the demo group on a date (Stockholm time)."""
    starts_at = meetings.local_datetime(day, clock)
    meeting = meetings.create_meeting(
        db.session.get(Group, demo.group_id),
        None,
        "Extramöte",
        starts_at,
        starts_at + timedelta(hours=2),
        place="Kommunhuset",
    )
    for n in range(items):
        meetings.add_item(meeting, f"Punkt {n + 1}", 10)
    meetings.publish_agenda(meeting, notify=False)
    return meeting


def start(meeting: Meeting) -> Minutes:
    meetings.start_meeting(meeting)
    return services.minutes_of(meeting)


def numbers(meeting: Meeting) -> list[int]:
    return [p.number for p in services.minutes_of(meeting).paragraphs]


def justera_meeting(m: Meet, meeting: Meeting) -> None:
    """Close and justera another meeting (chair Karin, justerare Lars)."""
    minutes = services.minutes_of(meeting)
    services.set_attendance(minutes, m.chair, m.ids["asby"], Presence.PRESENT)
    services.set_officers(minutes, m.chair, m.ids["chair"], m.ids["vc"], [m.ids["asby"]])
    services.close(meeting, m.chair, notify=False)
    services.justera(minutes, m.chair, True, notify=False)
    services.justera(minutes, m.asby, True, notify=False)
    assert services.minutes_of(meeting).is_approved


@pytest.fixture
def year() -> int:
    """Return a calendar year well ahead, so that the meetings created in it are all coming."""
    return utcnow().year + 3


def test_paragraph_numbers_run_on_across_the_meetings_of_a_year_and_restart_in_a_new_year(
    app_ctx, demo, year
):
    first = meeting_on(demo, date(year, 3, 1), items=3)
    second = meeting_on(demo, date(year, 5, 1))
    next_year = meeting_on(demo, date(year + 1, 2, 1))
    start(first)
    start(second)
    start(next_year)
    assert numbers(first) == [1, 2, 3]
    assert numbers(second) == [4, 5]
    assert numbers(next_year) == [1, 2]
    assert {p.year for p in services.minutes_of(next_year).paragraphs} == {year + 1}


def test_the_year_of_a_paragraph_is_the_meetings_year_in_stockholm(app_ctx, demo, year):
    # 00:30 on New Year's Day in Stockholm is still the old year in UTC.
    late = meeting_on(demo, date(year, 6, 1))
    new_year = meeting_on(demo, date(year + 1, 1, 1), clock=time(0, 30))
    start(late)
    start(new_year)
    assert new_year.starts_at.year == year
    assert {p.year for p in services.minutes_of(new_year).paragraphs} == {year + 1}
    assert numbers(new_year) == [1, 2]


def test_a_paragraph_added_in_an_earlier_open_meeting_renumbers_the_later_open_ones(m, year):
    first = meeting_on(m.demo, date(year, 3, 1))
    second = meeting_on(m.demo, date(year, 5, 1))
    start(first)
    start(second)
    services.add_paragraph(services.minutes_of(first), m.chair, "Fråga som kom upp på mötet")
    assert numbers(first) == [1, 2, 3]
    assert numbers(second) == [4, 5]


def test_justerade_minutes_keep_their_numbers_when_an_earlier_open_meeting_adds_a_paragraph(m, year):
    first = meeting_on(m.demo, date(year, 3, 1))
    second = meeting_on(m.demo, date(year, 5, 1))
    third = meeting_on(m.demo, date(year, 9, 1))
    start(first)
    start(second)
    justera_meeting(m, second)
    assert numbers(second) == [3, 4]
    services.add_paragraph(services.minutes_of(first), m.chair, "Fråga som kom upp på mötet")
    assert numbers(second) == [3, 4]
    # The new § never takes a number the justerade minutes hold; later meetings run on after it.
    assert numbers(first) == [1, 2, 5]
    start(third)
    assert numbers(third) == [6, 7]


def test_numbers_are_fixed_once_justerade_even_when_an_earlier_meeting_starts_later(m, year):
    later = meeting_on(m.demo, date(year, 5, 1))
    earlier = meeting_on(m.demo, date(year, 3, 1), items=3)
    start(later)
    justera_meeting(m, later)
    assert numbers(later) == [1, 2]
    start(earlier)
    assert numbers(later) == [1, 2]
    assert numbers(earlier) == [3, 4, 5]
    years = services.minutes_of(earlier).paragraphs[0].year
    assert services.paragraph_count(m.demo.group_id, years) == 5


# -- attendance, substitutes, late arrival ---------------------------------------------------------


def test_a_substitute_serves_for_the_member_they_stand_in_for_when_that_member_is_away(m):
    m.present("chair")
    row = services.set_attendance(
        m.minutes, m.chair, m.ids["sub"], Presence.PRESENT, serving_for_id=m.ids["fk"]
    )
    assert row.serving_for_id == m.ids["fk"]
    assert "sub" in m.voters(m.par(2))


def test_a_substitute_present_but_not_serving_does_not_vote(m):
    services.set_attendance(m.minutes, m.chair, m.ids["sub"], Presence.PRESENT)
    assert "sub" not in m.voters(m.par(2))


@pytest.mark.parametrize(
    ("who", "presence", "serving_for", "message"),
    [
        ("sub", Presence.PRESENT, "vc", "Sara Öberg är inte ersättare för Eva Nyström"),
        ("member", Presence.PRESENT, "fk", "Bara en ersättare kan tjänstgöra"),
        ("sub", Presence.ABSENT, "fk", "Bara den som är närvarande"),
        ("sub", Presence.PRESENT, "coopted", "tjänstgör bara för en ordinarie ledamot"),
    ],
)
def test_substitutes_serve_only_for_someone_they_stand_in_for(m, who, presence, serving_for, message):
    refused(
        lambda: services.set_attendance(
            m.minutes, m.chair, m.ids[who], presence, serving_for_id=m.ids[serving_for]
        ),
        message,
    )


def test_a_substitute_does_not_serve_for_a_member_who_is_present(m):
    m.present("fk")
    refused(
        lambda: services.set_attendance(
            m.minutes, m.chair, m.ids["sub"], Presence.PRESENT, serving_for_id=m.ids["fk"]
        ),
        "Per Sandberg är närvarande",
    )


def test_when_the_member_comes_the_substitute_no_longer_serves(m):
    services.set_attendance(m.minutes, m.chair, m.ids["sub"], Presence.PRESENT, serving_for_id=m.ids["fk"])
    m.present("fk")
    assert services._attendance(m.minutes, m.ids["sub"]).serving_for_id is None
    assert {"fk"} <= m.voters(m.par(2)) and "sub" not in m.voters(m.par(2))


def test_only_the_writers_of_the_minutes_record_attendance(full):
    refused(
        lambda: services.set_attendance(full.minutes, full.member, full.ids["fk"], Presence.PRESENT),
        "Bara mötets sekreterare",
    )
    refused(
        lambda: services.set_attendance(full.minutes, full.ombud, full.ids["fk"], Presence.PRESENT),
        "Bara mötets sekreterare",
    )
    services.set_attendance(full.minutes, full.vc, full.ids["ombud2"], Presence.PRESENT)  # the secretary may


def test_late_arrival_and_early_leave_change_who_votes_per_paragraph(full):
    minutes = full.minutes
    services.set_attendance(
        minutes, full.vc, full.ids["member"], Presence.PRESENT, arrived_at_id=full.par(3).id
    )
    services.set_attendance(
        minutes, full.vc, full.ids["asby"], Presence.PRESENT, left_after_id=full.par(2).id
    )
    assert "member" not in full.voters(full.par(2)) and "asby" in full.voters(full.par(2))
    assert "member" in full.voters(full.par(3)) and "asby" not in full.voters(full.par(3))
    decision = full.decide(3)
    refused(
        lambda: services.cast_vote(decision, full.vc, full.ids["asby"], YES),
        f"inte röstberättigad i {full.par(3).label}:",
    )


def test_nobody_leaves_before_they_arrived(full):
    refused(
        lambda: services.set_attendance(
            full.minutes,
            full.vc,
            full.ids["member"],
            Presence.PRESENT,
            arrived_at_id=full.par(4).id,
            left_after_id=full.par(2).id,
        ),
        "kan inte gå före",
    )


def test_attendance_cannot_change_so_that_a_cast_vote_is_by_a_non_voter(full):
    decision = full.vote(full.decide(2), member=YES)
    db.session.commit()
    before = rows()
    refused(
        lambda: services.set_attendance(full.minutes, full.vc, full.ids["member"], Presence.ABSENT),
        f"Fatima Hassan har röstat i {full.par(2).label} ",
    )
    full.vote(db.session.get(Decision, decision.id), sub=NO)
    db.session.commit()
    before = rows()
    # Per arrives: Sara would no longer serve, but she has voted.
    refused(lambda: full.present("fk"), f"Sara Öberg har röstat i {full.par(2).label} ")
    assert rows() == before


# -- who votes, quorum -----------------------------------------------------------------------------


def test_voters_are_present_ordinary_members_and_serving_substitutes_minus_jav(full):
    paragraph = full.par(2)
    assert full.voters(paragraph) == {"chair", "vice", "member", "vc", "asby", "rsmh", "sub"}
    services.recuse(paragraph, full.vc, full.ids["rsmh"])
    part = services.participation(paragraph)
    assert full.voters(paragraph) == {"chair", "vice", "member", "vc", "asby", "sub"}
    assert [r.id for r in part.recused] == [full.ids["rsmh"]]
    assert full.voters(full.par(3)) == {"chair", "vice", "member", "vc", "asby", "rsmh", "sub"}


@pytest.mark.parametrize("who", ["coopted", "ombud"])
def test_co_opted_members_and_ombuds_never_vote(full, who):
    decision = full.decide(2)
    assert who not in full.voters(full.par(2))
    refused(lambda: services.cast_vote(decision, full.vc, full.ids[who], YES), "röstar inte")


def test_an_ombud_cannot_be_marked_javig(full):
    refused(lambda: services.recuse(full.par(2), full.vc, full.ids["ombud"]), "Ett ombud deltar inte")


def test_quorum_needs_more_than_half_of_the_seats(m):
    # Seven ordinary seats; Fatima answered deltar.
    m.present("chair", "vice")
    part = services.participation(m.par(2))
    assert (part.present_seats, part.seats, part.is_quorate) == (3, 7, False)
    services.set_attendance(m.minutes, m.chair, m.ids["sub"], Presence.PRESENT, serving_for_id=m.ids["fk"])
    part = services.participation(m.par(2))
    assert (part.present_seats, part.is_quorate) == (4, True)
    # A jävig member does not count towards the quorum of that § (only that one), and the
    # warning does not block a decision.
    services.recuse(m.par(2), m.chair, m.ids["vice"], "Eget intresse")
    part = services.participation(m.par(2))
    assert (part.present_seats, part.is_quorate) == (3, False)
    assert services.participation(m.par(3)).is_quorate
    services.set_attendance(m.minutes, m.chair, m.ids["sub"], Presence.ABSENT)
    assert not services.participation(m.par(2)).is_quorate
    assert (
        services.add_decision(m.par(2), m.chair, "att notera", CONSENSUS).result
        == DecisionResult.ADOPTED.value
    )


def test_a_javig_member_cannot_vote_and_a_voter_cannot_become_javig(full):
    decision = full.decide(2)
    services.recuse(full.par(2), full.vc, full.ids["asby"])
    refused(
        lambda: services.cast_vote(decision, full.vc, full.ids["asby"], YES),
        f"Lars Holm är jävig i {full.par(2).label} ",
    )
    full.vote(db.session.get(Decision, decision.id), member=YES)
    refused(lambda: services.recuse(full.par(2), full.vc, full.ids["member"]), "har redan röstat")
    refused(lambda: services.recuse(full.par(2), full.vc, full.ids["asby"]), "redan antecknad som jävig")


# -- decisions and votes ---------------------------------------------------------------------------


def test_a_consensus_decision_is_adopted_and_has_no_votes(full):
    decision = full.decide(2, CONSENSUS)
    assert (decision.result, decision.method) == (DecisionResult.ADOPTED.value, CONSENSUS.value)
    refused(lambda: services.cast_vote(decision, full.vc, full.ids["member"], YES), "konsensus")


def test_a_votering_is_pending_until_votes_come_and_tallies_them(full):
    decision = full.decide(2)
    assert decision.result == DecisionResult.PENDING.value
    full.vote(decision, chair=YES, vice=YES, member=YES, vc=YES, asby=NO, rsmh=NO, sub=ABSTAIN)
    assert decision.tally() == {"yes": 4, "no": 2, "abstain": 1}
    assert (decision.result, decision.casting_vote_used) == (DecisionResult.ADOPTED.value, False)


def test_more_no_than_yes_rejects(full):
    decision = full.vote(full.decide(2), chair=YES, asby=NO, rsmh=NO)
    assert decision.result == DecisionResult.REJECTED.value


@pytest.mark.parametrize(
    ("casting", "chair", "result", "used"),
    [
        (True, YES, DecisionResult.ADOPTED, True),
        (True, NO, DecisionResult.REJECTED, True),
        (True, ABSTAIN, DecisionResult.REJECTED, False),
        (True, None, DecisionResult.REJECTED, False),
        (False, YES, DecisionResult.REJECTED, False),
    ],
)
def test_a_tie_is_decided_by_the_chairs_casting_vote_if_the_group_gives_one(
    full, casting, chair, result, used
):
    db.session.get(Group, full.demo.group_id).chair_has_casting_vote = casting
    votes = {"vice": YES, "member": NO}
    if chair is not None:
        votes["chair"] = chair
    if chair in (YES, NO):
        votes["asby"] = NO if chair == YES else YES
    decision = full.vote(full.decide(2), **votes)
    assert decision.tally()["yes"] == decision.tally()["no"]
    assert (decision.result, decision.casting_vote_used) == (result.value, used)


def test_a_voter_votes_once(full):
    decision = full.vote(full.decide(2), member=YES)
    refused(lambda: services.cast_vote(decision, full.vc, full.ids["member"], NO), "har redan röstat")
    refused(
        lambda: services.record_votes(
            decision, full.vc, [(full.ids["vice"], "yes"), (full.ids["vice"], "no")]
        ),
        "bara rösta en gång",
    )


def test_a_vote_needs_a_valid_choice_and_a_writer(full):
    decision = full.decide(2)
    refused(
        lambda: services.cast_vote(decision, full.vc, full.ids["member"], "kanske"),
        "Välj ja, nej eller avstår",
    )
    refused(
        lambda: services.cast_vote(decision, full.member, full.ids["member"], YES), "Bara mötets sekreterare"
    )


def test_a_new_vote_that_turns_the_outcome_against_a_reservation_is_refused(full):
    decision = full.vote(full.decide(2), chair=YES, vice=YES, asby=NO)
    services.reserve(decision, full.asby, full.ids["asby"])
    decision = db.session.get(Decision, decision.id)
    full.vote(decision, rsmh=NO)  # 2–2: the chair's utslagsröst still carries it
    db.session.commit()
    before = rows()
    # With Fatima's nej too the proposal falls: Lars would have reserved himself against nothing.
    refused(
        lambda: full.vote(db.session.get(Decision, decision.id), member=NO), "Lars Holm har reserverat sig"
    )
    assert rows() == before


def test_withdrawing_a_vote_takes_the_voters_reservation_with_it(full):
    decision = full.vote(full.decide(2), chair=YES, vice=YES, asby=NO)
    reservation = services.reserve(decision, full.asby, full.ids["asby"])
    vote = next(v for v in decision.votes if v.membership_id == full.ids["asby"])
    services.withdraw_vote(vote, full.vc)
    assert reservation not in decision.reservations
    assert decision.tally()["no"] == 0


# -- reservations -----------------------------------------------------------------------------------


@pytest.fixture
def voted(full) -> tuple[Meet, Decision]:
    """A votering in § 2 adopted 4–2: Lars and Maria voted nej, Sara abstained; Eva is jävig."""
    services.recuse(full.par(2), full.vc, full.ids["vc"])
    decision = full.vote(full.decide(2), chair=YES, vice=YES, member=YES, asby=NO, rsmh=NO, sub=ABSTAIN)
    db.session.commit()
    return full, decision


def test_a_voter_against_the_outcome_can_reserve_and_motivate(voted):
    m, decision = voted
    reservation = services.reserve(decision, m.asby, m.ids["asby"], "Förslaget saknar finansiering.")
    assert reservation.motivated_at is not None
    by_secretary = services.reserve(decision, m.vc, m.ids["rsmh"])  # the secretary writes it in for her
    assert by_secretary.motivation is None and by_secretary.motivated_at is None
    services.motivate(by_secretary, m.rsmh, "Brukarperspektivet saknas.")
    assert by_secretary.motivation == "Brukarperspektivet saknas."


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("chair", "Bara den som röstade mot beslutet"),  # voted yes
        ("sub", "Bara den som röstade mot beslutet"),  # abstained
        ("vc", "Eva Nyström är jävig i § [0-9]+ och kan inte reservera sig"),
        ("fk", "deltog inte i beslutet"),  # absent (Sara served for him)
        ("coopted", "kan inte reservera sig; begär en protokollsanteckning"),
        ("ombud", "kan inte reservera sig; begär en protokollsanteckning"),
    ],
)
def test_only_a_voter_who_voted_against_the_outcome_can_reserve(voted, who, message):
    m, decision = voted
    before = rows()
    refused(lambda: services.reserve(decision, m.vc, m.ids[who]), message)
    assert rows() == before


def test_yes_voters_reserve_when_the_proposal_falls(full):
    decision = full.vote(full.decide(2), chair=YES, asby=NO, rsmh=NO)
    services.reserve(decision, full.chair, full.ids["chair"])
    refused(lambda: services.reserve(decision, full.asby, full.ids["asby"]), "röstade mot beslutet")


def test_no_reservation_on_a_consensus_decision_nor_twice(voted):
    m, decision = voted
    consensus = m.decide(3, CONSENSUS)
    refused(lambda: services.reserve(consensus, m.asby, m.ids["asby"]), "fattades i enighet")
    services.reserve(db.session.get(Decision, decision.id), m.asby, m.ids["asby"])
    refused(
        lambda: services.reserve(db.session.get(Decision, decision.id), m.asby, m.ids["asby"]),
        "redan reserverat",
    )


def test_a_member_reserves_only_for_themselves_unless_they_write_the_minutes(voted):
    m, decision = voted
    refused(lambda: services.reserve(decision, m.member, m.ids["asby"]), "Bara mötets sekreterare")


def test_reservations_are_announced_before_closing_and_motivated_until_justering(voted):
    m, decision = voted
    reservation = services.reserve(decision, m.asby, m.ids["asby"])
    m.close()
    refused(
        lambda: services.reserve(db.session.get(Decision, decision.id), m.rsmh, m.ids["rsmh"]),
        re.escape(CLOSED),
    )
    revision = m.minutes.revision
    services.motivate(db.session.get(Reservation, reservation.id), m.asby, "Skälen framgår av bilagan.")
    assert m.minutes.revision == revision + 1  # earlier justeringar no longer count
    refused(
        lambda: services.motivate(db.session.get(Reservation, reservation.id), m.member, "Annat"),
        "Bara den som reserverat sig",
    )
    m.justera()
    refused(
        lambda: services.motivate(db.session.get(Reservation, reservation.id), m.asby, "Sent"), "justerat"
    )


# -- protokollsanteckningar -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ombud", "coopted", "member"])
def test_anyone_present_can_ask_for_a_note_and_only_the_chair_decides(full, who):
    note = services.request_note(
        full.par(2), getattr(full, who), full.ids[who], "Jag vill få antecknat att …"
    )
    assert note.status == NoteStatus.REQUESTED.value
    refused(lambda: services.decide_note(note, full.vc, True), "Bara mötets ordförande")
    refused(lambda: services.decide_note(note, full.ombud, True), "Bara mötets ordförande")
    note = services.decide_note(db.session.get(MinutesNote, note.id), full.chair, True)
    assert (note.status, note.decided_by_id) == (NoteStatus.ACCEPTED.value, full.chair.user_id)
    refused(
        lambda: services.decide_note(db.session.get(MinutesNote, note.id), full.chair, False),
        "redan antecknad",
    )


def test_a_note_needs_presence_text_and_is_asked_for_by_oneself(full):
    refused(
        lambda: services.request_note(full.par(2), full.ombud2, full.ids["ombud2"], "Text"),
        "Omar Khalil var inte närvarande",
    )
    refused(lambda: services.request_note(full.par(2), full.ombud, full.ids["ombud"], "  "), "Skriv vad")
    refused(
        lambda: services.request_note(full.par(2), full.ombud, full.ids["coopted"], "Text"),
        "Bara mötets sekreterare",
    )


def test_closing_is_refused_while_a_note_waits_for_the_chair(full):
    note = services.request_note(full.par(2), full.ombud, full.ids["ombud"], "Anteckning")
    refused(full.close, f"Ta ställning till protokollsanteckningen i {full.par(2).label} ")
    services.decide_note(db.session.get(MinutesNote, note.id), full.chair, False)
    assert full.close().closed_at is not None


# -- action items, återrapportering --------------------------------------------------------------------


def test_an_action_item_has_a_seat_member_as_owner_and_a_due_date_from_the_meeting_on(full):
    decision = full.decide(2, CONSENSUS)
    day = meetings.local(full.meeting.starts_at).date()
    action = services.add_action(decision, full.vc, "Ta fram en rutin", full.ids["sub"], day)
    assert (action.status, action.owner_id) == (ActionStatus.NOT_STARTED.value, full.ids["sub"])
    for who in ("ombud", "coopted"):
        refused(
            lambda who=who: services.add_action(decision, full.vc, "Uppdrag", full.ids[who], None),
            "ledamot eller ersättare",
        )
    refused(
        lambda: services.add_action(decision, full.vc, "Uppdrag", full.ids["vice"], day - timedelta(days=1)),
        "slutdatum före mötet",
    )
    refused(lambda: services.add_action(decision, full.vc, "Uppdrag", None, None), "Välj vem")
    refused(
        lambda: services.add_action(
            decision,
            full.vc,
            "Uppdrag",
            full.demo.memberships[(full.demo.other_group_id, "ordforande.norrsjo@demo.se")],
            None,
        ),
        "vara med i gruppen",
    )


def test_an_action_moves_by_its_owner_or_the_leaders_and_striking_needs_a_reason(full):
    action = services.add_action(
        full.decide(2, CONSENSUS), full.vc, "Ta fram en rutin", full.ids["asby"], None
    )
    services.set_action_status(action, full.asby, ActionStatus.IN_PROGRESS)
    refused(lambda: services.set_action_status(action, full.member, ActionStatus.DONE), "Bara den ansvariga")
    refused(lambda: services.set_action_status(action, full.vc, ActionStatus.DONE), "Bara den ansvariga")
    refused(lambda: services.set_action_status(action, full.vice, ActionStatus.STRUCK), "Skriv varför")
    refused(lambda: services.set_action_status(action, full.asby, ActionStatus.IN_PROGRESS), "redan pågår")
    action = services.set_action_status(
        db.session.get(ActionItem, action.id), full.vice, ActionStatus.STRUCK, "Frågan löstes på annat sätt"
    )
    assert (action.status, action.struck_reason, action.updated_by_id) == (
        ActionStatus.STRUCK.value,
        "Frågan löstes på annat sätt",
        full.vice.user_id,
    )


def test_no_economic_mandate_makes_one_follow_up_per_organisation_of_the_ordinary_members(full):
    decision = full.decide(2, CONSENSUS, needs_organisation_approval=True)
    organisations = {f.organisation.name for f in decision.follow_ups}
    assert organisations == {
        "Mellanå kommun, socialtjänsten",
        "Region Mellanland, psykiatrin",
        "Arbetsförmedlingen",
        "Försäkringskassan",
        "Region Mellanland, primärvården",
        "Åsby kommun, socialtjänsten",
        "RSMH Mellanå",
    }
    services.update_decision(decision, full.vc, decision.text, False)
    assert decision.follow_ups == []
    services.update_decision(decision, full.vc, decision.text, True)
    assert len(decision.follow_ups) == 7


def test_an_organisations_follow_up_is_done_by_its_representative_or_a_leader(full):
    decision = full.decide(2, CONSENSUS, needs_organisation_approval=True)
    follow = {f.organisation.name: f for f in decision.follow_ups}
    af, fk, mk = (
        follow["Arbetsförmedlingen"],
        follow["Försäkringskassan"],
        follow["Mellanå kommun, socialtjänsten"],
    )
    refused(
        lambda: services.mark_follow_up_done(fk, full.member, None),
        "Bara den som företräder Försäkringskassan",
    )
    # Anders is co-opted: he sits in for nobody, even though he works at Mellanå kommun.
    refused(
        lambda: services.mark_follow_up_done(mk, full.coopted, None), "Bara den som företräder Mellanå kommun"
    )
    done = services.mark_follow_up_done(af, full.member, "Godkänt av regionchefen.")
    assert (done.is_open, done.done_by_id, done.note) == (
        False,
        full.member.user_id,
        "Godkänt av regionchefen.",
    )
    services.mark_follow_up_done(fk, full.sub, None)  # Försäkringskassan's substitute
    services.mark_follow_up_done(mk, full.vice, None)  # a leader
    refused(lambda: services.mark_follow_up_done(af, full.chair, None), "redan återrapporterat")
    refused(
        lambda: services.update_decision(decision, full.vc, decision.text, False), "redan återrapporterat"
    )


# -- system errors through the register -----------------------------------------------------------------


def report_with(status: ReportStatus, group_id: int) -> SystemErrorReport:
    return db.session.scalars(
        select(SystemErrorReport)
        .where(
            SystemErrorReport.status == status.value,
            SystemErrorReport.group_id == group_id,
            SystemErrorReport.is_confidential.is_(False),
        )
        .order_by(SystemErrorReport.id)
    ).first()


def test_a_decision_takes_up_a_report_with_this_meeting(full):
    decision = full.decide(4, CONSENSUS)
    report = report_with(ReportStatus.SUBMITTED, full.demo.group_id)
    link = services.link_report(decision, full.vc, report, "take_up")
    assert link.effect == "Tagen upp"
    assert (report.status, report.meeting_id) == (ReportStatus.TAKEN_UP.value, full.meeting.id)
    assert report.agenda_item_id == full.par(4).agenda_item_id
    refused(lambda: services.link_report(decision, full.vc, report, "link"), "redan kopplat")


def test_a_decision_sets_a_reports_owner(full):
    decision = full.decide(4, CONSENSUS)
    report = report_with(ReportStatus.TAKEN_UP, full.demo.group_id)
    refused(lambda: services.link_report(decision, full.vc, report, "set_owner"), "Välj en ansvarig ledamot")
    report = db.session.get(SystemErrorReport, report.id)
    review = date.today() + timedelta(days=30)
    services.link_report(
        db.session.get(Decision, decision.id),
        full.vc,
        report,
        "set_owner",
        owner=full.asby,
        next_review_on=review,
    )
    assert (report.status, report.owner_id, report.next_review_on) == (
        ReportStatus.IN_PROGRESS.value,
        full.ids["asby"],
        review,
    )


def test_a_decision_escalates_a_report(full):
    decision = full.decide(4, CONSENSUS)
    report = report_with(ReportStatus.IN_PROGRESS, full.demo.group_id)
    refused(
        lambda: services.link_report(decision, full.vc, report, "escalate", escalation={"body": "region"}),
        "Ange när eskaleringen skickades",
    )
    report = db.session.get(SystemErrorReport, report.id)
    count = len(report.escalations)
    sent = date.today()
    services.link_report(
        db.session.get(Decision, decision.id),
        full.vc,
        report,
        "escalate",
        escalation={"body": "region", "sent_on": sent},
    )
    assert report.status == ReportStatus.ESCALATED.value
    escalations = db.session.scalars(select(Escalation).where(Escalation.report_id == report.id)).all()
    assert len(escalations) == count + 1 and escalations[-1].sent_on == sent


def test_a_decision_links_only_reports_in_the_groups_register(full):
    decision = full.decide(4, CONSENSUS)
    draft = db.session.scalar(
        select(SystemErrorReport).where(SystemErrorReport.status == ReportStatus.DRAFT.value)
    )
    refused(lambda: services.link_report(decision, full.vc, draft, "link"), "finns inte i gruppens register")
    report = report_with(ReportStatus.SUBMITTED, full.demo.group_id)
    refused(lambda: services.link_report(decision, full.vc, report, "delete"), "Välj vad beslutet gör")
    refused(lambda: services.link_report(decision, full.member, report, "link"), "Bara mötets sekreterare")


# -- officers, closing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secretary", "adjusters", "message"),
    [
        ("vc", ("fk",), "Per Sandberg är inte markerad som närvarande"),
        ("vc", ("chair",), "Ordföranden justerar redan"),
        ("vc", ("vc",), "Sekreteraren kan inte vara justerare"),
        ("vc", ("asby", "rsmh", "member"), "en eller två justerare"),
        ("vc", ("asby", "asby"), "två olika justerare"),
        ("ombud", ("asby",), "Sekreteraren ska vara ledamot eller ersättare"),
        ("vc", ("coopted",), "Justerare ska vara ledamot eller ersättare"),
    ],
)
def test_officers_rules(m, secretary, adjusters, message):
    m.present("chair", "vc", "asby", "rsmh", "coopted", "ombud")
    refused(lambda: m.officers(secretary, adjusters), message)


def test_officers_are_chosen_by_the_chair_and_the_chair_is_an_ordinary_member(m):
    m.present("asby")
    refused(
        lambda: services.set_officers(m.minutes, m.member, m.ids["chair"], m.ids["vc"], [m.ids["asby"]]),
        "Bara mötets ordförande",
    )
    refused(
        lambda: services.set_officers(m.minutes, m.chair, m.ids["sub"], m.ids["vc"], [m.ids["asby"]]),
        "ordinarie ledamot",
    )
    minutes = services.set_officers(m.minutes, m.chair, m.ids["vice"], m.ids["sub"], [m.ids["asby"]])
    assert (minutes.chair_id, minutes.secretary_id, minutes.adjuster_id, minutes.second_adjuster_id) == (
        m.ids["vice"],
        m.ids["sub"],
        m.ids["asby"],
        None,
    )


def test_closing_needs_a_secretary_a_justerare_and_no_pending_votering(m):
    m.present("asby")
    refused(m.close, "Välj mötets sekreterare")
    services.set_officers(m.minutes, m.chair, m.ids["chair"], m.ids["vc"], [])
    refused(m.close, "minst en justerare")
    m.officers("vc", ("asby",))
    decision = services.add_decision(m.par(3), m.chair, "att anta rutinen", VOTE)
    refused(m.close, f"Voteringen i {m.par(3).label} saknar röster")
    services.cast_vote(db.session.get(Decision, decision.id), m.chair, m.ids["member"], YES)
    refused(lambda: services.close(m.meeting, m.member), "Bara mötets ordförande")
    minutes = m.close()
    assert minutes.closed_at is not None and m.meeting.status == MeetingStatus.CLOSED.value
    refused(m.close, "kan inte få status avslutad")


def test_closing_freezes_attendance_votes_jav_and_decisions_but_not_the_text(full):
    decision = full.vote(full.decide(2), chair=YES, asby=NO)
    full.close()
    calls = [
        lambda: services.set_attendance(full.minutes, full.vc, full.ids["fk"], Presence.PRESENT),
        lambda: services.cast_vote(db.session.get(Decision, decision.id), full.vc, full.ids["vice"], YES),
        lambda: services.withdraw_vote(db.session.get(Decision, decision.id).votes[0], full.vc),
        lambda: services.recuse(full.par(3), full.vc, full.ids["vice"]),
        lambda: services.add_decision(full.par(3), full.vc, "att något", CONSENSUS),
        lambda: services.add_paragraph(full.minutes, full.vc, "Ny fråga"),
        lambda: services.add_guest(full.par(3), full.vc, "Gäst", None),
        lambda: services.request_note(full.par(3), full.ombud, full.ids["ombud"], "Anteckning"),
        lambda: full.officers(),
    ]
    for call in calls:
        refused(call, re.escape(CLOSED))
    paragraph = full.par(3)
    services.save_paragraph(
        paragraph, full.vc, paragraph.title, "Rättad text efter mötet.", paragraph.version
    )
    assert full.par(3).body == "Rättad text efter mötet."


# -- justering ---------------------------------------------------------------------------------------------


def test_only_the_chair_and_the_justerare_justera_after_closing(full):
    refused(lambda: services.justera(full.minutes, full.chair, True), "först när mötet är avslutat")
    full.close()
    for who in ("vc", "vice", "member", "ombud"):
        refused(
            lambda who=who: services.justera(full.minutes, getattr(full, who), True),
            "Bara mötets ordförande och justerare",
        )
    refused(lambda: services.justera(full.minutes, full.asby, False, None), "Skriv vad som behöver ändras")
    services.justera(full.minutes, full.asby, True, notify=False)
    refused(lambda: services.justera(full.minutes, full.asby, True), "redan justerat den här versionen")


def test_minutes_are_justerade_when_the_chair_and_every_justerare_approve_the_same_revision(full):
    full.close()
    services.justera(full.minutes, full.chair, True, notify=False)
    services.justera(full.minutes, full.asby, False, "Rätta stavningen i § 2.", notify=False)
    assert not full.minutes.is_approved
    paragraph = full.par(2)
    services.save_paragraph(paragraph, full.vc, paragraph.title, "Rättad stavning.", paragraph.version)
    assert full.minutes.revision == 2
    services.justera(full.minutes, full.asby, True, notify=False)
    services.justera(full.minutes, full.rsmh, True, notify=False)
    # The chair's approval was of revision 1: it no longer counts.
    assert not full.minutes.is_approved and full.meeting.status == MeetingStatus.CLOSED.value
    assert set(services.current_approvals(full.minutes)) == {full.ids["asby"], full.ids["rsmh"]}
    services.justera(full.minutes, full.chair, True, notify=False)
    assert full.minutes.is_approved and full.meeting.status == MeetingStatus.APPROVED.value
    refused(lambda: services.justera(full.minutes, full.chair, True), "redan justerat")


@pytest.fixture
def locked(full):
    """The full meeting with a votering, a reservation, a note, an action, closed and justerad."""
    m = full
    decision = m.vote(m.decide(2), chair=YES, vice=YES, asby=NO)
    services.reserve(decision, m.asby, m.ids["asby"])
    note = services.request_note(m.par(2), m.ombud, m.ids["ombud"], "Anteckning")
    services.decide_note(note, m.chair, True)
    services.add_action(decision, m.vc, "Uppdrag", m.ids["member"], None)
    services.add_guest(m.par(2), m.vc, "Gäst Gästsson", "Enhetschef")
    services.recuse(m.par(3), m.vc, m.ids["vice"])
    m.justera()
    db.session.commit()
    return m


def mutations(m: Meet) -> dict[str, callable]:
    """Return every call that changes the minutes, on the locked meeting."""
    minutes = m.minutes
    p2 = m.par(2)
    decision = p2.decisions[0]
    return {
        "set_officers": lambda: m.officers(),
        "set_attendance": lambda: services.set_attendance(minutes, m.chair, m.ids["fk"], Presence.PRESENT),
        "add_guest": lambda: services.add_guest(p2, m.chair, "Ny gäst", None),
        "remove_guest": lambda: services.remove_guest(p2.guests[0], m.chair),
        "save_paragraph": lambda: services.save_paragraph(p2, m.chair, "Ny rubrik", "Ny text", p2.version),
        "add_paragraph": lambda: services.add_paragraph(minutes, m.chair, "Ny paragraf"),
        "set_paragraph_confidential": lambda: services.set_paragraph_confidential(p2, m.chair, True),
        "approve_at_meeting": lambda: services.approve_at_meeting(p2, m.chair),
        "recuse": lambda: services.recuse(p2, m.chair, m.ids["member"]),
        "withdraw_recusal": lambda: services.withdraw_recusal(m.par(3).recusals[0], m.chair),
        "add_decision": lambda: services.add_decision(p2, m.chair, "att något", CONSENSUS),
        "update_decision": lambda: services.update_decision(decision, m.chair, "att annat", False),
        "set_organisation_approval": lambda: services.set_organisation_approval(decision, m.chair, True),
        "delete_decision": lambda: services.delete_decision(decision, m.chair),
        "cast_vote": lambda: services.cast_vote(decision, m.chair, m.ids["member"], YES),
        "record_votes": lambda: services.record_votes(decision, m.chair, [(m.ids["member"], "yes")]),
        "withdraw_vote": lambda: services.withdraw_vote(decision.votes[0], m.chair),
        "reserve": lambda: services.reserve(decision, m.chair, m.ids["rsmh"]),
        "request_note": lambda: services.request_note(p2, m.chair, m.ids["chair"], "Text"),
        "decide_note": lambda: services.decide_note(p2.notes[0], m.chair, False),
        "add_action": lambda: services.add_action(decision, m.chair, "Uppdrag", m.ids["member"], None),
        "link_report": lambda: services.link_report(
            decision, m.chair, report_with(ReportStatus.SUBMITTED, m.demo.group_id), "link"
        ),
        "close": lambda: m.close(),
    }


MUTATIONS = [
    "set_officers",
    "set_attendance",
    "add_guest",
    "remove_guest",
    "save_paragraph",
    "add_paragraph",
    "set_paragraph_confidential",
    "approve_at_meeting",
    "recuse",
    "withdraw_recusal",
    "add_decision",
    "update_decision",
    "set_organisation_approval",
    "delete_decision",
    "cast_vote",
    "record_votes",
    "withdraw_vote",
    "reserve",
    "request_note",
    "decide_note",
    "add_action",
    "link_report",
    "close",
]


@pytest.mark.parametrize("name", MUTATIONS)
def test_justerade_minutes_are_locked(locked, name):
    assert set(MUTATIONS) == set(mutations(locked))
    before = rows()
    refused(mutations(locked)[name], re.escape(LOCKED))
    assert rows() == before


def test_a_rattelse_is_only_for_justerade_minutes_by_the_leaders_with_text_and_reason(full):
    refused(
        lambda: services.add_correction(full.minutes, full.chair, None, "Text", "Skäl"), "inte justerat ännu"
    )
    full.justera()
    refused(
        lambda: services.add_correction(full.minutes, full.asby, None, "Text", "Skäl"), "Bara ordföranden"
    )
    refused(lambda: services.add_correction(full.minutes, full.chair, None, " ", "Skäl"), "Skriv rättelsen")
    refused(lambda: services.add_correction(full.minutes, full.chair, None, "Text", ""), "Skriv varför")
    body = full.par(2).body
    correction = services.add_correction(
        full.minutes, full.vice, full.par(2).id, "Ska vara 4–2, inte 4–3.", "Felräknat"
    )
    assert (correction.created_by_id, correction.paragraph_id) == (full.vice.user_id, full.par(2).id)
    assert full.minutes.corrections == [correction]
    assert full.par(2).body == body  # nothing is rewritten in place


# -- optimistic locking -------------------------------------------------------------------------------------


def test_saving_over_a_newer_version_is_a_conflict_with_both_texts(full):
    paragraph = full.par(2)
    old = paragraph.version
    services.save_paragraph(paragraph, full.vc, paragraph.title, "Första texten.", old)
    assert paragraph.version == old + 1
    with pytest.raises(EditConflict) as caught:
        services.save_paragraph(paragraph, full.chair, paragraph.title, "Min text.", old)
    assert caught.value.paragraph.body == "Första texten."
    assert caught.value.mine == "Min text."
    assert paragraph.body == "Första texten."


def other_session_saves(paragraph_id: int) -> None:
    """Save the § in a second session (another request), committing a newer version."""
    with Session(db.engine) as other:
        other.get(Paragraph, paragraph_id).body = "Annans text."
        other.commit()


def sql_bumps_version(paragraph_id: int) -> None:
    """Change the § behind the ORM's back, on another connection."""
    table = Paragraph.__table__
    with db.engine.begin() as connection:
        connection.execute(
            update(table)
            .where(table.c.id == paragraph_id)
            .values(body="Annans text.", version=table.c.version + 1)
        )


@pytest.mark.parametrize("concurrent", [other_session_saves, sql_bumps_version])
def test_a_concurrent_save_is_caught_at_flush_and_becomes_an_edit_conflict(full, concurrent):
    paragraph = full.par(2)
    version, title = paragraph.version, paragraph.title  # what the writer's form holds
    secretary = full.vc
    concurrent(paragraph.id)
    assert paragraph.version == version  # this session still holds the old row
    with pytest.raises(EditConflict) as caught:
        services.save_paragraph(paragraph, secretary, title, "Min text.", version)
    conflict = caught.value
    assert conflict.mine == "Min text."
    assert conflict.paragraph.id == paragraph.id
    assert (conflict.paragraph.body, conflict.paragraph.version) == ("Annans text.", version + 1)
    # The writer saves again over the version shown: it goes through.
    saved = services.save_paragraph(
        conflict.paragraph, secretary, title, "Min text.", conflict.paragraph.version
    )
    db.session.commit()
    assert (saved.body, saved.version) == ("Min text.", version + 2)


def test_an_omedelbart_justerad_paragraph_refuses_changes(full):
    refused(lambda: services.approve_at_meeting(full.par(2), full.vc), "Bara mötets ordförande")
    services.approve_at_meeting(full.par(2), full.chair)
    paragraph = full.par(2)
    before = rows()
    for call in (
        lambda: services.save_paragraph(paragraph, full.vc, "Ny", "Ny", paragraph.version),
        lambda: services.add_decision(paragraph, full.vc, "att något", CONSENSUS),
        lambda: services.recuse(paragraph, full.vc, full.ids["member"]),
        lambda: services.set_paragraph_confidential(paragraph, full.vc, True),
        lambda: services.approve_at_meeting(paragraph, full.chair),
    ):
        refused(call, f"{paragraph.label} är omedelbart justerad")
    assert rows() == before


# -- confidentiality ----------------------------------------------------------------------------------------


def test_confidential_paragraphs_are_hidden_from_ombuds_and_co_opted_members(full):
    minutes = full.minutes
    secret = full.par(6)
    decision = services.add_decision(secret, full.vc, "att anta rutinen", CONSENSUS)
    assert secret in services.visible_paragraphs(minutes, full.member)
    for who in ("ombud", "coopted"):
        viewer = getattr(full, who)
        assert [p.position for p in services.visible_paragraphs(minutes, viewer)] == [1, 2, 3, 4, 5]
        assert services.get_paragraph(minutes, secret.id, viewer) is None
        assert services.get_decision(minutes, decision.id, viewer) is None
    assert services.get_decision(minutes, decision.id, full.sub) is decision


def test_open_follow_ups_leave_out_actions_of_secret_paragraphs_for_ombuds(full):
    secret = services.add_decision(
        full.par(6), full.vc, "att anta rutinen", CONSENSUS, needs_organisation_approval=True
    )
    public = full.decide(2, CONSENSUS)
    services.add_action(secret, full.vc, "Hemligt uppdrag", full.ids["member"], None)
    services.add_action(public, full.vc, "Öppet uppdrag", full.ids["member"], None)
    group_id, mine = full.demo.group_id, {secret.id, public.id}

    def seen(by) -> tuple[set[str], int]:
        """Return the titles of this meeting's open actions and the number of its follow-ups the member sees."""
        found = services.open_follow_ups(group_id, by)
        actions = {a.title for a in found.actions if a.decision_id in mine}
        return actions, sum(1 for f in found.organisation_follow_ups if f.decision_id in mine)

    assert seen(full.member) == ({"Hemligt uppdrag", "Öppet uppdrag"}, 7)
    assert seen(full.ombud) == ({"Öppet uppdrag"}, 0)
    services.release_paragraph(full.par(6), full.chair)
    assert seen(full.ombud) == ({"Hemligt uppdrag", "Öppet uppdrag"}, 7)


def test_the_leaders_release_a_confidential_paragraph_even_after_justering(full):
    full.justera()
    secret = full.par(6)
    refused(lambda: services.release_paragraph(secret, full.vc), "Bara ordföranden")
    refused(lambda: services.release_paragraph(secret, full.asby), "Bara ordföranden")
    refused(lambda: services.release_paragraph(full.par(2), full.chair), "inte sekretessbelagd")
    services.release_paragraph(secret, full.vice)
    secret = full.par(6)
    assert secret.released_at is not None and secret.released_by_id == full.vice.user_id
    assert secret in services.visible_paragraphs(full.minutes, full.ombud)


def test_marking_a_paragraph_confidential_hides_it_and_a_leader_of_another_group_cannot_release_it(full):
    services.set_paragraph_confidential(full.par(3), full.vc, True)
    assert full.par(3) not in services.visible_paragraphs(full.minutes, full.coopted)
    outsider = db.session.scalar(
        select(Membership).where(Membership.group_id == full.demo.other_group_id, Membership.role == "chair")
    )
    refused(lambda: services.release_paragraph(full.par(3), outsider), "Bara ordföranden")


# -- personnummer, nothing half-saved --------------------------------------------------------------------------


def free_text_calls(m: Meet) -> dict[str, callable]:
    """Return calls that each put a personnummer in one free-text argument."""
    pnr = f"Klienten {PERSONNUMMER}"
    p2 = m.par(2)
    decision = m.vote(m.decide(2), chair=YES, vice=YES, asby=NO, rsmh=NO)
    reservation = services.reserve(decision, m.asby, m.ids["asby"])
    action = services.add_action(decision, m.vc, "Uppdrag", m.ids["member"], None)
    follow_decision = m.decide(3, CONSENSUS, needs_organisation_approval=True)
    db.session.commit()
    return {
        "guest name": lambda: services.add_guest(p2, m.vc, pnr, None),
        "guest description": lambda: services.add_guest(p2, m.vc, "Gäst", pnr),
        "paragraph title": lambda: services.save_paragraph(p2, m.vc, pnr, None, p2.version),
        "paragraph body": lambda: services.save_paragraph(p2, m.vc, "Rubrik", pnr, p2.version),
        "new paragraph": lambda: services.add_paragraph(m.minutes, m.vc, pnr),
        "decision": lambda: services.add_decision(p2, m.vc, pnr, CONSENSUS),
        "decision update": lambda: services.update_decision(decision, m.vc, pnr, False),
        "reservation": lambda: services.reserve(decision, m.vc, m.ids["rsmh"], pnr),
        "motivation": lambda: services.motivate(reservation, m.asby, pnr),
        "note": lambda: services.request_note(p2, m.ombud, m.ids["ombud"], pnr),
        "action": lambda: services.add_action(decision, m.vc, pnr, m.ids["member"], None),
        "struck reason": lambda: services.set_action_status(action, m.chair, ActionStatus.STRUCK, pnr),
        "follow-up note": lambda: services.mark_follow_up_done(follow_decision.follow_ups[0], m.chair, pnr),
    }


FREE_TEXT = [
    "guest name",
    "guest description",
    "paragraph title",
    "paragraph body",
    "new paragraph",
    "decision",
    "decision update",
    "reservation",
    "motivation",
    "note",
    "action",
    "struck reason",
    "follow-up note",
]


@pytest.mark.parametrize("name", FREE_TEXT)
def test_a_personnummer_in_free_text_is_refused_before_storage(full, name):
    calls = free_text_calls(full)
    assert set(calls) == set(FREE_TEXT)
    before = rows()
    refused(calls[name], re.escape(DEFAULT_MESSAGE))
    assert rows() == before


def test_a_personnummer_in_a_justering_comment_or_a_rattelse_is_refused(full):
    full.close()
    db.session.commit()
    before = rows()
    refused(
        lambda: services.justera(full.minutes, full.asby, False, PERSONNUMMER), re.escape(DEFAULT_MESSAGE)
    )
    assert rows() == before
    full.justera()
    db.session.commit()
    before = rows()
    refused(
        lambda: services.add_correction(full.minutes, full.chair, None, PERSONNUMMER, "Skäl"),
        re.escape(DEFAULT_MESSAGE),
    )
    refused(
        lambda: services.add_correction(full.minutes, full.chair, None, "Text", PERSONNUMMER),
        re.escape(DEFAULT_MESSAGE),
    )
    assert rows() == before


def test_a_votering_refused_half_way_leaves_no_votes(full):
    decision = full.decide(2)
    db.session.commit()
    before = rows()
    votes = [(full.ids["chair"], "yes"), (full.ids["vice"], "no"), (full.ids["ombud"], "yes")]
    refused(
        lambda: services.record_votes(db.session.get(Decision, decision.id), full.vc, votes), "röstar inte"
    )
    assert rows() == before
    assert db.session.get(Decision, decision.id).result == DecisionResult.PENDING.value
