"""Refuse to start on a database that is missing or not at the latest migration.

Without this check an unmigrated database starts silently and then fails every login with a 500,
and a mistyped SQLite path silently creates a new, empty database. ``create_app`` calls
:func:`check_database` when the app is started for real (gunicorn, ``flask run``, any ``flask``
command), so the server or command exits at once with a message saying what to do.

The commands that must work on such a database are let through: ``flask db …`` (``db upgrade``
is the cure, and creates a new SQLite file), ``flask backup`` and ``flask restore`` (a backup
before an upgrade; a restore into a new database), and the diagnostic ``flask shell`` and
``flask routes``. Which command runs is read from the command line, and only inside Flask's own
command-line tool (a click context whose root is Flask's ``FlaskGroup``): click has already taken
the command name off its context when Flask loads the app, and under gunicorn or any other WSGI
server there is no click context at all, so every other way of starting the app is checked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask.cli import FlaskGroup
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .paths import PROJECT_ROOT

#: Flask commands that run whatever state the database is in.
UNCHECKED_COMMANDS = frozenset({"db", "backup", "restore", "shell", "routes"})

UPGRADE = "flask --app po_meetings db upgrade"


class DatabaseNotReady(click.ClickException):
    """The database is missing or not at the latest migration; the app must not start."""

    def show(self, file=None) -> None:
        """Print the message as it is (it is in Swedish and English), without click's prefix."""
        click.echo(self.format_message(), err=True, file=file)


def migrations_dir() -> Path:
    """Return the folder of the Alembic migration scripts."""
    return PROJECT_ROOT / "migrations"


def head_revisions() -> set[str]:
    """Return the latest revision(s) of the migration scripts: the schema this code expects."""
    return set(ScriptDirectory(str(migrations_dir())).get_heads())


def known_revisions() -> set[str]:
    """Return every revision the migration scripts know."""
    return {script.revision for script in ScriptDirectory(str(migrations_dir())).walk_revisions()}


def database_revisions(connection) -> set[str]:
    """Return the revision(s) recorded in a database's ``alembic_version`` (empty: none)."""
    return set(MigrationContext.configure(connection).get_current_heads())


def sqlite_file(url) -> str | None:
    """Return the file of a SQLite URL, or None for another database or an in-memory one."""
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or url.query.get("mode") == "memory":
        return None
    if str(url.query.get("uri", "")).lower() in ("true", "1") and database.startswith("file:"):
        # sqlite:///file:path?mode=ro&uri=true: the path of a file: URI
        return unquote(urlsplit(database).path) or None
    return database


def describe(revisions: set[str]) -> str:
    """Return revisions as text for a message."""
    return ", ".join(sorted(revisions)) if revisions else "ingen"


def flask_command() -> str | None:
    """Return the name of the ``flask`` command being run ("" for help), or None outside Flask's CLI."""
    context = click.get_current_context(silent=True)
    if context is None:
        return None
    root = context.find_root()
    if not isinstance(root.command, FlaskGroup):
        return None
    # The options of `flask` itself that take a value (--app, --env-file), from the group itself.
    takes_value = set()
    for param in root.command.params:
        if isinstance(param, click.Option) and not param.is_flag and not param.count:
            takes_value.update(param.opts)
    arguments = iter(sys.argv[1:])
    for argument in arguments:
        if argument == "--":
            return next(arguments, "")
        if argument.startswith("-"):
            if argument in takes_value:
                next(arguments, None)
            continue
        return argument
    return ""


def check_database(app, from_test_config: bool = False) -> None:
    """Raise DatabaseNotReady unless the configured database exists and is at the latest migration.

    ``CHECK_SCHEMA`` (``PO_MEETINGS_CHECK_SCHEMA``) turns the check on or off; unset, it is off in
    tests, which configure the app with a dict and build the schema with ``db.create_all()``. It
    is also skipped for the commands in UNCHECKED_COMMANDS.
    """
    enabled = app.config.get("CHECK_SCHEMA")
    if enabled is None:
        enabled = not (from_test_config or app.testing)
    if not enabled:
        return
    command = flask_command()
    if command is not None and (command == "" or command in UNCHECKED_COMMANDS):
        return
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    shown = make_url(url).render_as_string(hide_password=True)
    path = sqlite_file(url)
    if path is not None and not os.path.exists(path):
        raise DatabaseNotReady(
            f"SQLite-databasen {os.path.abspath(path)} finns inte. Kontrollera PO_MEETINGS_DATABASE_URL "
            f"(är sökvägen rätt stavad?), eller skapa en ny databas med `{UPGRADE}`.\n"
            f"The SQLite database {os.path.abspath(path)} does not exist. Check PO_MEETINGS_DATABASE_URL "
            f"(is the path spelled right?), or create a new database with `{UPGRADE}`."
        )

    with app.app_context():
        try:
            with db.engine.connect() as connection:
                current = database_revisions(connection)
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise DatabaseNotReady(
                f"Databasen {shown} går inte att nå: {reason}\n"
                f"The database {shown} cannot be reached: {reason}"
            ) from None
        finally:
            # gunicorn --preload forks after create_app: no connection may be shared by the workers.
            db.engine.dispose()
    expected = head_revisions()
    if current == expected:
        return
    if current - known_revisions():
        raise DatabaseNotReady(
            f"Databasen {shown} har schemaversion {describe(current)}, som den här versionen av "
            f"po_meetings inte känner till (appen väntar sig {describe(expected)}). Den har uppgraderats "
            "av en nyare version av appen: kör den versionen.\n"
            f"The database {shown} is at schema revision {describe(current)}, which this version of "
            f"po_meetings does not know (the app expects {describe(expected)}). A newer version of the "
            "app has upgraded it: run that version."
        )
    swedish = (
        f"har schemaversion {describe(current)}" if current else "är inte migrerad (ingen schemaversion)"
    )
    english = (
        f"is at schema revision {describe(current)}" if current else "has not been migrated (no revision)"
    )
    raise DatabaseNotReady(
        f"Databasen {shown} {swedish}, men appen behöver schemaversion {describe(expected)}. "
        f"Uppgradera databasen med `{UPGRADE}` och starta sedan appen igen.\n"
        f"The database {shown} {english}, but the app needs revision {describe(expected)}. "
        f"Upgrade it with `{UPGRADE}`, then start the app again."
    )
