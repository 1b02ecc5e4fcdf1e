"""Numbers that run per group and year (SF-2026-007, § 12), taken without races.

Each kind of number has one counter row per group and year (NumberCounter). Taking a number
updates that row in the caller's transaction with one atomic statement, ``INSERT … ON CONFLICT
DO UPDATE … RETURNING``, on PostgreSQL and SQLite (≥ 3.35) alike. The update locks the row until
the transaction ends, so a second writer in the same group and year waits for the first to
commit and then gets the next number; if the first rolls back, so does its number. The numbers
stay gapless as long as the transaction that takes a number keeps it.

On SQLite the first write locks the whole database; po_meetings.database begins the transactions
of writing requests and of commands with ``BEGIN IMMEDIATE``, so that what they read before
cannot go stale.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from .dates import local_year
from .extensions import db
from .models import NumberCounter, utcnow

#: System-error reports: SF-<year>-<number>.
SYSTEM_ERROR = "system_error"
#: §§ of the minutes, per group and calendar year.
PARAGRAPH = "paragraph"

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def swedish_year(now: datetime | None = None) -> int:
    """Return the calendar year in Sweden at a moment (now by default)."""
    return local_year(now or utcnow())


def _upsert(group_id: int, kind: str, year: int, step: int) -> int:
    """Add ``step`` to the counter (creating it at ``step``), lock its row and return its value."""
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(NumberCounter).values(group_id=group_id, kind=kind, year=year, last_value=step)
    statement = statement.on_conflict_do_update(
        index_elements=[NumberCounter.group_id, NumberCounter.kind, NumberCounter.year],
        set_={"last_value": NumberCounter.last_value + step},
    ).returning(NumberCounter.last_value)
    return db.session.execute(statement).scalar_one()


def next_number(group_id: int, kind: str, year: int) -> int:
    """Take the next number of a kind in a group's year (1 for the first) for this transaction."""
    return _upsert(group_id, kind, year, 1)


def reserve(group_id: int, kind: str, year: int, count: int) -> int:
    """Take ``count`` numbers in a row at once (for bulk data); return the first of them."""
    return _upsert(group_id, kind, year, count) - count + 1


def lock(group_id: int, kind: str, year: int) -> int:
    """Wait for and hold the counter of a group's year until the transaction ends; return its value.

    For numbers that are worked out rather than taken one by one (the §§ of a year are renumbered
    as a whole): the writers of one group and year then run one after the other.
    """
    return _upsert(group_id, kind, year, 0)


def record(group_id: int, kind: str, year: int, last_value: int) -> None:
    """Set the last number given of a kind in a group's year (call it holding ``lock``)."""
    db.session.execute(
        update(NumberCounter)
        .where(NumberCounter.group_id == group_id, NumberCounter.kind == kind, NumberCounter.year == year)
        .values(last_value=last_value)
    )
