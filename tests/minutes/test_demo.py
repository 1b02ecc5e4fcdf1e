"""The demo's past meetings are held through the minutes services: all justerade but the latest,
which waits for its justerare."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from po_meetings import permissions
from po_meetings.demo import OTHER_GROUP_NAME
from po_meetings.extensions import db
from po_meetings.meetings.services import local
from po_meetings.minutes import services
from po_meetings.models import (
    ActionStatus,
    ApprovalVerdict,
    Group,
    Meeting,
    MeetingStatus,
    Minutes,
    NoteStatus,
    Presence,
    Role,
    VoteChoice,
    utcnow,
)
from po_meetings.personnummer import contains_personnummer

from ..support.minutes_ids import minutes_ids


def _past(demo) -> list[Meeting]:
    return sorted((db.session.get(Meeting, i) for i in demo.past_meeting_ids), key=lambda m: m.starts_at)


def _justerade(demo) -> list[Meeting]:
    return [m for m in _past(demo) if m.status == MeetingStatus.APPROVED.value]


def _latest_justerad(demo) -> Meeting:
    """The autumn's operative meeting: the latest justerade minutes (guest, jäv, vote 4–2 …)."""
    return _justerade(demo)[-1]


def _everything(minutes):
    paragraphs = minutes.paragraphs
    decisions = [d for p in paragraphs for d in p.decisions]
    return paragraphs, decisions


def test_every_past_meeting_but_the_latest_is_justerad_by_all_approvers(app_ctx, demo):
    now = utcnow()
    # Last year's two (minutes.demo_history), the yearly report's three spring meetings
    # (annual_reports.demo) and the autumn's two.
    assert _justerade(demo) == _past(demo)[:-1] and len(_justerade(demo)) == 7
    for meeting in _justerade(demo):
        minutes = services.minutes_of(meeting)
        assert meeting.status == MeetingStatus.APPROVED.value
        assert minutes.is_approved and minutes.closed_at is not None
        approvals = services.current_approvals(minutes)
        assert {m.id for m in services.approvers(minutes)} == set(approvals)
        assert all(a.verdict == ApprovalVerdict.APPROVED.value for a in approvals.values())
        # The moments read like the real days: opened at the start, justerat some days later.
        assert minutes.opened_at == meeting.starts_at and minutes.closed_at == meeting.ends_at
        assert meeting.ends_at < minutes.approved_at <= now
        assert minutes.approved_at == max(a.created_at for a in approvals.values())
        assert all(
            meeting.ends_at < a.created_at < meeting.ends_at + timedelta(days=14) for a in approvals.values()
        )
        # The secretary is a plain member; one or two justerare, neither chair nor secretary.
        assert minutes.secretary.role_enum == Role.MEMBER
        assert 1 <= len(minutes.adjusters) <= 2
        assert minutes.chair.role_enum == Role.CHAIR


def test_paragraphs_are_numbered_on_across_the_years_meetings_from_1(app_ctx, demo):
    numbers_by_year: dict[int, list[int]] = {}
    for meeting in _past(demo):
        for paragraph in services.minutes_of(meeting).paragraphs:
            numbers_by_year.setdefault(paragraph.year, []).append(paragraph.number)
    # In meeting order, so the numbers run on from one meeting to the next within a year.
    for numbers in numbers_by_year.values():
        assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers_by_year) >= 2


def test_attendance_has_apologies_a_serving_substitute_a_late_arrival_and_a_guest(app_ctx, demo):
    minutes = services.minutes_of(_latest_justerad(demo))
    rows = {row.membership.user.email: row for row in minutes.attendances}
    assert rows["ledamot.fk@demo.se"].presence == Presence.APOLOGIES.value
    assert rows["ersattare@demo.se"].presence == Presence.PRESENT.value
    assert rows["ersattare@demo.se"].serving_for.user.email == "ledamot.fk@demo.se"
    assert rows["adjungerad@demo.se"].presence == Presence.PRESENT.value
    assert rows["ombud@demo.se"].presence == Presence.PRESENT.value
    late = [row for row in minutes.attendances if row.arrived_at is not None]
    assert len(late) == 1 and late[0].arrived_at.position > 1
    assert present_everywhere_but(minutes, late[0])
    guests = [g for p in minutes.paragraphs for g in p.guests]
    assert len(guests) == 1 and guests[0].description


def present_everywhere_but(minutes, late) -> bool:
    """Return whether the late arrival is absent before the § of arrival and present from it."""
    return all(
        services.present_at(late, p) == (p.position >= late.arrived_at.position) for p in minutes.paragraphs
    )


def test_decisions_consensus_votes_4_2_and_5_2_with_motivated_reservations_by_no_voters(app_ctx, demo):
    all_decisions = []
    for meeting in _past(demo):
        all_decisions += _everything(services.minutes_of(meeting))[1]
    consensus = [d for d in all_decisions if not d.is_vote]
    votes = [d for d in all_decisions if d.is_vote]
    assert len(consensus) >= 10
    assert sorted((v.tally()["yes"], v.tally()["no"]) for v in votes) == [(4, 2), (5, 2)]
    for vote in votes:
        assert vote.result == "adopted"
        assert {v.membership_id for v in vote.votes} == services.participation(vote.paragraph).voter_ids
        (reservation,) = vote.reservations
        choice = next(v.choice for v in vote.votes if v.membership_id == reservation.membership_id)
        assert choice == VoteChoice.NO.value
        assert reservation.motivation and reservation.motivated_at > reservation.announced_at


def test_a_note_by_the_ombud_a_jav_and_a_confidential_paragraph(app_ctx, demo):
    minutes = services.minutes_of(_latest_justerad(demo))
    notes = [n for p in minutes.paragraphs for n in p.notes]
    assert [n.membership.role_enum for n in notes] == [Role.OMBUD]
    assert notes[0].status == NoteStatus.ACCEPTED.value
    recusals = [r for p in minutes.paragraphs for r in p.recusals]
    assert len(recusals) == 1
    assert recusals[0].membership not in services.participation(recusals[0].paragraph).voters
    assert [p.is_secret for p in minutes.paragraphs].count(True) == 1


def test_action_items_open_overdue_and_done(app_ctx, demo):
    today = local(utcnow()).date()
    actions = []
    for meeting in _past(demo):
        actions += [a for d in _everything(services.minutes_of(meeting))[1] for a in d.actions]
    open_actions = [a for a in actions if a.is_open]
    assert all(a.due_on is not None for a in actions)
    overdue = [a for a in open_actions if a.is_overdue(today)]
    assert {a.owner.user.email for a in overdue} == {"vice@demo.se", "ledamot@demo.se"}
    within_a_week = [a for a in open_actions if today <= a.due_on <= today + timedelta(days=7)]
    assert len({a.owner_id for a in within_a_week}) >= 2
    assert any(a.due_on > today + timedelta(days=7) for a in open_actions)
    assert len({a.owner_id for a in open_actions}) >= 5
    assert [a.status for a in actions].count(ActionStatus.DONE.value) == 3
    assert all(a.owner.role_enum in services.SEAT_ROLES for a in actions)


def test_a_decision_without_economic_mandate_with_one_organisation_done(app_ctx, demo):
    minutes = services.minutes_of(_latest_justerad(demo))
    (decision,) = [d for d in _everything(minutes)[1] if d.needs_organisation_approval]
    names = {f.organisation.name for f in decision.follow_ups}
    assert len(names) == 7 and "Försäkringskassan" in names
    done = [f for f in decision.follow_ups if not f.is_open]
    assert [f.organisation.name for f in done] == ["Försäkringskassan"] and done[0].note


def test_decisions_are_linked_to_reports_taken_up_at_the_meeting(app_ctx, demo):
    for meeting in _justerade(demo):
        links = [link for d in _everything(services.minutes_of(meeting))[1] for link in d.report_links]
        assert len(links) == 1
        assert links[0].report.meeting_id == meeting.id
    # The latest meeting follows up a report taken up at an earlier meeting.
    latest = _past(demo)[-1]
    (link,) = [link for d in _everything(services.minutes_of(latest))[1] for link in d.report_links]
    assert link.report.meeting.starts_at < latest.starts_at


def test_no_personnummer_in_the_demo_minutes(app_ctx, demo):
    for meeting in _past(demo):
        minutes = services.minutes_of(meeting)
        paragraphs, decisions = _everything(minutes)
        texts = [p.body for p in paragraphs] + [d.text for d in decisions]
        texts += [n.text for p in paragraphs for n in p.notes]
        texts += [r.motivation for d in decisions for r in d.reservations]
        texts += [a.title for d in decisions for a in d.actions]
        assert not any(contains_personnummer(t) for t in texts if t)


def test_minutes_ids_finds_every_object_of_the_latest_justerade_minutes(app_ctx, demo):
    ids = minutes_ids(db.session, demo.group_id)
    assert ids["past_meeting_id"] == _latest_justerad(demo).id
    assert all(value is not None for value in ids.values()), ids
    minutes = services.minutes_of(db.session.get(Meeting, ids["past_meeting_id"]))
    paragraphs = {p.id: p for p in minutes.paragraphs}
    assert (
        not paragraphs[ids["paragraph_id"]].is_secret
        and paragraphs[ids["confidential_paragraph_id"]].is_secret
    )
    decision = next(d for p in minutes.paragraphs for d in p.decisions if d.id == ids["decision_id"])
    assert decision.is_vote and ids["vote_id"] in {v.id for v in decision.votes}
    assert ids["reservation_id"] == decision.reservations[0].id


def test_the_other_group_is_untouched(app_ctx, demo):
    other = db.session.scalar(select(Group).where(Group.name == OTHER_GROUP_NAME))
    assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.group_id == other.id)) == 0
    assert db.session.scalar(select(func.count(Minutes.id)).where(Minutes.group_id == other.id)) == 0


def test_the_coming_meetings_agenda_shows_open_actions_and_the_previous_minutes(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    page = client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}").text
    assert "Ta fram förslag till reviderat mandat för ledningsgruppen" in page
    assert "Försenad" in page
    # The previous meeting is the latest one, whose minutes still wait for the justerare.
    last = demo.past_meeting_ids[-1]
    assert f'href="/groups/{demo.group_id}/meetings/{last}/minutes/"' in page
    assert "Ej justerat" in page
    # The minutes page of a justerad demo meeting opens for everyone in the group.
    with app.app_context():
        justerad = _latest_justerad(demo).id
    for role in (permissions.CHAIR, permissions.OMBUD):
        auth.logout()
        auth.login_as(role)
        assert client.get(f"/groups/{demo.group_id}/meetings/{justerad}/minutes/").status_code == 200
