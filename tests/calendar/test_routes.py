"""Calendars: the iCalendar of meetings, and each user's private feed authenticated by a secret token."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from po_meetings import permissions
from po_meetings.auth import clock as auth_clock
from po_meetings.calendar import ics
from po_meetings.calendar import services as calendar_services
from po_meetings.extensions import db
from po_meetings.meetings import services as meetings
from po_meetings.models import Group, Meeting, MeetingStatus, Membership, User, utcnow

from ..conftest import ROLE_LOGINS
from ..test_browser import browser, live_server, visitor  # noqa: F401

FEED_URL = re.compile(r"https?://[^\"\s<]+/calendar/([A-Za-z0-9_-]+)\.ics")


def _parse(body: bytes) -> Calendar:
    """Parse an iCalendar file, failing on anything icalendar cannot read."""
    return Calendar.from_ical(body)


def _events(body: bytes) -> dict[str, object]:
    """Return the VEVENTs of an iCalendar file by UID."""
    return {str(e["UID"]): e for e in _parse(body).walk("VEVENT")}


def _unfolded(body: bytes) -> str:
    """Return the iCalendar text with folded lines joined, for plain substring checks."""
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def _make_meeting(group_id: int, day: date, start: time, end: time, status=MeetingStatus.CALLED, **kw) -> int:
    """Create a meeting of a group in a given status (set directly); return its id."""
    group = db.session.get(Group, group_id)
    meeting = meetings.create_meeting(
        group,
        None,
        kw.pop("title", "Extramöte"),
        meetings.local_datetime(day, start),
        meetings.local_datetime(day, end),
        place=kw.pop("place", "Stadshuset"),
        **kw,
    )
    meeting.status = MeetingStatus(status).value
    db.session.commit()
    return meeting.id


def _in_days(days: int) -> date:
    """Return the Stockholm date a number of days from today."""
    return meetings.local(utcnow()).date() + timedelta(days=days)


def _demo_in_feed(demo) -> set[int]:
    """Return the demo meetings a feed reaches (last year's are more than a year back)."""
    since = utcnow() - calendar_services.FEED_HISTORY
    ids = [demo.meeting_id, *demo.past_meeting_ids]
    return {i for i in ids if db.session.get(Meeting, i).starts_at >= since}


# -- the iCalendar file ----------------------------------------------------------------------


def test_a_meeting_becomes_one_event_with_its_facts(app, demo):
    with app.test_request_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        body = ics.calendar_bytes([meeting], "Mellanå")
        calendar = _parse(body)
        events = list(calendar.walk("VEVENT"))

        assert str(calendar["PRODID"]) == "-//po_meetings//SV"
        assert str(calendar["VERSION"]) == "2.0"
        assert str(calendar["X-WR-CALNAME"]) == "Mellanå"
        assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Stockholm"
        assert len(events) == 1
        event = events[0]
        url = f"http://localhost/groups/{demo.group_id}/meetings/{demo.meeting_id}"
        assert str(event["UID"]) == f"meeting-{demo.meeting_id}@po-meetings"
        assert str(event["SUMMARY"]) == f"Operativt möte – {meeting.group.name}"
        assert str(event["LOCATION"]) == (
            "Kommunhuset, sal Åsen (video: https://video.mellana.se/po-ledningsgrupp)"
        )
        assert str(event["URL"]) == url
        assert str(event["DESCRIPTION"]) == f"Dagordning och kallelse: {url}"
        assert event.decoded("DTSTART") == meeting.starts_at
        assert event.decoded("DTEND") == meeting.ends_at
        assert event.decoded("DTSTART").tzinfo is not None
        assert event["DTSTAMP"] is not None
        assert int(event["SEQUENCE"]) == 1
        assert str(event["STATUS"]) == "CONFIRMED"


@pytest.mark.parametrize(
    ("place", "video_link", "expected"),
    [
        ("Stadshuset, rum 3", None, "Stadshuset, rum 3"),
        (None, "https://video.example.se/m", "https://video.example.se/m"),
    ],
)
def test_location_is_the_place_or_the_video_link(app, demo, place, video_link, expected):
    with app.test_request_context():
        meeting_id = _make_meeting(
            demo.group_id, _in_days(5), time(9), time(10), place=place, video_link=video_link
        )
        event = _events(ics.calendar_bytes([db.session.get(Meeting, meeting_id)], "x"))
    assert str(event[f"meeting-{meeting_id}@po-meetings"]["LOCATION"]) == expected


def test_the_file_holds_no_agenda_text(app, demo):
    with app.test_request_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        text = _unfolded(ics.calendar_bytes([meeting], "Mellanå"))
        agenda = [i.title for i in meeting.items] + [i.description for i in meeting.items if i.description]
        assert "Samverkan kring utskrivning från slutenvården" in agenda  # the confidential item
        assert [a for a in agenda if a in text] == []
        assert "bemanning" not in text and "öppettider" not in text


@pytest.mark.parametrize(
    ("day", "expected_start", "expected_end"),
    [
        # The Saturday before the October change is still summer time (UTC+2)…
        (date(2025, 10, 25), "20251025T110000Z", "20251025T130000Z"),
        # …and on the Sunday of the change 13:00 is winter time (UTC+1).
        (date(2025, 10, 26), "20251026T120000Z", "20251026T140000Z"),
        # The Saturday before the March change is winter time…
        (date(2026, 3, 28), "20260328T120000Z", "20260328T140000Z"),
        # …and on the Sunday of the change 13:00 is summer time.
        (date(2026, 3, 29), "20260329T110000Z", "20260329T130000Z"),
    ],
)
def test_times_are_right_across_daylight_saving_changes(app, demo, day, expected_start, expected_end):
    with app.test_request_context():
        meeting_id = _make_meeting(demo.group_id, day, time(13, 0), time(15, 0))
        text = _unfolded(ics.calendar_bytes([db.session.get(Meeting, meeting_id)], "x"))
    assert f"DTSTART:{expected_start}\r\n" in text
    assert f"DTEND:{expected_end}\r\n" in text
    assert "TZID" not in text  # UTC times: nothing for a client to misread


def test_a_meeting_over_the_night_of_the_change_keeps_its_real_length(app, demo):
    """01:00–04:00 on the October Sunday is four real hours (02:00–03:00 happens twice)."""
    with app.test_request_context():
        meeting_id = _make_meeting(demo.group_id, date(2025, 10, 26), time(1, 0), time(4, 0))
        event = _events(ics.calendar_bytes([db.session.get(Meeting, meeting_id)], "x"))[
            f"meeting-{meeting_id}@po-meetings"
        ]
    assert event.decoded("DTSTART") == datetime(2025, 10, 25, 23, 0, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=4)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (MeetingStatus.DRAFT, "TENTATIVE"),
        (MeetingStatus.CALLED, "CONFIRMED"),
        (MeetingStatus.IN_PROGRESS, "CONFIRMED"),
        (MeetingStatus.CLOSED, "CONFIRMED"),
        (MeetingStatus.APPROVED, "CONFIRMED"),
        (MeetingStatus.CANCELLED, "CANCELLED"),
    ],
)
def test_event_status_follows_the_meeting(app, demo, status, expected):
    with app.test_request_context():
        meeting_id = _make_meeting(demo.group_id, _in_days(10), time(9), time(11), status=status)
        event = _events(ics.calendar_bytes([db.session.get(Meeting, meeting_id)], "x"))
    assert str(event[f"meeting-{meeting_id}@po-meetings"]["STATUS"]) == expected


def test_sequence_goes_up_with_every_new_kallelse_and_the_uid_stays(app, demo):
    uid = f"meeting-{demo.meeting_id}@po-meetings"
    with app.test_request_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        first = _events(ics.calendar_bytes([meeting], "x"))[uid]
        meetings.unpublish_agenda(meeting)
        meetings.publish_agenda(meeting, notify=False)
        db.session.commit()
        second = _events(ics.calendar_bytes([meeting], "x"))[uid]
        meetings.cancel_meeting(meeting, "Ordföranden är sjuk.")
        db.session.commit()
        third = _events(ics.calendar_bytes([meeting], "x"))[uid]
    assert [int(e["SEQUENCE"]) for e in (first, second, third)] == [1, 2, 3]
    assert str(third["STATUS"]) == "CANCELLED"


def test_several_meetings_give_several_events(app, demo):
    with app.test_request_context():
        rows = db.session.scalars(select(Meeting).where(Meeting.group_id == demo.group_id)).all()
        events = _events(ics.calendar_bytes(rows, "x"))
    assert set(events) == {f"meeting-{m.id}@po-meetings" for m in rows}
    assert len(rows) == 9  # the demo's six and the yearly report's three spring meetings last year


def test_a_meetings_ics_file_over_http(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.data)
    assert list(events) == [f"meeting-{demo.meeting_id}@po-meetings"]
    assert "Samverkan kring utskrivning" not in _unfolded(response.data)  # a confidential item


def test_another_groups_meeting_ics_is_404(client, auth, demo):
    auth.login_as(permissions.OTHER_GROUP)
    assert client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}.ics").status_code == 404
    # under the caller's own group the other group's meeting id is not found either
    assert client.get(f"/groups/{demo.other_group_id}/meetings/{demo.meeting_id}.ics").status_code == 404


def test_a_draft_meetings_ics_is_only_for_those_who_lead(app, client, auth, demo):
    with app.app_context():
        draft = _make_meeting(demo.group_id, _in_days(30), time(9), time(11), status=MeetingStatus.DRAFT)
    url = f"/groups/{demo.group_id}/meetings/{draft}.ics"
    auth.login_as(permissions.MEMBER)
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login_as(permissions.CHAIR)
    response = client.get(url)
    assert str(_events(response.data)[f"meeting-{draft}@po-meetings"]["STATUS"]) == "TENTATIVE"


# -- the token, without HTTP -----------------------------------------------------------------


def test_only_the_hash_of_the_token_is_stored(app_ctx, demo):
    user = db.session.get(User, demo.users["vice@demo.se"])
    token = calendar_services.create_token(user)
    db.session.commit()
    assert len(token) >= 40
    assert user.calendar_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in user.calendar_token_hash
    assert calendar_services.user_for_token(token) is user
    assert calendar_services.user_for_token(token[:-1]) is None
    assert calendar_services.user_for_token("") is None
    assert calendar_services.user_for_token("x" * 10_000) is None


def test_a_new_token_replaces_the_old(app_ctx, demo):
    user = db.session.get(User, demo.users["vice@demo.se"])
    old = calendar_services.create_token(user)
    new = calendar_services.create_token(user)
    assert old != new
    assert calendar_services.user_for_token(old) is None
    assert calendar_services.user_for_token(new) is user
    assert calendar_services.revoke_token(user) is True
    assert calendar_services.user_for_token(new) is None
    assert calendar_services.revoke_token(user) is False


def test_feed_meetings_follow_the_users_groups_and_roles(app_ctx, demo):
    mellana, norrsjo = demo.group_id, demo.other_group_id
    mellana_draft = _make_meeting(mellana, _in_days(30), time(9), time(11), status=MeetingStatus.DRAFT)
    norrsjo_called = _make_meeting(norrsjo, _in_days(30), time(9), time(11))
    norrsjo_draft = _make_meeting(norrsjo, _in_days(31), time(9), time(11), status=MeetingStatus.DRAFT)
    cancelled = _make_meeting(mellana, _in_days(40), time(9), time(11), status=MeetingStatus.CANCELLED)
    too_old = _make_meeting(mellana, _in_days(-370), time(9), time(11), status=MeetingStatus.CLOSED)
    within_a_year = _make_meeting(mellana, _in_days(-300), time(9), time(11), status=MeetingStatus.CLOSED)

    def ids(email):
        return {m.id for m in calendar_services.feed_meetings(db.session.get(User, demo.users[email]))}

    mellana_shown = _demo_in_feed(demo) | {cancelled, within_a_year}
    # vice chair in Mellanå (sees its drafts), ordinary member in Norrsjö (does not see its drafts)
    assert ids("vice@demo.se") == mellana_shown | {mellana_draft, norrsjo_called}
    assert ids("ledamot@demo.se") == mellana_shown
    assert ids("ombud@demo.se") == mellana_shown
    assert ids("ordforande.norrsjo@demo.se") == {norrsjo_called, norrsjo_draft}
    assert ids("admin@demo.se") == set()
    assert too_old not in ids("ordforande@demo.se")


def test_an_ended_membership_leaves_the_feed(app_ctx, demo):
    from po_meetings.groups.services import end_member

    user = db.session.get(User, demo.users["ledamot@demo.se"])
    assert calendar_services.feed_meetings(user)
    end_member(db.session.get(Membership, demo.membership("ledamot@demo.se")))
    db.session.commit()
    assert calendar_services.feed_meetings(user) == []


# -- the account page and the feed over HTTP ----------------------------------------------------


def _create_link(client) -> str:
    """Create a calendar link on the account page; return the token shown there."""
    response = client.post("/account/calendar")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account")
    page = client.get("/account")
    match = FEED_URL.search(page.text)
    assert match, "the new feed URL is not shown"
    return match.group(1)


def _hash_of(app, email: str) -> str | None:
    with app.app_context():
        return db.session.scalar(select(User.calendar_token_hash).where(User.email == email))


def test_account_page_offers_a_calendar_link(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    page = client.get("/account")
    assert page.status_code == 200
    assert "Kalender" in page.text
    assert "Du har ingen kalenderlänk." in page.text
    assert 'action="/account/calendar"' in page.text
    assert FEED_URL.search(page.text) is None


def test_creating_a_link_shows_it_once_and_stores_only_its_hash(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post("/account/calendar")
    assert response.status_code == 303
    page = client.get("/account")
    assert "Din kalenderlänk är skapad." in page.text
    assert "Prenumerera på kalender via URL" in page.text
    assert "Outlook" in page.text and "Google Kalender" in page.text
    token = FEED_URL.search(page.text).group(1)
    assert f"webcal://localhost/calendar/{token}.ics" in page.text
    assert _hash_of(app, "ordforande@demo.se") == hashlib.sha256(token.encode()).hexdigest()

    again = client.get("/account")
    assert token not in again.text
    assert "Du har en kalenderlänk" in again.text
    assert "Skapa ny länk" in again.text and "Återkalla" in again.text

    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed.headers["Cache-Control"] == "no-store"
    assert "X-PUBLISHED-TTL:PT1H\r\n" in feed.text  # clients poll hourly, not daily
    events = _events(feed.data)
    assert f"meeting-{demo.meeting_id}@po-meetings" in events


def test_a_new_link_replaces_the_old_one(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    old = _create_link(client)
    new = _create_link(client)
    assert old != new
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_replacing_says_the_old_link_stops_working(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    _create_link(client)
    client.post("/account/calendar")
    assert "Den gamla länken fungerar inte längre" in client.get("/account").text


def test_revoking_the_link(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    token = _create_link(client)
    response = client.post("/account/calendar/revoke")
    assert response.status_code == 303
    page = client.get("/account")
    assert "Kalenderlänken är återkallad" in page.text
    assert "Du har ingen kalenderlänk." in page.text
    assert _hash_of(app, "ombud@demo.se") is None
    assert client.get(f"/calendar/{token}.ics").status_code == 404

    client.post("/account/calendar/revoke")
    assert "Du har ingen kalenderlänk att återkalla." in client.get("/account").text


def test_revoking_right_after_creating_hides_the_link(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    client.post("/account/calendar")
    client.post("/account/calendar/revoke")
    assert FEED_URL.search(client.get("/account").text) is None


def test_the_link_forms_need_csrf_and_post(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    assert client.post("/account/calendar", csrf=False).status_code == 400
    assert _hash_of(app, "ledamot@demo.se") is None
    assert client.get("/account/calendar").status_code == 405
    assert client.get("/account/calendar/revoke").status_code == 405


def test_revoke_needs_csrf(app, client, auth, demo):
    auth.login_as(permissions.VICE_CHAIR)
    _create_link(client)
    before = _hash_of(app, "vice@demo.se")
    assert client.post("/account/calendar/revoke", csrf=False).status_code == 400
    assert _hash_of(app, "vice@demo.se") == before is not None


def test_anonymous_cannot_create_a_link(client, demo):
    response = client.post("/account/calendar")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_feed_needs_no_session(client, auth, demo):
    auth.login_as(permissions.VICE_CHAIR)
    token = _create_link(client)
    auth.logout()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert _parse(response.data)["X-WR-CALNAME"]


@pytest.mark.parametrize("role", [permissions.ANONYMOUS, *ROLE_LOGINS])
def test_an_unknown_token_is_404_for_everyone(client, auth, demo, role):
    auth.login_as(role)
    for token in ("not-a-valid-token", "x" * 43, "x" * 500):
        response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 404
        assert "BEGIN:VCALENDAR" not in response.text


def test_a_disabled_users_feed_is_404_like_an_unknown_token(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    token = _create_link(client)
    calendar_client = app.test_client()  # a calendar program: no session
    assert calendar_client.get(f"/calendar/{token}.ics").status_code == 200
    with app.app_context():
        user = db.session.get(User, demo.users["ledamot@demo.se"])
        user.is_disabled = True
        db.session.commit()
    disabled = calendar_client.get(f"/calendar/{token}.ics")
    unknown = calendar_client.get("/calendar/not-a-valid-token.ics")
    assert disabled.status_code == unknown.status_code == 404
    # The same page; only the CSRF token, signed with the second it was made in, may differ.
    assert _without_csrf_tokens(disabled.text) == _without_csrf_tokens(unknown.text)


def _without_csrf_tokens(page: str) -> str:
    return re.sub(r'(name="csrf[-_]token" (?:content|value)=")[^"]*"', r'\1"', page)


def test_the_feed_shows_only_the_users_groups(app, client, auth, demo):
    with app.app_context():
        foreign = _make_meeting(demo.other_group_id, _in_days(30), time(9), time(11), title="Norrsjömöte")
        in_feed = _demo_in_feed(demo)
    auth.login_as(permissions.MEMBER)
    token = _create_link(client)
    text = client.get(f"/calendar/{token}.ics").text
    assert f"meeting-{foreign}@po-meetings" not in text
    assert "Norrsjö" not in text
    events = _events(client.get(f"/calendar/{token}.ics").data)
    assert set(events) == {f"meeting-{i}@po-meetings" for i in in_feed}


def test_drafts_are_only_in_the_feeds_of_those_who_lead_the_group(app, client, auth, demo):
    with app.app_context():
        draft = _make_meeting(demo.group_id, _in_days(30), time(9), time(11), status=MeetingStatus.DRAFT)
        cancelled = _make_meeting(
            demo.group_id, _in_days(35), time(9), time(11), status=MeetingStatus.CANCELLED
        )
    uid, cancelled_uid = f"meeting-{draft}@po-meetings", f"meeting-{cancelled}@po-meetings"

    auth.login_as(permissions.MEMBER)
    member_events = _events(client.get(f"/calendar/{_create_link(client)}.ics").data)
    auth.logout()
    auth.login_as(permissions.CHAIR)
    chair_events = _events(client.get(f"/calendar/{_create_link(client)}.ics").data)

    assert uid not in member_events
    assert str(chair_events[uid]["STATUS"]) == "TENTATIVE"
    assert str(member_events[cancelled_uid]["STATUS"]) == "CANCELLED"
    assert str(chair_events[cancelled_uid]["STATUS"]) == "CANCELLED"


def test_the_feed_never_holds_agenda_text(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    text = _unfolded(client.get(f"/calendar/{_create_link(client)}.ics").data)
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        agenda = [i.title for i in meeting.items] + [i.description for i in meeting.items if i.description]
    assert [a for a in agenda if a in text] == []


# -- in a browser ------------------------------------------------------------------------------


@pytest.mark.browser
def test_creating_a_calendar_link_in_the_browser(demo, visitor):  # noqa: F811
    """A member creates the link by keyboard, sees it once, and a calendar program can fetch it."""
    v = visitor()
    v.login(ROLE_LOGINS[permissions.MEMBER])
    page = v.page
    page.goto("/account")
    problems = v.axe_problems("member-account-calendar-none")
    button = page.get_by_role("button", name="Skapa kalenderlänk")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    url = page.get_by_label("Din kalenderlänk").input_value()
    assert FEED_URL.fullmatch(url), url
    assert page.get_by_role("heading", name="Prenumerera på kalender via URL").is_visible()
    problems += v.axe_problems("member-account-calendar-new")
    v.screenshot("member-auth.account-calendar-new")
    feed = page.request.get(url)
    assert feed.status == 200 and feed.headers["content-type"] == "text/calendar; charset=utf-8"

    page.goto("/account")  # shown once: gone on the next visit
    assert page.get_by_label("Din kalenderlänk").count() == 0
    assert page.get_by_role("button", name="Återkalla").is_visible()
    problems += v.axe_problems("member-account-calendar-exists")
    v.screenshot("member-auth.account-calendar-exists")
    problems += v.console_problems("member-account-calendar")
    assert not problems, "\n".join(problems)


def test_the_feed_works_even_when_the_browser_session_has_gone_idle(app, client, auth, demo, monkeypatch):
    """A calendar URL opened in a browser whose session is idle still gives the calendar."""
    auth.login_as(permissions.MEMBER)
    later = utcnow() + timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 1)
    monkeypatch.setattr(auth_clock, "now", lambda: later)
    assert client.get("/account").status_code == 302  # the session has indeed gone idle
    response = client.get(f"/calendar/{demo.calendar_token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
