"""No free text in the server log: the app's error paths, with every logger at DEBUG.

Each test submits text that holds a sentinel, drives an error path (a refused form, a
personnummer refusal, a database error provoked on purpose, an unexpected error answered by
the 500 page with PROPAGATE_EXCEPTIONS off) and then searches every captured log record, its
arguments and its formatted traceback, for the sentinels.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from po_meetings import create_app, permissions
from po_meetings.config import engine_options
from po_meetings.errors import describe_error
from po_meetings.extensions import db
from po_meetings.models import Organisation

from .conftest import DEMO_PASSWORD, ROLE_LOGINS, CSRFClient, _test_config

TITLE = "Loggkontroll-rubrik-7f3a"
DESCRIPTION = "Loggkontroll-beskrivning-19be"
COMMENT = "Loggkontroll-kommentar-c4d2"
NAME = "Loggkontroll-namn-a81e"
SEARCH = "Loggkontroll-sok-5e07"
SENTINELS = (TITLE, DESCRIPTION, COMMENT, NAME, SEARCH)
PERSONNUMMER = "19121212-1212"


@pytest.fixture
def logs(caplog, monkeypatch):
    """Capture every record of every logger, SQLAlchemy's and the app's at DEBUG (enabled, as in
    production, whatever an earlier test's logging configuration did to them)."""
    caplog.set_level(logging.DEBUG)
    for name in (
        "sqlalchemy",
        "sqlalchemy.engine",
        "sqlalchemy.engine.Engine",
        "sqlalchemy.pool",
        "po_meetings",
        "werkzeug",
    ):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def logged_text(caplog) -> str:
    """Return everything the captured records would write: messages, arguments and tracebacks."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    parts = [handler.format(record) for record in caplog.records]
    parts += [repr(record.args) for record in caplog.records]
    return "\n".join(parts)


def assert_no_sentinel(caplog) -> None:
    text = logged_text(caplog)
    assert caplog.records, "nothing was captured: the loggers are not wired as the test expects"
    leaked = [s for s in SENTINELS if s in text]
    assert leaked == [], f"free text in the log: {leaked}"
    assert PERSONNUMMER not in text


@pytest.fixture
def production_app(database_url, app):
    """An app as production runs it: not TESTING, so the 500 handler answers and logs."""
    unexpected = create_app(_test_config(database_url, TESTING=False, PROPAGATE_EXCEPTIONS=False))
    unexpected.test_client_class = CSRFClient
    yield unexpected
    with unexpected.app_context():
        db.session.remove()
        db.engine.dispose()


def login(client, role: str) -> None:
    response = client.post("/login", data={"email": ROLE_LOGINS[role], "password": DEMO_PASSWORD})
    assert response.status_code == 303


def report(**overrides) -> dict:
    values = {
        "title": TITLE,
        "description": DESCRIPTION,
        "causes": DESCRIPTION,
        "consequences": DESCRIPTION,
        "fixer_organisation_id": "",
        "who_can_fix": "",
        "proposal": "",
        "system_view": DESCRIPTION,
        "level": "caseworker",
        "category": "treatment",
        "client_count": "",
        "action": "submit",
    }
    values.update(overrides)
    return values


# -- the engine -------------------------------------------------------------------------------


def test_the_engine_hides_statement_parameters_and_keeps_pre_ping(app):
    with app.app_context():
        assert db.engine.hide_parameters is True
        assert db.engine.pool._pre_ping is True


def test_configured_engine_options_keep_hidden_parameters():
    options = engine_options({"SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 300, "hide_parameters": False}})
    assert options == {"pool_pre_ping": True, "pool_recycle": 300, "hide_parameters": True}


def test_a_database_error_names_no_value_and_its_log_description_no_text(app_ctx, demo):
    """str() of a DB error holds no parameters; PostgreSQL's DETAIL still quotes the key, so the
    log description leaves every message out."""
    db.session.execute(insert(Organisation), [{"name": NAME, "kind": "other"}])
    with pytest.raises(IntegrityError) as caught:
        db.session.execute(insert(Organisation), [{"name": NAME, "kind": "other"}])
    db.session.rollback()
    error = caught.value
    assert "SQL parameters hidden" in str(error)
    assert "IntegrityError" in describe_error(error)
    assert NAME not in describe_error(error)
    if db.engine.dialect.name == "sqlite":
        assert NAME not in str(error)


# -- the error paths --------------------------------------------------------------------------


def test_refused_forms_log_no_text(client, auth, demo, logs):
    auth.login_as(permissions.OMBUD)
    base = f"/groups/{demo.group_id}/system-errors"
    assert client.post(f"{base}/new", data=report(title="")).status_code == 422  # a required field
    assert client.post(f"{base}/new", data=report(title=f"{TITLE} {PERSONNUMMER}")).status_code == 422
    assert client.post(f"{base}/new", data=report(title=f"{TITLE}\x00")).status_code == 422
    assert client.post(f"{base}/new", data=report(title=f"{TITLE}\u202e")).status_code == 422
    assert client.post(f"{base}/new", data=report(client_count=TITLE)).status_code == 422
    assert client.get(base, query_string={"q": SEARCH}).status_code == 200
    assert client.get(base, query_string={"q": f"{SEARCH}\x00"}).status_code == 200
    assert client.get(base, query_string={"q": f"{SEARCH} {PERSONNUMMER}"}).status_code == 200
    number = demo.report_number
    response = client.post(f"{base}/{number}/comments", data={"text": f"{COMMENT} {PERSONNUMMER}"})
    assert response.status_code == 422
    # Stored text read back: SQLAlchemy at DEBUG would log the rows.
    assert client.post(f"{base}/{number}/comments", data={"text": COMMENT}).status_code == 303
    assert COMMENT in client.get(f"{base}/{number}").text
    assert_no_sentinel(logs)


def test_the_flush_refusal_logs_no_text(client, auth, demo, logs, monkeypatch):
    from po_meetings.forms import SafeText

    monkeypatch.setattr(SafeText, "__call__", lambda self, form, field: None)  # as if a form forgot it
    auth.login_as(permissions.OMBUD)
    response = client.post(f"/groups/{demo.group_id}/system-errors/new", data=report(title=f"{TITLE}\x00"))
    assert response.status_code == 400
    assert_no_sentinel(logs)


def test_a_unique_violation_answers_500_and_logs_no_text(production_app, demo, logs, monkeypatch):
    """Two organisations of one name get past the service's check (as two requests at once would)."""
    from po_meetings.admin import services

    monkeypatch.setattr(services, "_check_organisation_name", lambda *args, **kwargs: None)
    client = production_app.test_client()
    login(client, permissions.ADMIN)
    first = client.post("/admin/organisations", data={"name": NAME, "kind": "other"})
    assert first.status_code == 303
    second = client.post("/admin/organisations", data={"name": NAME, "kind": "other"})
    assert second.status_code == 500
    assert "Något gick fel" in second.text
    text = logged_text(logs)
    assert "IntegrityError" in text  # the error is logged, by its kind and statement
    assert "INSERT INTO organisation" in text
    assert_no_sentinel(logs)


def test_nul_that_reaches_the_database_logs_no_text(production_app, demo, logs, monkeypatch):
    """Without the form and flush checks, PostgreSQL refuses NUL with a 500 (SQLite stores it)."""
    from po_meetings import audit
    from po_meetings.forms import SafeText

    monkeypatch.setattr(SafeText, "__call__", lambda self, form, field: None)
    monkeypatch.setattr(audit, "ensure_safe_text", lambda text: None)
    client = production_app.test_client()
    login(client, permissions.OMBUD)
    response = client.post(
        f"/groups/{demo.group_id}/system-errors/new",
        data=report(title=f"{TITLE}\x00", description=f"{DESCRIPTION}\x00"),
    )
    assert response.status_code in (303, 500)
    assert_no_sentinel(logs)


def test_an_unexpected_error_quoting_the_text_logs_no_text(production_app, demo, logs, monkeypatch):
    """An exception's message may quote what was typed (int() does): it is never logged."""
    from po_meetings.system_errors import services

    def broken(*args, **kwargs):
        raise ValueError(f"could not read {TITLE!r}")

    monkeypatch.setattr(services, "save_report", broken)
    client = production_app.test_client()
    login(client, permissions.OMBUD)
    response = client.post(f"/groups/{demo.group_id}/system-errors/new", data=report())
    assert response.status_code == 500
    text = logged_text(logs)
    assert "ValueError" in text
    assert "unhandled error on POST /groups/<int:group_id>/system-errors/new" in text
    assert_no_sentinel(logs)
