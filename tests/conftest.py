"""Fixtures: the app on SQLite or PostgreSQL (``--db``), a client that sends CSRF tokens,
an ``auth`` helper that logs in as a role, and factories that return plain values."""

from __future__ import annotations

import copy
import hashlib
import os
import sqlite3
import tempfile
from datetime import date
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from po_meetings import create_app, permissions
from po_meetings.extensions import db

from .support import snapshot
from .support.pg_server import PostgresServer

DEMO_PASSWORD = "demo-losenord"

#: The demo login that plays each role of the permission table (group: the Mellanå demo group).
ROLE_LOGINS = {
    permissions.ADMIN: "admin@demo.se",
    permissions.CHAIR: "ordforande@demo.se",
    permissions.VICE_CHAIR: "vice@demo.se",
    permissions.MEMBER: "ledamot@demo.se",
    permissions.SUBSTITUTE: "ersattare@demo.se",
    permissions.CO_OPTED: "adjungerad@demo.se",
    permissions.OMBUD: "ombud@demo.se",
    permissions.OTHER_GROUP: "ordforande.norrsjo@demo.se",
}


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default=os.environ.get("PO_MEETINGS_TEST_DB", "sqlite"),
        help="database to run the suite on (make test runs both)",
    )


def pytest_report_header(config):
    return f"po_meetings database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def backend(request) -> str:
    """Return the database the suite runs on."""
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def postgres(backend):
    """Start a throwaway PostgreSQL server for the session (only on --db=postgresql)."""
    if backend != "postgresql":
        yield None
        return
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database_url(backend, postgres, tmp_path_factory) -> str:
    """Return the URL of the session's test database, with the schema created once."""
    if postgres is not None:
        url = postgres.create_database("po_test")
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
    app = create_app(_test_config(url))
    with app.app_context():
        db.create_all()
        if db.engine.dialect.name == "sqlite":
            _EMPTY_SQLITE[url] = _sqlite_copy()
        db.engine.dispose()
    return url


def _test_config(url: str, **overrides) -> dict:
    """Return the configuration the tests run with."""
    config = {
        "TESTING": True,
        "PRODUCTION": False,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
        "DATABASE_URL": url,
        # Cheap hashing keeps the suite fast; production uses the RFC 9106 profile.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


class CSRFClient(FlaskClient):
    """A test client whose POSTs carry a valid CSRF token unless ``csrf=False``."""

    def csrf_token(self) -> str:
        """Return a CSRF token valid for this client's session (as Flask-WTF makes them)."""
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                raw = hashlib.sha1(os.urandom(64)).hexdigest()
                session["csrf_token"] = raw
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            data = kwargs.setdefault("data", {})
            if isinstance(data, dict):
                data.setdefault("csrf_token", self.csrf_token())
        return super().post(*args, **kwargs)


#: SQLite: an in-memory copy of each session database as created, schema only (by URL).
_EMPTY_SQLITE: dict[str, sqlite3.Connection] = {}


def _sqlite_copy() -> sqlite3.Connection:
    """Return an in-memory copy of the app's SQLite database, made with SQLite's backup API."""
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.backup(copy)
    finally:
        raw.close()
    return copy


def _write_sqlite_copy(copy: sqlite3.Connection) -> None:
    """Make the app's SQLite database page for page the copy (its search index included).

    One backup replaces deleting every table's rows and inserting the demo's again: a few
    milliseconds instead of a hundred. The pooled connections read the new pages next time.
    """
    raw = db.engine.raw_connection()
    try:
        copy.backup(raw.driver_connection)
    finally:
        raw.close()


def _empty_tables() -> None:
    """Remove every row so the next test starts from an empty database."""
    if db.engine.dialect.name == "sqlite":
        db.session.commit()  # end the session's transaction: the copy is written over the whole file
        _write_sqlite_copy(_EMPTY_SQLITE[str(db.engine.url)])
        return
    # PostgreSQL: DELETE and putting the sequences back costs half of TRUNCATE ... RESTART
    # IDENTITY on tables this small; one round trip for all of it.
    deletes = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables))
    restart = "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"
    db.session.connection().exec_driver_sql(f"{deletes}; {restart}")
    db.session.commit()


@pytest.fixture(scope="session")
def _session_app(database_url):
    """Build the app once per session: its engine and compiled templates are reused."""
    app = create_app(_test_config(database_url))
    app.test_client_class = CSRFClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_session_app, monkeypatch):
    """Return the app on the test database; the database is emptied after the test.

    Change configuration with ``app.config[...] = ...``: it is restored after the test.
    """
    saved = dict(_session_app.config)
    yield _session_app
    _session_app.config.clear()
    _session_app.config.update(saved)
    with _session_app.app_context():
        db.session.rollback()
        _empty_tables()
        db.session.remove()


@pytest.fixture
def app_ctx(app):
    """Run the test inside an app context (for services tested without HTTP)."""
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app) -> CSRFClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log a test client in and out."""

    def __init__(self, client: CSRFClient) -> None:
        self.client = client

    def login(self, email: str, password: str = DEMO_PASSWORD):
        """Log in with an e-mail and password; return the response."""
        return self.client.post("/login", data={"email": email, "password": password})

    def login_as(self, role: str):
        """Log in as the demo person who plays a role of the permission table."""
        if role == permissions.ANONYMOUS:
            return None
        response = self.login(ROLE_LOGINS[role])
        assert response.status_code == 303, f"login as {role} failed"
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


def _demo_values() -> dict:
    """Seed the demo data into the empty database and return the ids the tests need."""
    from po_meetings import demo as demo_module
    from po_meetings.calendar import services as calendar_services
    from po_meetings.models import (
        AgendaTemplate,
        Group,
        Meeting,
        MeetingStatus,
        Membership,
        Organisation,
        Proposal,
        SystemErrorReport,
        User,
    )
    from po_meetings.system_errors import demo as se_demo

    from .support.minutes_ids import minutes_ids

    group = demo_module.seed_demo()
    db.session.commit()
    other = db.session.scalar(select(Group).where(Group.name == demo_module.OTHER_GROUP_NAME))
    users = {u.email: u.id for u in db.session.scalars(select(User))}
    memberships = {(m.group_id, m.user.email): m.id for m in db.session.scalars(select(Membership))}
    organisations = {o.name: o.id for o in db.session.scalars(select(Organisation))}
    template = db.session.scalars(
        select(AgendaTemplate).where(AgendaTemplate.group_id == group.id).order_by(AgendaTemplate.id)
    ).first()
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.starts_at)
    ).all()
    coming = next(m for m in meetings if m.status == MeetingStatus.CALLED.value)
    proposals = db.session.scalars(select(Proposal).where(Proposal.meeting_id == coming.id)).all()
    # A valid calendar feed token (of a member who plays no role persona) for the matrix.
    calendar_token = calendar_services.create_token(db.session.get(User, users["ledamot.vc@demo.se"]))
    db.session.commit()
    # The systemfel register: reports found by their demo titles (po_meetings.system_errors.demo).
    reports = {
        r.title: r
        for r in db.session.scalars(select(SystemErrorReport).where(SystemErrorReport.group_id == group.id))
    }
    report = reports[se_demo.ESCALATED_TITLE]  # eskalerad, not confidential, by ombud@demo.se
    confidential = reports[se_demo.CONFIDENTIAL_TITLE]  # confidential, by a member
    draft = reports[se_demo.DRAFT_TITLE]  # a draft by ombud@demo.se
    return dict(
        template_id=template.id,
        template_item_id=min(i.id for i in template.items if i.parent_id is None),
        meeting_id=coming.id,
        past_meeting_ids=[m.id for m in meetings if m.id != coming.id],
        agenda_item_id=min(i.id for i in coming.items if i.parent_id is None and not i.is_confidential),
        confidential_item_id=next(i.id for i in coming.items if i.is_confidential),
        proposal_ids=[p.id for p in proposals],
        calendar_token=calendar_token,
        report_number=report.number,
        confidential_report_number=confidential.number,
        escalation_id=next(e.id for e in report.escalations if e.reply_received_on is None),
        draft_number=f"U-{draft.id}",
        group_id=group.id,
        other_group_id=other.id,
        users=users,
        memberships=memberships,
        organisations=organisations,
        # Ids in the latest justerade demo minutes, for the endpoint matrix (tests/support/minutes_ids.py).
        minutes=minutes_ids(db.session, group.id),
    )


def _local_today() -> date:
    """Return today's date where the meetings take place (the demo dates count from it)."""
    from po_meetings.meetings.services import local
    from po_meetings.models import utcnow

    return local(utcnow()).date()


class DemoSnapshot:
    """The demo data of the session, seeded once and restored before every test that asks for it."""

    def __init__(self, app) -> None:
        self.app = app
        self.day: date | None = None
        self.values: dict | None = None
        self.rows: snapshot.Snapshot | None = None
        #: SQLite: the seeded database copied whole, written back in one backup (see _write_sqlite_copy)
        self.sqlite_copy: sqlite3.Connection | None = None

    def _seed(self) -> None:
        """Seed the demo data once, remember its rows and ids, and empty the database again."""
        tables = db.metadata.sorted_tables
        with db.engine.connect() as connection:
            if any(connection.execute(select(table).limit(1)).first() for table in tables):
                raise RuntimeError(
                    "the demo fixture needs an empty database: request it before fixtures that write"
                )
        day = _local_today()
        self.values = _demo_values()
        db.session.remove()
        with db.engine.connect() as connection:
            self.rows = snapshot.capture(connection, tables)
        if db.engine.dialect.name == "sqlite":
            self.sqlite_copy = _sqlite_copy()
        self.day = day
        _empty_tables()
        db.session.remove()

    def load(self) -> SimpleNamespace:
        """Write the demo rows into the empty database and return a fresh namespace of their ids."""
        with self.app.app_context():
            # The demo dates count from today: a session that passes midnight seeds again.
            if self.rows is None or self.day != _local_today():
                self._seed()
            if self.sqlite_copy is not None:
                _write_sqlite_copy(self.sqlite_copy)
            else:
                with db.engine.begin() as connection:
                    snapshot.restore(connection, self.rows)
        values = copy.deepcopy(self.values)
        memberships, group_id = values["memberships"], values["group_id"]
        return SimpleNamespace(
            **values,
            membership=lambda email, group_id=group_id: memberships[(group_id, email)],
        )


@pytest.fixture(scope="session")
def _demo_snapshot(_session_app) -> DemoSnapshot:
    """Hold the session's demo snapshot (seeded on first use, per database)."""
    return DemoSnapshot(_session_app)


@pytest.fixture
def demo(app, _demo_snapshot):
    """Load the demo data and return the ids the tests need.

    The first test seeds it through the services; every later one gets the same rows (same
    ids, same values, audit trail and search index included) restored from a snapshot.
    """
    return _demo_snapshot.load()


@pytest.fixture
def make_user(app):
    """Return a factory that creates an account and returns its plain values."""
    from po_meetings.admin.services import create_user

    counter = iter(range(1, 10_000))

    def make(**kw):
        n = next(counter)
        values = {
            "email": f"person{n}@example.se",
            "name": f"Person {n}",
            "password": "ett-bra-losenord",
            "title": None,
            "organisation": None,
            "is_admin": False,
        }
        values.update(kw)
        with app.app_context():
            user = create_user(**values)
            db.session.commit()
            return SimpleNamespace(id=user.id, email=user.email, name=user.name, password=values["password"])

    return make


@pytest.fixture
def tmp_sqlite_url():
    """Return the URL of a new, empty SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        yield "sqlite:///" + os.path.join(tmp, "fresh.sqlite")
