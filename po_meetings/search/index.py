"""The search index of the group's decisions, §§ and agenda items (the register has its own).

SQLite: one FTS5 table, :data:`INDEX_TABLE`, holding the Swedish stems (po_meetings.stemming) of
each row's title and text, kept up to date by mapper listeners on every insert, update and delete
of a decision, § or agenda item, whichever service makes it. Its rowid is the row's id and kind
together (:func:`rowid`), so a row's entry is replaced without a scan. An entry whose row is gone
(a delete in bulk) matches nothing, as every search joins the real table.

PostgreSQL: no table; a GIN index over each table's ``to_tsvector('swedish', …)``
(:data:`DOCUMENTS`), which the queries use with the very same expression.

Both are made by migration 0008 (which also fills the SQLite table for existing rows) and, for
``db.create_all()``, by the DDL listeners below.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import DDL, event, text

from ..extensions import db
from ..models import AgendaItem, Decision, Paragraph
from ..stemming import stems

INDEX_TABLE = "search_index"
INDEX_PREFIX = "ix_search_"


class Kind(Enum):
    """What the group search finds, by its code in the index's rowid."""

    DECISION = 1
    PARAGRAPH = 2
    ITEM = 3


#: Each kind's table and the text that is searched: (table, title column, text column).
SOURCES = {
    Kind.DECISION: ("decision", None, "text"),
    Kind.PARAGRAPH: ("paragraph", "title", "body"),
    Kind.ITEM: ("agenda_item", "title", "description"),
}
#: PostgreSQL: each kind's document, as the GIN index and the queries spell it.
DOCUMENTS = {
    Kind.DECISION: "to_tsvector('swedish', coalesce(decision.text, ''))",
    Kind.PARAGRAPH: "to_tsvector('swedish', paragraph.title || ' ' || coalesce(paragraph.body, ''))",
    Kind.ITEM: "to_tsvector('swedish', agenda_item.title || ' ' || coalesce(agenda_item.description, ''))",
}

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {INDEX_TABLE} USING fts5("
    "kind UNINDEXED, ref_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 0')"
)


def postgresql_ddl(kind: Kind) -> str:
    """Return the CREATE INDEX of a kind's GIN index on PostgreSQL."""
    table = SOURCES[kind][0]
    return f"CREATE INDEX IF NOT EXISTS {INDEX_PREFIX}{table} ON {table} USING gin (({DOCUMENTS[kind]}))"


def rowid(kind: Kind, ref_id: int) -> int:
    """Return the index rowid of a row of a kind."""
    return ref_id * 4 + kind.value


def write(connection, kind: Kind, ref_id: int, title: str | None, body: str | None) -> None:
    """Put a row's stems into the SQLite index, replacing what it held."""
    connection.execute(
        text(f"DELETE FROM {INDEX_TABLE} WHERE rowid = :rowid"), {"rowid": rowid(kind, ref_id)}
    )
    connection.execute(
        text(
            f"INSERT INTO {INDEX_TABLE} (rowid, kind, ref_id, title, body) "
            "VALUES (:rowid, :kind, :ref_id, :title, :body)"
        ),
        {
            "rowid": rowid(kind, ref_id),
            "kind": kind.value,
            "ref_id": ref_id,
            "title": stems(title),
            "body": stems(body),
        },
    )


def _texts(kind: Kind, target) -> tuple[str | None, str | None]:
    """Return the title and text a row of a kind is searched by."""
    _, title, body = SOURCES[kind]
    return (getattr(target, title) if title else None), getattr(target, body)


def _on_write(kind: Kind):
    """Return a mapper listener that indexes an inserted or updated row (SQLite only)."""

    def listener(mapper, connection, target) -> None:
        if connection.dialect.name == "sqlite":
            write(connection, kind, target.id, *_texts(kind, target))

    return listener


def _on_delete(kind: Kind):
    """Return a mapper listener that drops a deleted row's entry (SQLite only)."""

    def listener(mapper, connection, target) -> None:
        if connection.dialect.name == "sqlite":
            connection.execute(
                text(f"DELETE FROM {INDEX_TABLE} WHERE rowid = :rowid"), {"rowid": rowid(kind, target.id)}
            )

    return listener


for _kind, _model in ((Kind.DECISION, Decision), (Kind.PARAGRAPH, Paragraph), (Kind.ITEM, AgendaItem)):
    event.listen(_model, "after_insert", _on_write(_kind))
    event.listen(_model, "after_update", _on_write(_kind))
    event.listen(_model, "after_delete", _on_delete(_kind))

event.listen(db.metadata, "after_create", DDL(SQLITE_DDL).execute_if(dialect="sqlite"))
for _kind in Kind:
    event.listen(db.metadata, "after_create", DDL(postgresql_ddl(_kind)).execute_if(dialect="postgresql"))
event.listen(
    db.metadata, "before_drop", DDL(f"DROP TABLE IF EXISTS {INDEX_TABLE}").execute_if(dialect="sqlite")
)
