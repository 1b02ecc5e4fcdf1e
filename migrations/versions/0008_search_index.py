"""search index: Swedish stems for the group search and the register

The group search (/groups/<id>/search) looks in decisions, §§ and agenda items besides the
register, and Swedish inflections find their base form on both databases.

SQLite: a new FTS5 table, search_index (kind, ref_id, title, body), holding the Snowball stems
of every decision's text, every §'s title and text and every agenda item's title and
description (rowid = id * 4 + kind: 1 decision, 2 §, 3 agenda item); the app keeps it up to date
(po_meetings/search/index.py). The register's FTS5 table, system_error_search, is filled again
with the stems of each report's text instead of the text itself. Both are filled here for the
rows that exist. Downgrading drops search_index and puts the register's plain text back.

PostgreSQL: GIN indexes over to_tsvector('swedish', …) of the same texts, spelt exactly as the
queries spell them (po_meetings/search/index.py DOCUMENTS); the register's index is unchanged.

The stemming is done here with snowballstemmer itself, not the app's code, so that this
revision keeps doing what it did when the app changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 07:40:00.000000

"""

import re

import snowballstemmer
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEX_TABLE = "search_index"
REGISTER_TABLE = "system_error_search"
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {INDEX_TABLE} USING fts5("
    "kind UNINDEXED, ref_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 0')"
)
#: kind code, table, title column (or None), text column
SOURCES = (
    (1, "decision", None, "text"),
    (2, "paragraph", "title", "body"),
    (3, "agenda_item", "title", "description"),
)
DOCUMENTS = {
    "decision": "to_tsvector('swedish', coalesce(decision.text, ''))",
    "paragraph": "to_tsvector('swedish', paragraph.title || ' ' || coalesce(paragraph.body, ''))",
    "agenda_item": "to_tsvector('swedish', agenda_item.title || ' ' || coalesce(agenda_item.description, ''))",
}
WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("swedish")


def _stems(text):
    """Return the Swedish stems of a text's words, space-separated."""
    return " ".join(_STEMMER.stemWords([w.lower() for w in WORD.findall(text or "")]))


def _reports(connection):
    """Return (id, title, text) of every report, its text as the register indexes it."""
    rows = connection.execute(sa.text("SELECT id, title, search_text FROM system_error_report")).all()
    return [(rid, title, (search_text or "").partition("\n")[2]) for rid, title, search_text in rows]


def _fill_register(connection, stemmed):
    """Fill the register's FTS5 table again, with stems or with the plain text."""
    connection.execute(sa.text(f"DELETE FROM {REGISTER_TABLE}"))
    rows = [
        {"id": rid, "title": _stems(title) if stemmed else title, "body": _stems(body) if stemmed else body}
        for rid, title, body in _reports(connection)
    ]
    if rows:
        connection.execute(
            sa.text(f"INSERT INTO {REGISTER_TABLE} (rowid, title, body) VALUES (:id, :title, :body)"), rows
        )


def _fill_index(connection):
    """Put the stems of every decision, § and agenda item into search_index."""
    for code, table, title, body in SOURCES:
        title_sql = title or "''"
        found = connection.execute(sa.text(f"SELECT id, {title_sql}, {body} FROM {table}")).all()
        rows = [
            {
                "rowid": ref_id * 4 + code,
                "kind": code,
                "ref_id": ref_id,
                "title": _stems(t),
                "body": _stems(b),
            }
            for ref_id, t, b in found
        ]
        if rows:
            connection.execute(
                sa.text(
                    f"INSERT INTO {INDEX_TABLE} (rowid, kind, ref_id, title, body) "
                    "VALUES (:rowid, :kind, :ref_id, :title, :body)"
                ),
                rows,
            )


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute(SQLITE_DDL)
        _fill_index(connection)
        _fill_register(connection, stemmed=True)
    elif connection.dialect.name == "postgresql":
        for table, document in DOCUMENTS.items():
            op.execute(f"CREATE INDEX IF NOT EXISTS ix_search_{table} ON {table} USING gin (({document}))")


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute(f"DROP TABLE IF EXISTS {INDEX_TABLE}")
        _fill_register(connection, stemmed=False)
    elif connection.dialect.name == "postgresql":
        for table in DOCUMENTS:
            op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
