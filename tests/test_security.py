"""Headers, cookies, CSRF, read-only GETs and the vendored htmx."""

import re
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import func, select

from po_meetings import create_app, permissions
from po_meetings.extensions import db
from po_meetings.models import AuditEvent
from po_meetings.permissions import PERMISSIONS

from .conftest import DEMO_PASSWORD, ROLE_LOGINS, _test_config
from .support.endpoints import url_args

ROOT = Path(__file__).resolve().parent.parent


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("path", ["/login", "/", "/static/app.css", "/finns-inte"])
def test_security_headers_are_on_every_response(client, path):
    response = client.get(path)
    response.close()
    csp = _csp(response)
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["script-src"] == "script-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert "'unsafe-inline'" not in csp.get("style-src", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_are_not_cached(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    assert client.get(f"/groups/{demo.group_id}").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, demo):
    response = auth.login_as(permissions.MEMBER)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("po_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run on plain http


def test_production_cookies_are_secure(database_url):
    app = create_app(_test_config(database_url, TESTING=False, PRODUCTION=True, SECRET_KEY="x" * 40))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_a_post_without_csrf_token_is_refused_in_swedish(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"/groups/{demo.group_id}/settings",
        data={"default_meeting_minutes": "90", "mandate": "x"},
        csrf=False,
    )
    assert response.status_code == 400
    assert "säkerhetstoken" in response.text
    assert "90 minuter" not in client.get(f"/groups/{demo.group_id}").text


def test_login_itself_needs_a_csrf_token(client, demo):
    response = client.post("/login", data={"email": "ledamot@demo.se", "password": DEMO_PASSWORD}, csrf=False)
    assert response.status_code == 400


def test_htmx_sends_the_token_in_a_header(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    token = client.csrf_token()
    membership = demo.membership("ledamot.rsmh@demo.se")
    response = client.post(
        f"/groups/{demo.group_id}/members/{membership}",
        data={
            "role": "member",
            "organisation_id": "",
            "substitute_for_id": "",
            "substitute_for_organisation_id": "",
        },
        headers={"HX-Request": "true", "X-CSRFToken": token},
        csrf=False,
    )
    assert response.status_code == 200
    assert f'id="member-{membership}"' in response.text


def test_every_page_carries_the_csrf_token_for_htmx(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', client.get("/").text)
    js = (ROOT / "static" / "app.js").read_text()
    assert "X-CSRFToken" in js and "htmx:configRequest" in js


@pytest.mark.parametrize("role", [permissions.ADMIN, permissions.CHAIR, permissions.OMBUD])
def test_no_get_request_changes_anything(app, client, auth, demo, role):
    auth.login_as(role)
    with app.app_context():
        before = db.session.scalar(select(func.count(AuditEvent.id)))
    with app.test_request_context():
        urls = [
            url_for(rule.endpoint, **url_args(rule.endpoint, demo))
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and role in PERMISSIONS[rule.endpoint]
        ]
    assert len(urls) > 3
    for url in urls:
        client.get(url).close()
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_htmx_is_vendored_pinned_and_configured_safely(client, auth, demo):
    vendored = list((ROOT / "static" / "vendor").glob("htmx-2.*.min.js"))
    assert len(vendored) == 1
    auth.login_as(permissions.MEMBER)
    page = client.get("/").text
    assert f'src="/static/vendor/{vendored[0].name}"' in page
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page).group(1)
    assert '"allowEval": false' in config
    assert '"historyCacheSize": 0' in config


def test_no_template_loads_anything_from_another_site():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r'(src|href)="(https?:)?//', text), path
        assert "<script>" not in text and " style=" not in text and "<style" not in text, path


def test_markdown_in_group_content_is_sanitised(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    client.post(
        f"/groups/{demo.group_id}/settings",
        data={
            "default_meeting_minutes": "120",
            "is_confidential_by_default": "y",
            "mandate": '<script>alert(1)</script> [klick](javascript:alert(1)) <div hx-get="/x">',
        },
    )
    page = client.get(f"/groups/{demo.group_id}").text
    assert "<script>alert" not in page
    assert "javascript:alert" not in page
    assert "<div hx-get" not in page  # the attribute survives only as escaped text
    assert "&lt;script&gt;" in page  # shown as text, not run


def test_every_login_in_the_table_can_sign_in(client, auth, demo):
    for role, email in ROLE_LOGINS.items():
        assert auth.login(email).status_code == 303, role
        auth.logout()


def test_text_that_slips_past_a_form_is_refused_at_the_database_not_with_a_500(app, database_url, demo):
    from po_meetings.models import Group

    from .conftest import AuthActions, CSRFClient

    app = create_app(_test_config(database_url))  # a fresh app: routes can only be added before requests
    app.test_client_class = CSRFClient
    client = app.test_client()
    auth = AuthActions(client)

    @app.post("/_unguarded/<int:group_id>")
    def _unguarded(group_id):
        db.session.get(Group, group_id).mandate = "Klient 121212-1212"
        db.session.commit()
        return "stored"

    PERMISSIONS["_unguarded"] = PERMISSIONS["groups.update_settings"]
    try:
        auth.login_as(permissions.CHAIR)
        response = client.post(f"/_unguarded/{demo.group_id}")
    finally:
        del PERMISSIONS["_unguarded"]
    assert response.status_code == 400
    assert "personnummer" in response.text
    assert "121212" not in response.text
    with app.app_context():
        assert db.session.get(Group, demo.group_id).mandate != "Klient 121212-1212"
        db.session.remove()
        db.engine.dispose()


def test_an_email_address_with_a_personnummer_is_refused_beside_the_field(client, auth, demo):
    auth.login_as(permissions.ADMIN)
    response = client.post(
        "/admin/users",
        data={"name": "Test", "email": "191212121212@example.se", "password": "ett-bra-losenord"},
    )
    assert response.status_code == 422
    assert "personnummer" in response.text
    assert "191212121212" not in response.text
