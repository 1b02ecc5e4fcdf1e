"""Login, throttling, sessions and the account page, over HTTP."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from po_meetings.auth import clock
from po_meetings.extensions import db
from po_meetings.models import AuditEvent, LoginFailure, User, utcnow

from ..conftest import DEMO_PASSWORD


def _session_cookie(client):
    cookie = client.get_cookie("po_session")
    return cookie.value if cookie else None


def test_login_redirects_to_the_start_page_with_the_groups(client, auth, demo):
    response = auth.login("ordforande@demo.se")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert "Ledningsgruppen för personligt ombud i Mellanå" in page.text
    assert f'href="/groups/{demo.group_id}"' in page.text


def test_login_form_uses_the_field_names_tools_rely_on(client):
    page = client.get("/login").text
    assert 'name="email"' in page and 'name="password"' in page


def test_login_accepts_the_email_in_any_case(client, auth, demo):
    assert auth.login("  OrdForande@Demo.se ").status_code == 303


def test_a_wrong_password_gives_one_swedish_message_for_both_cases(client, auth, demo):
    wrong_password = auth.login("ordforande@demo.se", "fel-losenord")
    no_account = auth.login("finns.inte@demo.se", "fel-losenord")
    for response in (wrong_password, no_account):
        assert response.status_code == 422
        assert "Fel e-postadress eller lösenord." in response.text
    assert 'value="finns.inte@demo.se"' in no_account.text  # what the user typed is kept
    assert client.get("/").status_code == 302


def test_empty_login_fields_get_messages_beside_them(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "Fyll i e-postadressen." in response.text
    assert "Fyll i lösenordet." in response.text
    assert 'aria-invalid="true"' in response.text


def test_the_session_is_replaced_at_login(client, auth, demo):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = _session_cookie(client)
    auth.login("ledamot@demo.se")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("sid")
    assert _session_cookie(client) != before


def test_login_goes_to_a_local_next_page_only(client, auth, demo):
    response = client.post(
        "/login", data={"email": "ledamot@demo.se", "password": DEMO_PASSWORD, "next": "/account"}
    )
    assert response.headers["Location"] == "/account"
    auth.logout()
    for evil in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(
            "/login", data={"email": "ledamot@demo.se", "password": DEMO_PASSWORD, "next": evil}
        )
        assert response.headers["Location"] == "/"
        auth.logout()


def test_a_protected_page_sends_anonymous_users_to_login_and_back(client, auth, demo):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account")


def test_repeated_failures_are_throttled_with_429_and_then_allowed_again(app, client, auth, demo):
    limit = app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]
    for _ in range(limit):
        assert auth.login("ledamot@demo.se", "fel-losenord").status_code == 422
    throttled = auth.login("ledamot@demo.se", DEMO_PASSWORD)  # even the right password waits
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert "För många" in throttled.text
    # Another account from another address is not affected.
    assert (
        client.post(
            "/login",
            data={"email": "vice@demo.se", "password": DEMO_PASSWORD},
            environ_base={"REMOTE_ADDR": "10.1.2.3"},
        ).status_code
        == 303
    )
    auth.logout()
    # No permanent lockout: once the failures are older than the window, login works.
    with app.app_context():
        window = timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"] + 1)
        db.session.execute(update(LoginFailure).values(occurred_at=utcnow() - window))
        db.session.commit()
    assert auth.login("ledamot@demo.se", DEMO_PASSWORD).status_code == 303


def test_failures_from_one_address_are_throttled_across_accounts(app, client, auth, demo):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for n in range(3):
        auth.login(f"gissning{n}@demo.se", "fel")
    assert auth.login("ordforande@demo.se", DEMO_PASSWORD).status_code == 429


def test_a_successful_login_clears_the_failures(app, client, auth, demo):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_EMAIL"] - 1):
        auth.login("ledamot@demo.se", "fel")
    assert auth.login("ledamot@demo.se").status_code == 303
    auth.logout()
    assert auth.login("ledamot@demo.se", "fel").status_code == 422  # counting starts again


def test_logout_needs_post_and_ends_the_session(client, auth, demo):
    auth.login("ledamot@demo.se")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200
    response = auth.logout()
    assert response.status_code == 303
    assert client.get("/").status_code == 302


def _move_clock(monkeypatch, **delta):
    """Make the sessions' and the throttling's clock run ahead of the real one."""
    monkeypatch.setattr(clock, "now", lambda: utcnow() + timedelta(**delta))


def test_an_idle_session_is_logged_out(app, client, auth, demo, monkeypatch):
    auth.login("ledamot@demo.se")
    _move_clock(monkeypatch, minutes=app.config["IDLE_TIMEOUT_MINUTES"], seconds=5)
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert "inaktiv" in client.get("/login").text
    assert client.get("/account").status_code == 302


def test_an_active_session_stays(app, client, auth, demo, monkeypatch):
    auth.login("ledamot@demo.se")
    _move_clock(monkeypatch, minutes=app.config["IDLE_TIMEOUT_MINUTES"] - 1)
    assert client.get("/account").status_code == 200


def test_a_disabled_user_is_logged_out_at_the_next_request(app, client, auth, demo):
    auth.login("ledamot@demo.se")
    with app.app_context():
        db.session.execute(update(User).where(User.email == "ledamot@demo.se").values(is_disabled=True))
        db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert "avstängt" in client.get("/login").text
    refused = auth.login("ledamot@demo.se")
    assert refused.status_code == 422
    assert "Kontot är avstängt" in refused.text


def test_the_account_page_shows_the_user_and_their_groups(client, auth, demo):
    auth.login("vice@demo.se")
    page = client.get("/account").text
    assert "Johan Berg" in page and "vice@demo.se" in page
    assert "Vice ordförande" in page and "Ledamot" in page  # two groups, two roles


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, client, auth, demo):
    other = app.test_client()
    other.post("/login", data={"email": "ledamot@demo.se", "password": DEMO_PASSWORD})
    assert other.get("/account").status_code == 200
    auth.login("ledamot@demo.se")
    response = client.post(
        "/account/password",
        data={
            "current_password": DEMO_PASSWORD,
            "new_password": "ett nytt långt lösenord",
            "confirm_password": "ett nytt långt lösenord",
        },
    )
    assert response.status_code == 303
    assert "Ditt lösenord är bytt" in client.get("/account").text
    assert other.get("/account").status_code == 302
    auth.logout()
    assert auth.login("ledamot@demo.se").status_code == 422
    assert auth.login("ledamot@demo.se", "ett nytt långt lösenord").status_code == 303


def test_password_change_errors_are_shown_in_swedish(client, auth, demo):
    auth.login("ledamot@demo.se")
    cases = [
        (
            {
                "current_password": "fel",
                "new_password": "ett nytt långt lösenord",
                "confirm_password": "ett nytt långt lösenord",
            },
            "Nuvarande lösenord stämmer inte.",
        ),
        (
            {"current_password": DEMO_PASSWORD, "new_password": "kort", "confirm_password": "kort"},
            "minst 10 tecken",
        ),
        (
            {
                "current_password": DEMO_PASSWORD,
                "new_password": "ett nytt långt lösenord",
                "confirm_password": "något annat",
            },
            "Lösenorden stämmer inte överens.",
        ),
    ]
    for data, message in cases:
        response = client.post("/account/password", data=data)
        assert response.status_code == 422
        assert message in response.text
    auth.logout()
    assert auth.login("ledamot@demo.se").status_code == 303  # the old password still works


def test_passwords_are_stored_as_argon2id_hashes(app, make_user):
    user = make_user(password="ett-bra-losenord")
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$")
    assert "ett-bra-losenord" not in stored


PERSONNUMMER = "121212-1212"


@pytest.mark.parametrize(
    "target",
    [
        f"/groups/1/system-errors?q={PERSONNUMMER}",
        "/groups/1/system-errors?q=19121212-1212",
        "/groups/1/system-errors?q=121212%2D1212",  # URL-encoded in the target itself
        "/groups/1/system-errors?q=1212121212",
    ],
)
def test_a_next_target_with_a_personnummer_is_not_echoed(client, auth, demo, target):
    page = client.get("/login", query_string={"next": target})
    assert page.status_code == 200
    assert "1212" not in page.text
    assert 'name="next" value=""' in page.text
    refused = client.post("/login", data={"email": "ledamot@demo.se", "password": "fel", "next": target})
    assert refused.status_code == 422
    assert "1212" not in refused.text
    response = client.post(
        "/login", data={"email": "ledamot@demo.se", "password": DEMO_PASSWORD, "next": target}
    )
    assert response.headers["Location"] == "/"  # dropped silently: the start page


def test_a_safe_next_target_is_kept_in_the_form(client, demo):
    page = client.get("/login?next=/groups/1/system-errors%3Fq%3Dtrasig%2Brullstol").text
    assert 'name="next" value="/groups/1/system-errors?q=trasig+rullstol"' in page


@pytest.mark.parametrize(
    "evil",
    [
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
    ],
)
def test_a_next_target_on_another_site_is_neither_echoed_nor_followed(client, auth, demo, evil):
    page = client.get("/login", query_string={"next": evil})
    assert "evil" not in page.text and "javascript" not in page.text
    response = client.post(
        "/login", data={"email": "ledamot@demo.se", "password": DEMO_PASSWORD, "next": evil}
    )
    assert response.headers["Location"] == "/"


def test_an_ended_session_sends_back_to_the_page_but_not_to_a_personnummer(
    app, client, auth, demo, monkeypatch
):
    auth.login("ledamot@demo.se")
    _move_clock(monkeypatch, minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 1)
    path = f"/groups/{demo.group_id}/system-errors"
    response = client.get(f"{path}?q={PERSONNUMMER}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


# -- the notification choice --------------------------------------------------------------------------


def _checked(page: str) -> str:
    """Return the notification choice the page shows as chosen."""
    return re.search(r'<input checked id="frequency-\d" name="frequency"[^>]* value="(\w+)"', page).group(1)


def _frequency(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.notify_frequency).where(User.email == email))


def test_the_account_page_offers_the_four_notification_choices(client, auth, demo):
    auth.login("ledamot@demo.se")
    page = client.get("/account").text
    assert "Aviseringar" in page
    for value in ("immediate", "daily", "weekly", "none"):
        assert f'value="{value}"' in page
    assert _checked(page) == "immediate"
    assert "En sammanfattning per vecka (måndag)" in page


def test_choosing_a_weekly_digest_is_saved_and_audited(app, client, auth, demo):
    auth.login("ledamot@demo.se")
    response = client.post("/account/notifications", data={"frequency": "weekly"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/account"
    page = client.get("/account").text
    assert "Dina val för aviseringar är sparade." in page
    assert _checked(page) == "weekly"
    assert _frequency(app, "ledamot@demo.se") == "weekly"
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "user_account").order_by(AuditEvent.id.desc())
        ).first()
        assert "notify_frequency" in str(entry.changes)


@pytest.mark.parametrize("bad", ["hourly", "", "IMMEDIATE", "weekly'; --"])
def test_a_digest_setting_that_does_not_exist_is_refused_beside_the_field(app, client, auth, demo, bad):
    auth.login("ledamot@demo.se")
    response = client.post("/account/notifications", data={"frequency": bad})
    assert response.status_code == 422
    assert 'class="field__error" id="frequency-error">Välj ett av alternativen.' in response.text
    assert _frequency(app, "ledamot@demo.se") == "immediate"


def test_the_notification_choice_needs_login_and_csrf(app, client, auth, demo):
    assert client.post("/account/notifications", data={"frequency": "none"}).status_code == 302
    auth.login("ledamot@demo.se")
    assert client.post("/account/notifications", data={"frequency": "none"}, csrf=False).status_code == 400
    assert _frequency(app, "ledamot@demo.se") == "immediate"
