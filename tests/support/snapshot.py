"""A snapshot of every row in the test database, taken once and restored before each test.

Seeding the demo data through the services costs far more than writing its rows back, so the
``demo`` fixture seeds once per session, captures the rows here and restores them for every
later test. Nothing lists tables by hand: the snapshot covers every table of the metadata (in
its dependency order) and, on SQLite, every virtual table (the FTS5 search index, filled by
the services rather than by triggers). On PostgreSQL the search index is an expression index
that the restored rows fill by themselves.

Rows are written on a plain connection (COPY on PostgreSQL, SQLAlchemy Core INSERTs on SQLite),
outside the ORM session, so the session listeners (the audit trail and its append-only guard)
never see them; the audit rows of the seeding are restored like any other rows. (The ``demo``
fixture restores a SQLite database by copying it whole instead: tests/conftest.py.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import Integer, Table, insert, select, text
from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class VirtualTable:
    """The rows of a SQLite virtual table (such as FTS5), with their rowids."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


@dataclass(frozen=True)
class Snapshot:
    """Every row of the database at one moment, in an order that can be inserted back."""

    tables: tuple[tuple[Table, tuple[Mapping, ...]], ...]
    virtual_tables: tuple[VirtualTable, ...]
    #: PostgreSQL: (sequence name, the largest id it must not hand out again)
    sequences: tuple[tuple[str, int], ...]
    #: PostgreSQL: (COPY's table and column list, the rows in COPY's text format), written back
    #: with one COPY a table; the columns are named, since a migrated table may order them otherwise
    copies: tuple[tuple[str, bytes], ...] = ()


def sqlite_virtual_tables(connection: Connection) -> list[str]:
    """Return the names of the SQLite virtual tables (FTS5 and the like), not their shadow tables."""
    return list(
        connection.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
            )
        ).scalars()
    )


def _parents_first(table: Table, rows: list[Mapping]) -> list[Mapping]:
    """Order a table's rows so that a row referring to its own table comes after the row it names.

    Self-referencing foreign keys (a substitute's membership, a sub-item's parent) are left out of
    the table order, so without this an insert could name a row that is not there yet.
    """
    links = [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]
    if not links:
        return rows
    placed: set[tuple[str, object]] = set()
    ordered: list[Mapping] = []
    waiting = list(rows)
    while waiting:
        still_waiting = []
        for row in waiting:
            if all(row[column] is None or (target, row[column]) in placed for column, target in links):
                ordered.append(row)
                placed.update((target, row[target]) for _, target in links)
            else:
                still_waiting.append(row)
        if len(still_waiting) == len(waiting):
            raise RuntimeError(f"rows of {table.name} refer to each other in a cycle; cannot restore them")
        waiting = still_waiting
    return ordered


def _freeze(row: Mapping) -> Mapping:
    """Return a read-only copy of a row, so that no test can change the snapshot through it."""
    return MappingProxyType(dict(row))


def capture(connection: Connection, tables: Sequence[Table]) -> Snapshot:
    """Read every row of the tables (given in dependency order) and of the SQLite virtual tables."""
    captured = []
    for table in tables:
        rows = [dict(row) for row in connection.execute(select(table)).mappings()]
        captured.append((table, tuple(_freeze(row) for row in _parents_first(table, rows))))

    virtual = []
    sequences = []
    copies = []
    if connection.dialect.name == "sqlite":
        for name in sqlite_virtual_tables(connection):
            result = connection.execute(text(f'SELECT rowid, * FROM "{name}" ORDER BY rowid'))
            columns = tuple(result.keys())[1:]
            virtual.append(VirtualTable(name, columns, tuple(tuple(row) for row in result)))
    elif connection.dialect.name == "postgresql":
        for table, rows in captured:
            for column in table.primary_key.columns:
                if not rows or not isinstance(column.type, Integer):
                    continue
                sequence = connection.execute(
                    text("SELECT pg_get_serial_sequence(:table, :column)"),
                    {"table": table.name, "column": column.name},
                ).scalar()
                if sequence is not None:
                    sequences.append((sequence, max(row[column.name] for row in rows)))
        with connection.connection.driver_connection.cursor() as cursor:
            for table, rows in captured:
                if rows:
                    columns = ", ".join(f'"{c.name}"' for c in table.columns if c.computed is None)
                    target = f'"{table.name}" ({columns})'
                    with cursor.copy(f"COPY {target} TO STDOUT") as copy:
                        copies.append((target, b"".join(bytes(chunk) for chunk in copy)))
    return Snapshot(tuple(captured), tuple(virtual), tuple(sequences), tuple(copies))


def restore(connection: Connection, snapshot: Snapshot) -> None:
    """Write the snapshot's rows into an empty database, with the same ids and values.

    Afterwards the next id of every table follows the restored rows, as after seeding, and the
    SQLite search index holds exactly what it held when the snapshot was taken.
    """
    if snapshot.copies:
        # COPY writes the rows as PostgreSQL printed them, several times faster than INSERTs.
        with connection.connection.driver_connection.cursor() as cursor:
            for target, data in snapshot.copies:
                with cursor.copy(f"COPY {target} FROM STDIN") as copy:
                    copy.write(data)
    else:
        for table, rows in snapshot.tables:
            if rows:
                connection.execute(insert(table), [dict(row) for row in rows])
    for virtual in snapshot.virtual_tables:
        # Emptied first in case triggers filled it from the rows just written.
        connection.execute(text(f'DELETE FROM "{virtual.name}"'))
        if virtual.rows:
            names = ", ".join(f'"{c}"' for c in virtual.columns)
            marks = ", ".join(f":c{i}" for i in range(len(virtual.columns)))
            statement = text(f'INSERT INTO "{virtual.name}" (rowid, {names}) VALUES (:rowid, {marks})')
            connection.execute(
                statement,
                [
                    {"rowid": row[0], **{f"c{i}": value for i, value in enumerate(row[1:])}}
                    for row in virtual.rows
                ],
            )
    if snapshot.sequences:
        calls = ", ".join(
            f"setval(CAST(:sequence{i} AS regclass), :value{i})" for i in range(len(snapshot.sequences))
        )
        values = {}
        for i, (name, value) in enumerate(snapshot.sequences):
            values[f"sequence{i}"] = name
            values[f"value{i}"] = value
        connection.execute(text(f"SELECT {calls}"), values)
