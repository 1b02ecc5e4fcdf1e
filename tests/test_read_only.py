"""A database that can only be read: pages that read work, anything that writes gets a clear 503.

SQLite is opened read-only through its URI (``mode=ro``: root ignores file permissions, so a
chmod would prove nothing); PostgreSQL gets ``default_transaction_read_only`` on its database.
"""

from __future__ import annotations

from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import select

from po_meetings import create_app, permissions
from po_meetings.extensions import db
from po_meetings.models import Group

from .conftest import DEMO_PASSWORD, ROLE_LOGINS, CSRFClient, _test_config
from .support import snapshot

READ_ONLY = "Databasen går just nu bara att läsa"


@pytest.fixture
def read_only(app, demo, _demo_snapshot, postgres, tmp_path):
    """Return clients of an app on a read-only copy of the demo data: the chair's and a visitor's.

    The chair logs in while the copy can still be written (a login writes its session row).
    """
    if postgres is not None:
        url = postgres.create_database("po_read_only")
    else:
        file = tmp_path / "read-only.sqlite"
        url = "sqlite:///" + str(file)
    writer = create_app(_test_config(url))
    writer.test_client_class = CSRFClient
    with writer.app_context():
        db.create_all()
        with db.engine.begin() as connection:
            snapshot.restore(connection, _demo_snapshot.rows)
    chair = writer.test_client()
    assert (
        chair.post(
            "/login", data={"email": ROLE_LOGINS[permissions.CHAIR], "password": DEMO_PASSWORD}
        ).status_code
        == 303
    )
    cookie = chair.get_cookie("po_session").value
    with writer.app_context():
        db.engine.dispose()

    if postgres is not None:
        with psycopg.connect(
            f"host=127.0.0.1 port={postgres.port} user=postgres dbname=postgres", autocommit=True
        ) as admin:
            admin.execute("ALTER DATABASE po_read_only SET default_transaction_read_only = on")
        reader = create_app(_test_config(url))
    else:
        reader = create_app(_test_config(f"sqlite:///file:{file}?mode=ro&uri=true"))
    reader.test_client_class = CSRFClient
    chair = reader.test_client()
    chair.set_cookie("po_session", cookie)
    yield SimpleNamespace(app=reader, chair=chair, visitor=reader.test_client())
    with reader.app_context():
        db.session.remove()
        db.engine.dispose()


def _assert_read_only_answer(response) -> None:
    """A 503 with the Swedish explanation and a time to come back, never a 500."""
    assert response.status_code == 503
    assert READ_ONLY in response.text
    assert int(response.headers["Retry-After"]) > 0


def test_pages_that_only_read_still_work(read_only, demo):
    assert read_only.visitor.get("/login").status_code == 200
    response = read_only.chair.get(f"/groups/{demo.group_id}")
    assert response.status_code == 200
    assert "Mellanå" in response.text
    assert read_only.chair.get(f"/groups/{demo.group_id}/audit").status_code == 200


def test_a_failed_login_is_a_clear_503(read_only):
    # A failed login is counted (throttling): that is a write.
    response = read_only.visitor.post("/login", data={"email": "ledamot@demo.se", "password": "fel-losenord"})
    _assert_read_only_answer(response)


def test_a_correct_login_works_or_is_a_clear_503(read_only):
    response = read_only.visitor.post("/login", data={"email": "ledamot@demo.se", "password": DEMO_PASSWORD})
    if response.status_code != 303:  # it works only if logging in needs no write
        _assert_read_only_answer(response)


def test_a_change_is_a_clear_503_and_nothing_breaks(read_only, demo):
    settings = f"/groups/{demo.group_id}/settings"
    data = {"default_meeting_minutes": "95", "mandate": "Nytt uppdrag"}
    _assert_read_only_answer(read_only.chair.post(settings, data=data))

    fragment = read_only.chair.post(settings, data=data, headers={"HX-Request": "true"})
    _assert_read_only_answer(fragment)
    assert "<html" not in fragment.text

    # The failed transaction was rolled back: the next request reads as before.
    assert read_only.chair.get(f"/groups/{demo.group_id}").status_code == 200
    with read_only.app.app_context():
        group = db.session.scalar(select(Group).where(Group.id == demo.group_id))
        assert group.default_meeting_minutes != 95
        db.session.remove()


def test_a_read_only_database_can_be_backed_up(read_only, tmp_path):
    # A standby or a read-only mount is a good place to take the backup from.
    result = read_only.app.test_cli_runner().invoke(args=["backup", str(tmp_path / "po.backup")])
    assert result.exit_code == 0, result.output
    assert "Klart" in result.output
