"""The start page's rules without HTTP: remembering visits, answering a kallelse for oneself only."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.main import services
from po_meetings.models import Meeting, MeetingResponse, Membership, StartPageVisit, utcnow


def visit(app, user_id, at):
    with app.app_context():
        return services.record_visit(user_id, at)


def stored(app, user_id):
    with app.app_context():
        row = db.session.get(StartPageVisit, user_id)
        return row.visited_at, row.previous_visit_at


def test_the_first_visit_has_no_previous_one(app, world):
    user = world.users["member"]
    now = utcnow()
    assert visit(app, user, now) is None
    assert stored(app, user) == (now, None)


def test_a_visit_within_the_hour_is_the_same_visit(app, world):
    user = world.users["member"]
    first = utcnow() - timedelta(minutes=50)
    visit(app, user, first)
    assert visit(app, user, first + timedelta(minutes=40)) is None
    visited_at, previous = stored(app, user)
    assert visited_at == first and previous is None


def test_a_visit_after_an_hour_moves_the_last_one_to_previous(app, world):
    user = world.users["member"]
    first = utcnow() - timedelta(hours=5)
    visit(app, user, first)
    second = first + timedelta(hours=2)
    assert visit(app, user, second) == first
    assert stored(app, user) == (second, first)
    # A reload soon after keeps measuring from the same previous visit.
    assert visit(app, user, second + timedelta(minutes=10)) == first
    third = second + timedelta(hours=3)
    assert visit(app, user, third) == second


def test_two_tabs_loading_at_once_both_succeed_with_one_row(app, world):
    user = world.users["member"]
    results, errors = [], []
    barrier = threading.Barrier(2)

    def load():
        try:
            barrier.wait()
            results.append(visit(app, user, utcnow()))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and results == [None, None]
    with app.app_context():
        assert db.session.query(StartPageVisit).count() == 1


def test_answering_for_another_member_is_refused_and_nothing_is_saved(app_ctx, world):
    meeting = db.session.get(Meeting, world.meeting_id)
    member = db.session.get(Membership, world.memberships["member"])
    with pytest.raises(DomainError, match="för dig själv"):
        services.answer_call(meeting, member, "attending", world.memberships["adjuster"])
    with pytest.raises(DomainError, match="deltar eller förhinder"):
        services.answer_call(meeting, member, "kanske", member.id)
    assert db.session.query(MeetingResponse).count() == 0
    response = services.answer_call(meeting, member, "apologies", member.id)
    assert response.membership_id == member.id and response.answer == "apologies"


def test_a_past_meeting_cannot_be_answered(app_ctx, world):
    meeting = db.session.get(Meeting, world.past_meeting_id)
    member = db.session.get(Membership, world.memberships["member"])
    with pytest.raises(DomainError, match="kommande möte"):
        services.answer_call(meeting, member, "attending", member.id)
