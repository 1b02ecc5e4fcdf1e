"""``flask backup`` and ``flask restore``: the whole database to one file and back.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database page by page
while the app runs; the copy is itself a SQLite database (in rollback-journal mode, so that it is
one self-contained file). PostgreSQL: ``pg_dump --format=custom`` from an exported snapshot (the
counts printed are those of the dump), and ``pg_restore --clean --if-exists --no-owner`` in one
transaction, with the programs of the server's major version. The password reaches them in
PGPASSWORD, never on the command line, where ``ps`` would show it to every user of the machine.

A backup holds the schema version (the ``alembic_version`` table), so a restore says whether the
database must be upgraded afterwards. It also holds personal data: every account, minutes,
system error reports and the audit trail. The file is created readable by its owner only.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import click
from flask import current_app
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from . import startup
from .extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
#: Debian's postgresql-client packages install each major version's programs here.
PG_LIB = Path("/usr/lib/postgresql")
#: A table every po_meetings database has had since the first migration.
MARKER_TABLE = "user_account"
AUDIT_TABLE = "audit_event"
#: SQLite pages copied per step (4 MB at the default page size); the app may write between steps.
PAGES_PER_STEP = 1024
#: Other sessions on the PostgreSQL database that a restore would pull the tables from under.
OTHER_SESSIONS = text(
    "SELECT pid, usename, application_name, host(client_addr) AS client_addr FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
)


class BackupError(click.ClickException):
    """A backup or restore that cannot go on; the message says why and what to do."""

    def show(self, file=None) -> None:
        """Print the message in Swedish (click's own prefix is English)."""
        click.echo(f"Fel: {self.format_message()}", err=True, file=file)


@dataclass
class Contents:
    """What a database holds: its tables, their rows and its schema version."""

    tables: list[str]
    rows: int
    audit_rows: int
    revisions: set[str] = field(default_factory=set)

    def describe(self) -> str:
        """Describe the contents in a sentence."""
        return (
            f"{len(self.tables)} tabeller med {_number(self.rows)} rader, varav {_number(self.audit_rows)} "
            f"i granskningsloggen; schemaversion {startup.describe(self.revisions)}"
        )


def backup_database(path: Path, force: bool = False) -> None:
    """Write a backup of the configured database to path."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    path = Path(path).expanduser().absolute()
    if path.is_dir():
        raise BackupError(f"{path} är en katalog. Ange ett filnamn för säkerhetskopian.")
    if not path.parent.is_dir():
        raise BackupError(f"Katalogen {path.parent} finns inte.")
    if path.exists() and not force:
        raise BackupError(
            f"Filen {path} finns redan. Välj ett annat namn eller använd --force för att skriva över den."
        )
    kind = _kind(url)
    try:
        if kind == "sqlite":
            contents = _sqlite_backup(_sqlite_target(url), path)
        else:
            contents = _postgresql_backup(url, path)
    except OSError as error:  # a folder that cannot be written, a full disk
        raise BackupError(f"Säkerhetskopian kunde inte skrivas: {error}.") from error
    click.echo(f"Klart: {path} ({_size(path)}), {contents.describe()}.")
    if not contents.revisions:
        click.echo("Obs: databasen saknar schemaversion (tabellen alembic_version); den är inte migrerad.")
    click.echo("Säkerhetskopian innehåller personuppgifter: förvara den krypterad och med begränsad åtkomst.")


def restore_database(path: Path, force: bool = False) -> None:
    """Replace the configured database with the backup in path."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    path = Path(path).expanduser().absolute()
    if not path.is_file():
        raise BackupError(f"Säkerhetskopian {path} finns inte.")
    kind = _kind(url)
    try:
        found = _backup_kind(path)
    except OSError as error:
        raise BackupError(f"Säkerhetskopian {path} går inte att läsa: {error}.") from error
    if found is None:
        raise BackupError(
            f"{path} är ingen säkerhetskopia från flask backup: varken en SQLite-databas eller en "
            "pg_dump-fil i custom-format."
        )
    if found != kind:
        raise BackupError(
            f"{path} är en säkerhetskopia av en {KINDS[found]}-databas, men appen använder {KINDS[kind]}. "
            f"Återställ den till en {KINDS[found]}-databas (PO_MEETINGS_DATABASE_URL)."
        )
    if kind == "sqlite":
        _sqlite_restore(path, _sqlite_target(url), force)
    else:
        _postgresql_restore(url, path, force)


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_target(url: str) -> Path:
    """Return the configured SQLite file."""
    name = startup.sqlite_file(url)
    if name is None:
        raise BackupError("Databasen finns bara i minnet; den kan inte säkerhetskopieras eller återställas.")
    return Path(name).absolute()


def _sqlite_open(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """Open a SQLite file that must exist (read-only: never created, never written)."""
    mode = "ro" if read_only else "rw"
    return sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, timeout=15)


def _progress(action: str):
    """Return a progress callback for sqlite3's backup that prints every tenth."""
    shown = [0]

    def progress(status: int, remaining: int, total: int) -> None:
        if total <= PAGES_PER_STEP:  # done in one step: no progress worth showing
            return
        tenth = (total - remaining) * 10 // total
        if tenth > shown[0]:
            shown[0] = tenth
            click.echo(f"  {action} {tenth * 10} % …")

    return progress


def _sqlite_contents(path: Path) -> Contents:
    """Check a SQLite file's integrity and return its contents (read-only)."""
    try:
        connection = _sqlite_open(path, read_only=True)
        try:
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} går inte att läsa som en SQLite-databas: {error}.") from error
    if check != "ok":
        raise BackupError(f"SQLite-databasen {path} är skadad: {check}.")
    engine = create_engine(
        "sqlite://", creator=lambda: _sqlite_open(path, read_only=True), poolclass=NullPool
    )
    try:
        with engine.connect() as connection:
            return _contents(connection)
    finally:
        engine.dispose()


def _sqlite_backup(source: Path, path: Path) -> Contents:
    """Copy the live SQLite database to path with the online backup API."""
    if not source.exists():
        raise BackupError(f"SQLite-databasen {source} finns inte. Kontrollera PO_MEETINGS_DATABASE_URL.")
    if path.exists() and path.samefile(source):
        raise BackupError("Säkerhetskopian kan inte skrivas över databasen själv. Välj en annan fil.")
    click.echo(f"Säkerhetskopierar SQLite-databasen {source} till {path} …")
    with _new_file(path) as copy:
        try:
            live = _sqlite_open(source, read_only=True)
            try:
                target = sqlite3.connect(copy)
                try:
                    live.backup(target, pages=PAGES_PER_STEP, progress=_progress("kopierat"))
                    # One self-contained file, whatever journal mode the live database uses.
                    target.execute("PRAGMA journal_mode = DELETE")
                finally:
                    target.close()
            finally:
                live.close()
        except sqlite3.Error as error:
            raise BackupError(f"Kopieringen misslyckades: {error}.") from error
        return _sqlite_contents(copy)


def _processes_using(path: Path) -> list[str]:
    """Return the other processes that have the SQLite file open (read from /proc on Linux)."""
    resolved = str(path.resolve())
    wanted = {resolved, resolved + "-wal", resolved + "-shm", resolved + "-journal"}
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for process in proc.iterdir():
        if not process.name.isdigit() or int(process.name) == os.getpid():
            continue
        try:
            descriptors = list((process / "fd").iterdir())
            if any(_readlink(descriptor) in wanted for descriptor in descriptors):
                found.append(f"process {process.name} ({(process / 'comm').read_text().strip()})")
        except OSError:  # gone, or another user's process
            continue
    return found


def _readlink(link: Path) -> str | None:
    """Return where a /proc fd link points, or None."""
    try:
        return os.readlink(link)
    except OSError:
        return None


def _sqlite_restore(path: Path, target: Path, force: bool) -> None:
    """Copy the backup into the configured SQLite file with the backup API."""
    if not target.parent.is_dir():
        raise BackupError(f"Katalogen {target.parent} finns inte. Kontrollera PO_MEETINGS_DATABASE_URL.")
    if target.exists() and target.samefile(path):
        raise BackupError("Säkerhetskopian är själva databasen. Ange en säkerhetskopia.")
    click.echo(f"Kontrollerar säkerhetskopian {path} …")
    backup = _sqlite_contents(path)
    _check_marker(path, backup.tables)
    advice = _check_revisions(backup.revisions, force)
    db.engine.dispose()  # this process's own connections to the target
    users = _processes_using(target)
    if users:
        raise BackupError(
            f"Databasen {target} används av {', '.join(users)}. Stoppa appen (gunicorn, flask run) "
            "och försök igen."
        )
    if target.exists():
        try:
            engine = create_engine("sqlite://", creator=lambda: _sqlite_open(target), poolclass=NullPool)
            with engine.connect() as connection:
                filled = _tables_with_rows(connection)
            engine.dispose()
        except SQLAlchemyError as error:
            raise BackupError(f"Databasen {target} går inte att läsa: {_reason(error)}") from error
        _refuse_filled(target, filled, force)
    click.echo(f"Återställer till SQLite-databasen {target} …")
    try:
        source = _sqlite_open(path, read_only=True)
        try:
            destination = sqlite3.connect(target, timeout=15)
            try:
                source.backup(destination, pages=PAGES_PER_STEP, progress=_progress("återställt"))
                problems = destination.execute("PRAGMA foreign_key_check").fetchall()
            finally:
                destination.close()
        finally:
            source.close()
    except sqlite3.OperationalError as error:
        if "locked" in str(error):
            raise BackupError(
                f"Databasen {target} används just nu (den är låst). Stoppa appen och försök igen."
            ) from error
        raise BackupError(f"Återställningen misslyckades: {error}.") from error
    restored = _sqlite_contents(target)
    click.echo(f"Klart: {restored.describe()}.")
    if problems:
        click.echo(f"Obs: {len(problems)} rader pekar på rader som inte finns (PRAGMA foreign_key_check).")
    else:
        click.echo("Främmande nycklar: alla pekar på rader som finns.")
    if advice:
        click.echo(advice)


# --- PostgreSQL ---------------------------------------------------------------------------


def pg_connection(url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq connection string without the password, and an environment holding it."""
    url = make_url(url)
    params = {
        "host": url.host,
        "port": str(url.port) if url.port else None,
        "user": url.username,
        "dbname": url.database,
    }
    password = url.password
    for key, value in url.query.items():
        value = ",".join(value) if isinstance(value, tuple) else value  # several hosts
        if key == "password":
            password = value
        else:
            params[key] = value
    conninfo = " ".join(f"{key}={_conninfo_value(value)}" for key, value in params.items() if value)
    environment = dict(os.environ)
    if password is not None:
        environment["PGPASSWORD"] = str(password)
    return conninfo, environment


def _conninfo_value(value: str) -> str:
    """Quote a value for a libpq connection string."""
    escaped = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def pg_tool(name: str, server_major: int) -> str:
    """Return the path of pg_dump or pg_restore for the server's major version (or a newer one).

    Debian's postgresql-client puts each version in /usr/lib/postgresql/<major>/bin; the program
    on PATH may be a wrapper that picks another version, or fails without a local cluster.
    PO_MEETINGS_PG_BINDIR names another folder to look in first.
    """
    candidates = []
    configured = current_app.config.get("PG_BINDIR")
    if configured:
        candidates.append(Path(configured) / name)
    candidates.append(PG_LIB / str(server_major) / "bin" / name)
    versions = sorted(
        (int(p.parent.parent.name), p) for p in PG_LIB.glob(f"*/bin/{name}") if p.parent.parent.name.isdigit()
    )
    candidates += [p for major, p in versions if major > server_major]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    tried = []
    for candidate in candidates:
        if not candidate.is_file():
            continue
        major = _tool_major(candidate)
        if major is None:
            tried.append(f"{candidate} går inte att köra")
        elif major < server_major:
            tried.append(f"{candidate} är version {major}")
        else:
            return str(candidate)
    because = f" ({'; '.join(tried)})" if tried else ""
    raise BackupError(
        f"{name} för PostgreSQL {server_major} saknas{because}. Installera Debians paket "
        f"postgresql-client-{server_major} (eller en nyare version), eller ange katalogen med "
        "PO_MEETINGS_PG_BINDIR."
    )


def _tool_major(path: Path) -> int | None:
    """Return the major version of a PostgreSQL program, or None if it does not run."""
    try:
        result = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", result.stdout)
    return int(match.group(1)) if result.returncode == 0 and match else None


def _run(args: list[str], environment: dict[str, str], name: str) -> str:
    """Run a PostgreSQL program; return its output or raise BackupError with its message."""
    try:
        result = subprocess.run(args, env=environment, capture_output=True, text=True)
    except OSError as error:
        raise BackupError(f"{name} kunde inte startas: {error}.") from error
    if result.returncode != 0:
        raise BackupError(f"{name} misslyckades (slutkod {result.returncode}):\n{result.stderr.strip()}")
    return result.stdout


def _server_major(connection: Connection) -> int:
    """Return the PostgreSQL server's major version."""
    return connection.dialect.server_version_info[0]


def _shown(url: str) -> str:
    """Return the URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _postgresql_backup(url: str, path: Path) -> Contents:
    """Dump the PostgreSQL database to path with pg_dump, from one snapshot."""
    conninfo, environment = pg_connection(url)
    try:
        with db.engine.connect() as connection:
            major = _server_major(connection)
            dump, restore = pg_tool("pg_dump", major), pg_tool("pg_restore", major)
            click.echo(f"Säkerhetskopierar PostgreSQL-databasen {_shown(url)} till {path} med {dump} …")
            # pg_dump reads the snapshot this transaction exported: the counts are those of the dump.
            connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                contents = _contents(connection)
                with _new_file(path) as dump_file:
                    arguments = [dump, "--format=custom", f"--snapshot={snapshot}", f"--file={dump_file}"]
                    _run([*arguments, f"--dbname={conninfo}"], environment, "pg_dump")
                    _archive_tables(restore, dump_file, environment)  # it reads back, or no file
    except SQLAlchemyError as error:
        raise BackupError(f"Databasen {_shown(url)} går inte att läsa: {_reason(error)}") from error
    finally:
        db.engine.dispose()
    return contents


def _archive_tables(tool: str, path: Path, environment: dict[str, str]) -> list[str]:
    """Return the tables in a pg_dump archive (pg_restore --list)."""
    listing = _run([tool, "--list", str(path)], environment, "pg_restore")
    return re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", listing, re.MULTILINE)


def _archive_revisions(tool: str, path: Path, environment: dict[str, str]) -> set[str]:
    """Return the schema version(s) in a pg_dump archive's alembic_version table."""
    script = _run(
        [tool, "--data-only", "--table=alembic_version", "--file=-", str(path)], environment, "pg_restore"
    )
    match = re.search(
        r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)^\\\.$", script, re.M | re.S
    )
    return set(match.group(1).split()) if match else set()


def _postgresql_restore(url: str, path: Path, force: bool) -> None:
    """Restore the pg_dump archive into the configured PostgreSQL database with pg_restore."""
    conninfo, environment = pg_connection(url)
    shown = _shown(url)
    try:
        with db.engine.connect() as connection:
            major = _server_major(connection)
    except SQLAlchemyError as error:
        raise BackupError(
            f"Databasen {shown} går inte att nå: {_reason(error)}\nFinns den inte än, skapa den först "
            "(createdb) och återställ sedan."
        ) from error
    finally:
        db.engine.dispose()
    tool = pg_tool("pg_restore", major)
    click.echo(f"Kontrollerar säkerhetskopian {path} …")
    _check_marker(path, _archive_tables(tool, path, environment))
    advice = _check_revisions(_archive_revisions(tool, path, environment), force)
    try:
        with db.engine.connect() as connection:
            others = connection.execute(OTHER_SESSIONS).all()
            filled = _tables_with_rows(connection)
    finally:
        db.engine.dispose()
    if others:
        who = ", ".join(
            f"{row.usename or '?'}@{row.client_addr or 'lokalt'}"
            + (f" ({row.application_name})" if row.application_name else "")
            for row in others
        )
        raise BackupError(
            f"Databasen {shown} används av {_connections(len(others))}: {who}. Stoppa appen "
            "(gunicorn) och andra klienter, och försök igen."
        )
    _refuse_filled(shown, filled, force)
    click.echo(f"Återställer till PostgreSQL-databasen {shown} med {tool} …")
    arguments = [tool, "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run([*arguments, f"--dbname={conninfo}", str(path)], environment, "pg_restore")
    try:
        with db.engine.connect() as connection:
            restored = _contents(connection)
    finally:
        db.engine.dispose()
    click.echo(f"Klart: {restored.describe()}.")
    if advice:
        click.echo(advice)


# --- Both ---------------------------------------------------------------------------------


def _kind(url: str) -> str:
    """Return "sqlite" or "postgresql" for the configured database."""
    kind = make_url(url).get_backend_name()
    if kind not in KINDS:
        raise BackupError(f"Säkerhetskopiering finns för SQLite och PostgreSQL, inte för {kind}.")
    return kind


def _backup_kind(path: Path) -> str | None:
    """Tell a SQLite file from a pg_dump custom archive by their first bytes."""
    with path.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    if start == SQLITE_MAGIC:
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


@contextmanager
def _new_file(path: Path) -> Iterator[Path]:
    """Yield a new file beside path, readable by its owner only, that replaces path on success."""
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(descriptor)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _data_tables(connection: Connection) -> list[str]:
    """Return the tables that hold data (not alembic_version, nor SQLite's full-text index)."""
    names = set(inspect(connection).get_table_names()) - {"alembic_version"}
    if connection.dialect.name == "sqlite":
        virtual = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
        ).scalars()
        for name in list(virtual):  # the index and its shadow tables (name_data, name_config, …)
            names = {n for n in names if n != name and not n.startswith(name + "_")}
    return sorted(names)


def _quoted(name: str) -> str:
    """Quote a table name for SQL."""
    return '"' + name.replace('"', '""') + '"'


def _contents(connection: Connection) -> Contents:
    """Count the rows of every table, and read the schema version."""
    tables = _data_tables(connection)
    counts = {
        name: connection.execute(text(f"SELECT count(*) FROM {_quoted(name)}")).scalar_one()
        for name in tables
    }
    return Contents(
        tables=tables,
        rows=sum(counts.values()),
        audit_rows=counts.get(AUDIT_TABLE, 0),
        revisions=startup.database_revisions(connection),
    )


def _tables_with_rows(connection: Connection) -> list[str]:
    """Return the tables that hold at least one row."""
    return [
        name
        for name in _data_tables(connection)
        if connection.execute(text(f"SELECT 1 FROM {_quoted(name)} LIMIT 1")).first() is not None
    ]


def _refuse_filled(database, filled: list[str], force: bool) -> None:
    """Refuse to overwrite a database that holds data, unless forced."""
    if not filled:
        return
    if not force:
        examples = ", ".join(filled[:5]) + (" …" if len(filled) > 5 else "")
        raise BackupError(
            f"Databasen {database} är inte tom ({len(filled)} tabeller har rader: {examples}). "
            "Återställ till en tom databas, eller använd --force för att ersätta allt den innehåller."
        )
    click.echo(f"Databasen {database} är inte tom; den ersätts (--force).")


def _check_marker(path: Path, tables: list[str]) -> None:
    """Refuse a database or archive that is not po_meetings'."""
    if MARKER_TABLE not in tables:
        raise BackupError(f"{path} är ingen säkerhetskopia av po_meetings (tabellen {MARKER_TABLE} saknas).")


def _check_revisions(revisions: set[str], force: bool) -> str | None:
    """Compare a backup's schema version with the app's; return advice for after the restore."""
    expected = startup.head_revisions()
    if revisions == expected:
        click.echo(f"Schemaversion {startup.describe(revisions)}: samma som appens.")
        return None
    if not revisions:
        return (
            "Obs: säkerhetskopian saknar schemaversion (tabellen alembic_version). Appen startar inte på "
            "databasen förrän den har en."
        )
    unknown = revisions - startup.known_revisions()
    if unknown:
        message = (
            f"Säkerhetskopian har schemaversion {startup.describe(revisions)}, som den här versionen av "
            f"po_meetings inte känner till (appen har {startup.describe(expected)}): den är gjord av en "
            "nyare version av appen."
        )
        if not force:
            raise BackupError(f"{message} Återställ den med den versionen, eller använd --force.")
        click.echo(f"Obs: {message} Den återställs ändå (--force); appen startar inte på den.")
        return None
    return (
        f"Säkerhetskopian har schemaversion {startup.describe(revisions)}, appen "
        f"{startup.describe(expected)}. Uppgradera databasen med `{startup.UPGRADE}` innan appen startas."
    )


def _reason(error: SQLAlchemyError) -> str:
    """Return the first line of a database error's message."""
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]


def _connections(count: int) -> str:
    """Return "1 annan anslutning" or "3 andra anslutningar"."""
    return "1 annan anslutning" if count == 1 else f"{count} andra anslutningar"


def _number(value: int) -> str:
    """Format a count the Swedish way (1 234)."""
    return f"{value:,}".replace(",", " ")


def _size(path: Path) -> str:
    """Return a file's size in kB or MB."""
    size = path.stat().st_size
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} kB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")
