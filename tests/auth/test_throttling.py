"""Login throttling that cannot be turned against users: pairs, an address cap, device cookies,
and a check and count that hold under a burst of simultaneous attempts (a real threaded server)."""

from __future__ import annotations

import http.client
import re
import threading
from contextlib import contextmanager
from urllib.parse import urlencode

from sqlalchemy import func, select
from werkzeug.serving import make_server

from po_meetings import create_app
from po_meetings.extensions import db
from po_meetings.models import LoginFailure

from ..conftest import DEMO_PASSWORD, _test_config

MEMBER = "ledamot@demo.se"
WRONG = "Fel e-postadress eller lösenord."


def _login(app, email, password=DEMO_PASSWORD, addr="10.0.0.1", client=None):
    """Post the login form from a client address (a new browser unless one is given)."""
    client = client or app.test_client()
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": addr}
    )


def _known_device(app, email=MEMBER, addr="10.0.0.1"):
    """Return a browser in which the user has logged in (and out): it holds their device cookie."""
    browser = app.test_client()
    assert _login(app, email, addr=addr, client=browser).status_code == 303
    assert browser.get_cookie("po_device") is not None
    browser.post("/logout")
    return browser


def _failures(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(LoginFailure.id)))


def test_failures_count_per_address_and_email_pair(app, demo):
    app.config["LOGIN_MAX_FAILURES_PER_EMAIL"] = 20
    app.config["LOGIN_MAX_FAILURES_PER_PAIR"] = 3
    for _ in range(3):
        assert _login(app, MEMBER, "fel", addr="10.0.0.1").status_code == 422
    refused = _login(app, MEMBER, addr="10.0.0.1")  # even the right password waits
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert _login(app, MEMBER, addr="10.0.0.2").status_code == 303  # another address is not the pair
    assert _login(app, "vice@demo.se", addr="10.0.0.1").status_code == 303  # nor another account


def test_thirty_failures_with_random_emails_lock_nobody_out_behind_the_same_address(app, demo):
    for n in range(30):
        assert _login(app, f"gissning{n}@example.se", "fel", addr="10.0.0.1").status_code == 422
    assert _login(app, MEMBER, addr="10.0.0.1").status_code == 303


def test_an_address_has_a_higher_cap_across_accounts(app, demo):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 10
    for n in range(10):
        _login(app, f"gissning{n}@example.se", "fel", addr="10.0.0.1")
    assert _login(app, MEMBER, addr="10.0.0.1").status_code == 429
    assert _login(app, MEMBER, addr="10.0.0.2").status_code == 303


def test_an_email_guessed_from_many_addresses_is_throttled(app, demo):
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]):
        assert _login(app, MEMBER, "fel", addr=f"10.0.1.{n}").status_code == 422
    assert _login(app, MEMBER, addr="10.0.2.1").status_code == 429


def test_a_known_device_is_not_locked_out_by_other_peoples_failures(app, demo):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 10
    browser = _known_device(app, addr="10.0.0.1")
    for n in range(10):  # someone behind the same NAT guesses at many accounts
        _login(app, f"gissning{n}@example.se", "fel", addr="10.0.0.1")
    for n in range(5):  # and others guess at this account from elsewhere
        _login(app, MEMBER, "fel", addr=f"10.0.1.{n}")
    assert _login(app, MEMBER, addr="10.0.0.1").status_code == 429  # a new browser must wait
    assert _login(app, MEMBER, addr="10.0.0.1", client=browser).status_code == 303  # the owner's need not
    assert browser.get("/account").status_code == 200


def test_a_known_devices_own_failures_still_count(app, demo):
    browser = _known_device(app)
    for _ in range(app.config.get("LOGIN_MAX_FAILURES_PER_PAIR", 5)):
        assert _login(app, MEMBER, "fel", client=browser).status_code == 422
    assert _login(app, MEMBER, client=browser).status_code == 429


def test_a_device_cookie_helps_only_the_account_it_was_given_for(app, demo):
    vice_browser = _known_device(app, "vice@demo.se")
    for n in range(5):
        _login(app, MEMBER, "fel", addr=f"10.0.1.{n}")
    assert _login(app, MEMBER, client=vice_browser).status_code == 429

    forged = app.test_client()
    cookie = _known_device(app, "vice@demo.se").get_cookie("po_device").value
    forged.set_cookie("po_device", cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
    assert _login(app, MEMBER, client=forged).status_code == 429


def test_the_device_cookie_is_long_lived_httponly_and_lax(app, demo):
    response = _login(app, MEMBER)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("po_device="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))
    assert max_age >= 30 * 24 * 3600
    assert "Secure" not in cookie  # the tests run on plain http
    assert MEMBER not in cookie


def test_the_device_cookie_is_secure_in_production(app, database_url, demo):
    production = create_app(
        _test_config(
            database_url, TESTING=False, PRODUCTION=True, SECRET_KEY="x" * 40, WTF_CSRF_ENABLED=False
        )
    )
    try:
        response = production.test_client().post(
            "/login", data={"email": MEMBER, "password": DEMO_PASSWORD}, base_url="https://localhost"
        )
        assert response.status_code == 303
        cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("po_device="))
        assert "Secure" in cookie and "HttpOnly" in cookie
    finally:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_refused_attempt_checks_nothing_and_leaves_no_row(app, demo):
    limit = app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]
    assert _login(app, "", "").status_code == 422  # an incomplete form is not an attempt
    assert _failures(app) == 0
    for _ in range(limit):
        _login(app, MEMBER, "fel")
    for _ in range(3):
        assert _login(app, MEMBER).status_code == 429
    assert _failures(app) == limit  # refusals are not counted on top: the window ages out


def test_a_successful_login_clears_its_pairs_failures_only(app, demo):
    app.config["LOGIN_MAX_FAILURES_PER_EMAIL"] = 10
    for _ in range(3):
        _login(app, MEMBER, "fel", addr="10.0.0.1")
    _login(app, MEMBER, "fel", addr="10.0.0.2")
    assert _failures(app) == 4
    assert _login(app, MEMBER, addr="10.0.0.1").status_code == 303
    assert _failures(app) == 1  # the other address's failure stays


# -- a burst of simultaneous attempts against a real threaded server -----------------------------


@contextmanager
def _live_server(database_url):
    """Serve a new app on the test database with werkzeug's threaded server; yield its port."""
    live = create_app(_test_config(database_url))
    server = make_server("127.0.0.1", 0, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with live.app_context():
            db.engine.dispose()


def _request(port, method, path, body=None, headers=None):
    """Make one HTTP request; return status, headers and text."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def test_a_burst_of_wrong_passwords_gets_no_more_checks_than_the_limit(app, database_url, make_user):
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]
    with _live_server(database_url) as port:
        status, headers, page = _request(port, "GET", "/login")
        assert status == 200
        cookie = headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

        def attempt(password):
            body = urlencode({"csrf_token": token, "email": user.email, "password": password})
            headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
            return _request(port, "POST", "/login", body, headers)

        start = threading.Barrier(40)
        answers = []

        def guess():
            start.wait()
            answers.append(attempt("fel-losenord"))

        threads = [threading.Thread(target=guess) for _ in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        statuses = sorted(status for status, _, _ in answers)
        checked = [text for status, _, text in answers if status == 422]
        assert len(answers) == 40
        assert set(statuses) <= {422, 429}, statuses
        # Attempts that overlap may refuse each other (each counts every attempt it sees), so
        # fewer than the limit may be checked, never more.
        assert len(checked) <= limit, statuses
        assert all(WRONG in text for text in checked)
        assert all(int(headers["Retry-After"]) > 0 for status, headers, _ in answers if status == 429)
        assert _failures(app) == len(checked)  # each check left its failure, no refusal a row

        # After the burst the count is exact again: locked once the limit's failures are in.
        for _ in range(limit - len(checked)):
            assert attempt("fel-losenord")[0] == 422
        assert attempt(user.password)[0] == 429
