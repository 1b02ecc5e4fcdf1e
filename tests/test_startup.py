"""The app refuses to start on a database that is missing or not at the latest migration.

Started as an operator starts it, in a subprocess: ``flask --app po_meetings …`` and gunicorn,
configured only by environment variables.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import upgrade

from po_meetings import create_app, startup
from po_meetings.extensions import db

from .conftest import _test_config

UPGRADE = "flask --app po_meetings db upgrade"


@pytest.fixture
def new_database(postgres, tmp_path):
    """Return the URL of a new, empty database (SQLite: a file that does not exist yet)."""
    if postgres is not None:
        return postgres.create_database("po_startup")
    return "sqlite:///" + str(tmp_path / "po.sqlite")


def _environment(url: str) -> dict[str, str]:
    """Return the environment of an operator's shell with the database URL set."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PO_MEETINGS_") and key != "DATABASE_URL"
    }
    environment.update(
        PO_MEETINGS_DATABASE_URL=url,
        PO_MEETINGS_PRODUCTION="false",
        PO_MEETINGS_MAIL_BACKEND="console",
        # Cheap password hashing for seed-demo; production keeps the RFC 9106 profile.
        PO_MEETINGS_ARGON2_TIME_COST="1",
        PO_MEETINGS_ARGON2_MEMORY_COST="1024",
        PO_MEETINGS_ARGON2_PARALLELISM="1",
    )
    return environment


def flask(url: str, *args: str) -> subprocess.CompletedProcess:
    """Run `flask --app po_meetings ARGS` on the database."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "po_meetings", *args],
        env=_environment(url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _migrate(url: str, revision: str = "heads") -> None:
    """Migrate the database to a revision, in this process."""
    app = create_app(_test_config(url))
    with app.app_context():
        upgrade(revision=revision)
        db.engine.dispose()


def test_make_run_works_on_a_new_database_and_nothing_else_does_before_it(new_database):
    refused = flask(new_database, "send-mail")
    assert refused.returncode != 0
    assert UPGRADE in refused.stderr
    sqlite_file = startup.sqlite_file(new_database)
    if sqlite_file:
        assert "finns inte" in refused.stderr and "does not exist" in refused.stderr
        assert not Path(sqlite_file).exists()  # a mistyped path creates no empty database
    else:
        assert "inte migrerad" in refused.stderr and "has not been migrated" in refused.stderr

    # make run: db upgrade, then seed-demo --if-empty (and demo-logins, run: checked the same way).
    upgraded = flask(new_database, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    seeded = flask(new_database, "seed-demo", "--if-empty")
    assert seeded.returncode == 0, seeded.stderr
    assert "Demodata är inläst" in seeded.stdout


def test_a_database_at_an_older_revision_is_refused_but_can_be_backed_up(new_database, tmp_path):
    if startup.sqlite_file(new_database):
        sqlite3.connect(startup.sqlite_file(new_database)).close()
    _migrate(new_database, "0003")
    head = ", ".join(sorted(startup.head_revisions()))

    refused = flask(new_database, "send-mail")
    assert refused.returncode != 0
    assert f"har schemaversion 0003, men appen behöver schemaversion {head}" in refused.stderr
    assert f"is at schema revision 0003, but the app needs revision {head}" in refused.stderr
    assert UPGRADE in refused.stderr
    assert "Traceback" not in refused.stderr

    backed_up = flask(new_database, "backup", str(tmp_path / "before-upgrade.backup"))
    assert backed_up.returncode == 0, backed_up.stderr
    assert "schemaversion 0003" in backed_up.stdout


def test_gunicorn_exits_on_an_unmigrated_database(new_database):
    if startup.sqlite_file(new_database):
        sqlite3.connect(startup.sqlite_file(new_database)).close()
    server = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "1",
            "--bind",
            "127.0.0.1:0",
            "po_meetings:create_app()",
        ],
        env=_environment(new_database),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.returncode != 0
    assert "inte migrerad" in server.stderr and "has not been migrated" in server.stderr
    assert UPGRADE in server.stderr


def test_a_database_that_cannot_be_reached_is_refused(postgres, tmp_path):
    if postgres is not None:
        url = postgres.url("po_no_such_database")
    else:
        url = "sqlite:///" + str(tmp_path / "no-such-folder" / "po.sqlite")
    refused = flask(url, "send-mail")
    assert refused.returncode != 0
    if postgres is not None:
        assert "går inte att nå" in refused.stderr and "cannot be reached" in refused.stderr
    else:
        assert "finns inte" in refused.stderr and "does not exist" in refused.stderr


def test_the_check_can_be_switched_off_and_is_off_in_tests(new_database):
    # The tests build their schema with db.create_all() and configure the app with a dict.
    create_app(_test_config(new_database))
    create_app(_test_config(new_database, TESTING=False, CHECK_SCHEMA=False))
    with pytest.raises(startup.DatabaseNotReady, match="db upgrade"):
        create_app(_test_config(new_database, TESTING=False, CHECK_SCHEMA=True))
