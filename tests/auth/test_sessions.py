"""Sessions end on the server: logout, password change, disabling, idle timeout, absolute lifetime."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from po_meetings.auth import clock
from po_meetings.extensions import db
from po_meetings.models import User, UserSession, utcnow

from ..conftest import DEMO_PASSWORD, AuthActions

MEMBER = "ledamot@demo.se"
NEW_PASSWORD = "ett nytt långt lösenord"


class Clock:
    """The sessions' clock, moved by the test (the requests run in-process)."""

    def __init__(self, monkeypatch) -> None:
        self.start = utcnow()
        self.offset = timedelta()
        monkeypatch.setattr(clock, "now", lambda: self.start + self.offset)

    def advance(self, **delta) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def time_machine(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def _logged_in(app, email=MEMBER):
    """Return a new client logged in as a demo user, its account page visited (CSRF token made)."""
    browser = app.test_client()
    assert AuthActions(browser).login(email).status_code == 303
    assert browser.get("/account").status_code == 200
    return browser


def _cookie(client) -> str:
    return client.get_cookie("po_session").value


def _holding(app, cookie: str):
    """Return a new client that holds a copy of a session cookie."""
    thief = app.test_client()
    thief.set_cookie("po_session", cookie)
    return thief


def _calendar_token_hash(app, email=MEMBER):
    with app.app_context():
        return db.session.scalar(select(User.calendar_token_hash).where(User.email == email))


def _sessions_of(app, email=MEMBER) -> list[tuple]:
    """Return (ended_reason, is_ended) for each session row of a user, oldest first."""
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        rows = db.session.execute(
            select(UserSession.ended_reason, UserSession.ended_at.is_not(None))
            .where(UserSession.user_id == user_id)
            .order_by(UserSession.id)
        ).all()
        return [tuple(row) for row in rows]


def _assert_sent_to_login(response):
    assert response.status_code in (302, 303)
    assert response.headers["Location"].startswith("/login")


def _assert_refused_everywhere(app, cookie: str, email=MEMBER):
    """A copy of the cookie can neither read, nor write (plain or htmx)."""
    read = _holding(app, cookie).get("/account")
    _assert_sent_to_login(read)
    assert email not in read.text

    before = _calendar_token_hash(app, email)
    write = _holding(app, cookie).post("/account/calendar")
    _assert_sent_to_login(write)
    assert write.status_code == 303
    htmx_write = _holding(app, cookie).post("/account/calendar", headers={"HX-Request": "true"})
    assert htmx_write.status_code == 401
    assert htmx_write.headers["HX-Redirect"] == "/login"
    assert _calendar_token_hash(app, email) == before  # nothing was written


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, demo):
    browser = _logged_in(app)
    copied = _cookie(browser)
    assert _holding(app, copied).get("/account").status_code == 200  # the copy works while it lives

    assert browser.post("/logout").status_code == 303

    _assert_refused_everywhere(app, copied)
    thief = _holding(app, copied)
    thief.get("/account")
    assert "Din inloggning har avslutats" in thief.get("/login").text
    assert _sessions_of(app) == [("logout", True)]


def test_logging_out_ends_only_that_session(app, demo):
    laptop, phone = _logged_in(app), _logged_in(app)
    laptop.post("/logout")
    assert phone.get("/account").status_code == 200
    _assert_sent_to_login(laptop.get("/account"))


def test_changing_the_password_ends_the_other_sessions_and_this_one_goes_on(app, demo):
    other, browser = _logged_in(app), _logged_in(app)
    copied_other, copied_this = _cookie(other), _cookie(browser)

    response = browser.post(
        "/account/password",
        data={
            "current_password": DEMO_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    page = browser.get("/account")
    assert page.status_code == 200
    assert "Andra inloggningar med ditt konto har avslutats" in page.text

    _assert_sent_to_login(other.get("/account"))
    _assert_refused_everywhere(app, copied_other)
    # This session goes on under a new token: a copy of its cookie taken before ends too.
    _assert_refused_everywhere(app, copied_this)
    assert browser.get("/account").status_code == 200
    assert _sessions_of(app) == [("password", True), (None, False)]


def test_disabling_an_account_ends_all_its_sessions_at_once(app, client, auth, demo):
    laptop, phone = _logged_in(app), _logged_in(app)
    copied = _cookie(laptop)
    auth.login("admin@demo.se")
    response = client.post(f"/admin/users/{demo.users[MEMBER]}/disable")
    assert response.status_code == 303

    assert _sessions_of(app) == [("disabled", True), ("disabled", True)]
    _assert_refused_everywhere(app, copied)
    for browser in (laptop, phone):
        _assert_sent_to_login(browser.get("/"))
        assert "Ditt konto är avstängt" in browser.get("/login").text


def test_a_session_whose_server_side_row_is_gone_is_refused(app, demo):
    browser = _logged_in(app)
    with app.app_context():
        db.session.execute(UserSession.__table__.delete())
        db.session.commit()
    _assert_sent_to_login(browser.get("/account"))


def test_only_a_hash_of_the_session_token_is_stored(app, demo):
    browser = _logged_in(app)
    with browser.session_transaction() as session:
        token = session["sid"]
    with app.app_context():
        stored = db.session.scalars(select(UserSession.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored


def test_an_idle_session_ends_by_the_last_request_the_server_saw(app, demo, time_machine):
    idle = app.config["IDLE_TIMEOUT_MINUTES"]
    browser = _logged_in(app)
    for _ in range(4):  # active for longer than the idle timeout: still logged in
        time_machine.advance(minutes=idle - 2)
        assert browser.get("/account").status_code == 200
    copied = _cookie(browser)

    time_machine.advance(minutes=idle, seconds=30)
    response = browser.get("/account")
    _assert_sent_to_login(response)
    assert response.headers["Location"] == "/login?next=/account"
    assert "inaktiv" in browser.get("/login").text
    assert _sessions_of(app) == [("idle", True)]
    time_machine.advance(minutes=-idle)  # the row has ended: even a clock turned back does not revive it
    _assert_refused_everywhere(app, copied)


def test_the_last_request_is_written_at_most_once_a_minute(app, demo, time_machine):
    browser = _logged_in(app)

    def last_seen():
        with app.app_context():
            return db.session.scalar(select(UserSession.last_seen_at))

    at_login = last_seen()
    time_machine.advance(seconds=40)
    browser.get("/account")
    assert last_seen() == at_login  # reading pages does not write on every request
    time_machine.advance(seconds=40)
    browser.get("/account")
    assert last_seen() == at_login + timedelta(seconds=80)


def test_a_session_ends_after_its_absolute_lifetime_however_active(app, demo, time_machine):
    hours = app.config["SESSION_ABSOLUTE_LIFETIME_HOURS"]
    browser = _logged_in(app)
    copied = _cookie(browser)
    while time_machine.offset < timedelta(hours=hours) - timedelta(minutes=10):
        time_machine.advance(minutes=10)
        assert browser.get("/account").status_code == 200
    time_machine.advance(minutes=10)

    response = browser.get("/account")
    _assert_sent_to_login(response)
    assert f"en inloggning gäller högst {hours} timmar" in browser.get("/login").text
    _assert_refused_everywhere(app, copied)
    assert _sessions_of(app) == [("expired", True)]
    assert AuthActions(browser).login(MEMBER).status_code == 303  # a new login starts a new lifetime
    assert browser.get("/account").status_code == 200


def test_the_lifetime_is_a_setting(app, demo, time_machine):
    app.config["SESSION_ABSOLUTE_LIFETIME_HOURS"] = 1
    browser = _logged_in(app)
    time_machine.advance(minutes=25)
    assert browser.get("/account").status_code == 200
    time_machine.advance(minutes=25)
    assert browser.get("/account").status_code == 200
    time_machine.advance(minutes=11)
    _assert_sent_to_login(browser.get("/account"))
    assert "högst 1 timmar" in browser.get("/login").text


def test_logging_in_again_replaces_the_session_and_prunes_old_rows(app, demo, time_machine):
    browser = _logged_in(app)
    copied = _cookie(browser)
    with app.app_context():
        user_id = demo.users[MEMBER]
        long_ago = time_machine.start - timedelta(days=31)
        db.session.add(
            UserSession(token_hash="0" * 64, user_id=user_id, created_at=long_ago, last_seen_at=long_ago)
        )
        db.session.commit()

    assert AuthActions(browser).login(MEMBER).status_code == 303
    assert browser.get("/account").status_code == 200
    assert _sessions_of(app) == [("replaced", True), (None, False)]  # the 31-day-old row is gone
    _assert_refused_everywhere(app, copied)


def test_a_session_of_a_user_disabled_behind_the_apps_back_ends_too(app, demo):
    browser = _logged_in(app)
    with app.app_context():
        db.session.execute(update(User).where(User.email == MEMBER).values(is_disabled=True))
        db.session.commit()
    _assert_sent_to_login(browser.get("/account"))
    assert "avstängt" in browser.get("/login").text
    assert _sessions_of(app) == [("disabled", True)]
