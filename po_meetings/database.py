"""SQLite under concurrent writers: WAL, a busy timeout, and writing transactions that lock first.

SQLite has one writer at a time. Python's sqlite3 driver, left to itself, begins a transaction
only at the first INSERT/UPDATE/DELETE, so a request that reads (a report's last number, the §§
of a year) and then writes may find that another writer committed in between: in WAL mode the
upgrade from reader to writer then fails at once with "database is locked"
(SQLITE_BUSY_SNAPSHOT), whatever the busy timeout. So, following the SQLAlchemy documentation
("Transactions with SQLite and the sqlite3 driver"), the driver's own transaction handling is
switched off and the app's transactions begin here:

- ``BEGIN IMMEDIATE`` (take the write lock now, waiting up to the busy timeout for it) in
  requests that may write (any method but GET, HEAD and OPTIONS) and in CLI commands;
- a plain ``BEGIN`` in GET, HEAD and OPTIONS requests, which only read, so that readers run
  beside each other and beside the writer (WAL).

Code outside a request and a command (``flask shell``, scripts, the tests' direct service calls)
keeps the driver's default, where a read takes no lock: a shell left open must not hold the
write lock, and tests can still play two interleaved requests in one thread.

SAVEPOINTs work as SQLAlchemy expects once it emits BEGIN itself. PostgreSQL needs none of this:
its row locks (po_meetings.numbering) do the work there.
"""

from __future__ import annotations

import sqlite3

import click
from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from .extensions import db

#: How long a writer waits for another writer's transaction before giving up.
BUSY_TIMEOUT_MS = 15_000
#: Request methods that never write, so their transactions need no write lock.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Commands that wait for a person between statements, so they must not hold the write lock.
INTERACTIVE_COMMANDS = frozenset({"shell"})


def init_app(app: Flask) -> None:
    """Set up the app's SQLite engines (PostgreSQL engines are left as they are)."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine)


def configure_sqlite(engine: Engine) -> None:
    """Register the connection and transaction listeners on a SQLite engine (once)."""
    if not event.contains(engine, "connect", _on_connect):
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)


def _on_connect(dbapi_connection: sqlite3.Connection, connection_record) -> None:
    """Hand transaction control to SQLAlchemy, wait for locks, and use write-ahead logging."""
    # No implicit BEGIN (nor COMMIT before DDL) from the driver: _on_begin emits BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            # Readers never block the writer, nor the writer the readers. Persistent in the file.
            cursor.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            pass  # a read-only file keeps its journal mode; reading it still works
    finally:
        cursor.close()


def begin_statement() -> str | None:
    """Return how the next transaction begins, or None to leave it to the driver (see above)."""
    if has_request_context():
        return "BEGIN" if request.method in READING_METHODS else "BEGIN IMMEDIATE"
    command = click.get_current_context(silent=True)
    if command is not None and command.info_name not in INTERACTIVE_COMMANDS:
        return "BEGIN IMMEDIATE"
    return None


def _on_begin(connection: Connection) -> None:
    """Begin the transaction that SQLAlchemy starts (not in AUTOCOMMIT mode, which has none)."""
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return
    driver = connection.connection.driver_connection
    statement = begin_statement()
    if statement is None:
        driver.isolation_level = ""  # the driver's default: BEGIN before INSERT/UPDATE/DELETE
        return
    driver.isolation_level = None
    # Straight on the driver's connection: BEGIN is no query of the app's, and statement
    # counters (before_cursor_execute) should not count it.
    driver.execute(statement)
