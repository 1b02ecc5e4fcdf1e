"""Count the SQL statements a block of code sends, to keep a page's queries bounded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def counting_queries(engine) -> Iterator[list[str]]:
    """Collect every statement the engine executes inside the block (read its ``len`` after)."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
