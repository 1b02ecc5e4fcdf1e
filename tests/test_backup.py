"""``flask backup`` and ``flask restore`` on SQLite and PostgreSQL: every row back, the refusals."""

from __future__ import annotations

import itertools
import stat
import subprocess
import sys

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select, text

from po_meetings import backup as backup_module
from po_meetings import create_app, startup
from po_meetings.extensions import db
from po_meetings.models import AuditEvent, Membership, User

from .conftest import DEMO_PASSWORD, CSRFClient, _test_config
from .support import snapshot


@pytest.fixture
def new_app(postgres, tmp_path):
    """Return a factory of apps, each on a new, empty database of the backend under test."""
    apps = []
    numbers = itertools.count(1)

    def make(**config):
        number = next(numbers)
        if postgres is not None:
            url = postgres.create_database(f"po_backup_{number}")
        else:
            url = "sqlite:///" + str(tmp_path / f"database_{number}.sqlite")
        new = create_app(_test_config(url, **config))
        new.test_client_class = CSRFClient
        apps.append(new)
        return new

    yield make
    for made in apps:
        with made.app_context():
            db.session.remove()
            db.engine.dispose()


def _invoke(app, *args):
    """Run a flask command of the app and return the result."""
    return app.test_cli_runner().invoke(args=list(args))


def _row_counts(app) -> dict[str, int]:
    """Count the rows of every table (and of SQLite's full-text search index)."""
    with app.app_context():
        with db.engine.connect() as connection:
            counts = {
                table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in db.metadata.sorted_tables
            }
            if connection.dialect.name == "sqlite":
                for name in snapshot.sqlite_virtual_tables(connection):
                    counts[name] = connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
        db.engine.dispose()
    return counts


def _accounts(app) -> int:
    """Count the accounts in the app's database (0 when it has no tables yet)."""
    with app.app_context():
        if "user_account" in inspect(db.engine).get_table_names():
            count = db.session.scalar(select(func.count()).select_from(User))
        else:
            count = 0
        db.session.remove()
        db.engine.dispose()
    return count


def _audit_trail(app) -> list[tuple]:
    """Return every row of the audit trail, in order."""
    with app.app_context():
        with db.engine.connect() as connection:
            rows = [
                tuple(row) for row in connection.execute(select(AuditEvent.__table__).order_by(AuditEvent.id))
            ]
        db.engine.dispose()
    return rows


def _foreign_keys(app) -> set[tuple]:
    """Return every foreign key of the schema: (table, columns, referred table, referred columns)."""
    with app.app_context():
        inspector = inspect(db.engine)
        keys = {
            (table, tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
            for table in inspector.get_table_names()
            for fk in inspector.get_foreign_keys(table)
        }
        db.engine.dispose()
    return keys


def test_backup_and_restore_keep_every_row_key_and_audit_event(app, demo, runner, new_app, tmp_path):
    path = tmp_path / "po.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "Klart" in result.output
    assert "granskningsloggen" in result.output
    assert "personuppgifter" in result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data: the owner's eyes only

    restored = new_app()
    result = _invoke(restored, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert "Klart" in result.output

    counts = _row_counts(app)
    assert counts["user_account"] > 0 and counts["audit_event"] > 0 and counts["minutes"] > 0
    assert _row_counts(restored) == counts
    assert _audit_trail(restored) == _audit_trail(app)
    keys = _foreign_keys(restored)
    assert keys == _foreign_keys(app)
    assert ("membership", ("user_id",), "user_account", ("id",)) in keys
    assert ("audit_event", ("actor_id",), "user_account", ("id",)) in keys

    with restored.app_context():
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        memberships = db.session.scalar(select(func.count()).select_from(Membership))
        joined = db.session.scalar(select(func.count()).select_from(Membership).join(User, Membership.user))
        assert joined == memberships > 0
        if db.engine.dialect.name == "postgresql":
            # The constraints are there and enforced, not merely described.
            with pytest.raises(Exception, match="foreign key"):
                with db.engine.begin() as connection:
                    connection.execute(text("UPDATE membership SET user_id = -1 WHERE id = :id"), {"id": 1})
        db.session.remove()

    # The restored database is one people can work in: log in, read, and create new rows.
    client = restored.test_client()
    response = client.post("/login", data={"email": "ordforande@demo.se", "password": DEMO_PASSWORD})
    assert response.status_code == 303
    assert "Mellanå" in client.get(f"/groups/{demo.group_id}").text
    with restored.app_context():
        from po_meetings.admin.services import create_user

        user = create_user("ny.person@example.se", "Ny Person", "ett-bra-losenord")
        db.session.commit()
        assert user.id > max(demo.users.values())
        db.session.remove()


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(app, demo, runner, new_app, tmp_path):
    path = tmp_path / "po.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    restored = new_app()
    assert _invoke(restored, "restore", str(path)).exit_code == 0
    with restored.app_context():
        from po_meetings.admin.services import create_user

        create_user("efter@example.se", "Efter Backupen", "ett-bra-losenord")
        db.session.commit()
        db.session.remove()
    after = _row_counts(restored)

    result = _invoke(restored, "restore", str(path))
    assert result.exit_code != 0
    assert "inte tom" in result.output and "--force" in result.output
    assert _row_counts(restored) == after  # nothing touched

    result = _invoke(restored, "restore", "--force", str(path))
    assert result.exit_code == 0, result.output
    assert _row_counts(restored) == _row_counts(app)  # the account made after the backup is gone


def test_backup_refuses_to_overwrite_a_file_unless_forced(app, demo, runner, tmp_path):
    path = tmp_path / "po.backup"
    path.write_bytes(b"an older backup")
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code != 0
    assert "finns redan" in result.output
    assert path.read_bytes() == b"an older backup"
    result = runner.invoke(args=["backup", "--force", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() != b"an older backup"


def test_backup_refuses_a_folder_that_does_not_exist(app, runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "saknas" / "po.backup")])
    assert result.exit_code != 0
    assert "finns inte" in result.output


def test_restore_refuses_a_missing_file_and_files_that_are_no_backup(new_app, backend, tmp_path):
    restored = new_app()
    result = _invoke(restored, "restore", str(tmp_path / "saknas.backup"))
    assert result.exit_code != 0
    assert "finns inte" in result.output

    text_file = tmp_path / "anteckningar.txt"
    text_file.write_text("Inte en säkerhetskopia.\n")
    result = _invoke(restored, "restore", str(text_file))
    assert result.exit_code != 0
    assert "ingen säkerhetskopia" in result.output

    # A backup of the other kind of database.
    other = tmp_path / "other.backup"
    if backend == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(64))
        expected = "PostgreSQL-databas, men appen använder SQLite"
    else:
        import sqlite3

        connection = sqlite3.connect(other)
        connection.execute("CREATE TABLE user_account (id INTEGER PRIMARY KEY)")
        connection.close()
        expected = "SQLite-databas, men appen använder PostgreSQL"
    result = _invoke(restored, "restore", str(other))
    assert result.exit_code != 0
    assert expected in result.output


def test_restore_refuses_a_backup_of_another_database(new_app, tmp_path):
    """A backup of a database that is not po_meetings' (here: an empty one) is not restored."""
    empty = new_app()
    if empty.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        import sqlite3

        sqlite3.connect(startup.sqlite_file(empty.config["SQLALCHEMY_DATABASE_URI"])).close()
    path = tmp_path / "empty.backup"
    result = _invoke(empty, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert "saknar schemaversion" in result.output
    restored = new_app()
    result = _invoke(restored, "restore", str(path))
    assert result.exit_code != 0
    assert "ingen säkerhetskopia av po_meetings" in result.output


def test_restore_refuses_a_database_in_use(app, demo, runner, new_app, postgres, tmp_path):
    path = tmp_path / "po.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    restored = new_app()
    url = restored.config["SQLALCHEMY_DATABASE_URI"]
    if postgres is not None:
        import psycopg

        database = url.rsplit("/", 1)[1]
        with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=postgres dbname={database}"):
            result = _invoke(restored, "restore", str(path))
    else:
        file = startup.sqlite_file(url)
        script = (
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('CREATE TABLE IF NOT EXISTS t (x)'); print('open', flush=True); time.sleep(60)"
        )
        holder = subprocess.Popen([sys.executable, "-c", script, file], stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "open"
            result = _invoke(restored, "restore", str(path))
        finally:
            holder.kill()
            holder.wait()
            holder.stdout.close()
    assert result.exit_code != 0
    assert "används av" in result.output
    assert "Stoppa appen" in result.output
    assert _accounts(restored) == 0


def test_a_backup_from_an_older_schema_says_to_upgrade(new_app, tmp_path):
    source = new_app()
    with source.app_context():
        upgrade(revision="0003")
        db.engine.dispose()
    path = tmp_path / "old.backup"
    result = _invoke(source, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert "schemaversion 0003" in result.output

    restored = new_app()
    result = _invoke(restored, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert "schemaversion 0003" in result.output
    assert "db upgrade" in result.output
    with restored.app_context():
        upgrade()  # what the message says to do, and it works
        with db.engine.connect() as connection:
            assert startup.database_revisions(connection) == startup.head_revisions()
        db.engine.dispose()


def test_a_backup_from_a_newer_schema_is_refused_unless_forced(new_app, tmp_path):
    source = new_app()
    with source.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        db.engine.dispose()
    path = tmp_path / "new.backup"
    assert _invoke(source, "backup", str(path)).exit_code == 0

    restored = new_app()
    result = _invoke(restored, "restore", str(path))
    assert result.exit_code != 0
    assert "nyare version av appen" in result.output
    assert _accounts(restored) == 0
    result = _invoke(restored, "restore", "--force", str(path))
    assert result.exit_code == 0, result.output
    with restored.app_context():
        with db.engine.connect() as connection:
            assert startup.database_revisions(connection) == {"9999"}
        db.engine.dispose()


def test_the_postgresql_password_never_reaches_the_command_line(app, demo, postgres, monkeypatch, tmp_path):
    if postgres is None:
        pytest.skip("PostgreSQL only: SQLite has no password")
    # The test server trusts every local connection, so any password works.
    url = postgres.url("po_test").replace("postgres@", "postgres:hemligt-losenord@")
    source = create_app(_test_config(url))
    calls = []
    real_run = subprocess.run

    def spy(args, **kwargs):
        calls.append((args, kwargs.get("env") or {}))
        return real_run(args, **kwargs)

    monkeypatch.setattr(backup_module.subprocess, "run", spy)
    try:
        result = _invoke(source, "backup", str(tmp_path / "po.backup"))
    finally:
        with source.app_context():
            db.engine.dispose()
    assert result.exit_code == 0, result.output
    dumps = [(args, env) for args, env in calls if "--format=custom" in args]
    assert dumps, calls
    for args, env in dumps:
        assert not any("hemligt" in arg for arg in args)
        assert env["PGPASSWORD"] == "hemligt-losenord"
    assert "hemligt" not in result.output


def test_backup_says_which_program_is_missing(app, postgres, runner, monkeypatch, tmp_path):
    if postgres is None:
        pytest.skip("PostgreSQL only: SQLite needs no external program")
    monkeypatch.setattr(backup_module, "PG_LIB", tmp_path / "no-postgresql")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    path = tmp_path / "po.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code != 0
    assert "pg_dump för PostgreSQL" in result.output
    assert "saknas" in result.output and "postgresql-client" in result.output
    assert not path.exists()


def test_the_connection_string_keeps_the_password_out():
    conninfo, environment = backup_module.pg_connection(
        "postgresql+psycopg://po:hemligt@db.internal:5433/po_meetings?sslmode=require"
    )
    assert "hemligt" not in conninfo
    assert environment["PGPASSWORD"] == "hemligt"
    assert conninfo == "host='db.internal' port='5433' user='po' dbname='po_meetings' sslmode='require'"
