"""search by group: the register's SQLite search index holds each report's group

SQLite: the FTS5 table system_error_search gets a third column, grp, holding the report's group as
one token (g17), and a search matches "grp : g17 AND {title body} : (…)", so FTS5 reads the
group's rows and the terms' rows together and a search no longer grows with the reports of other
groups (bench/PROFILE.md). FTS5 tables cannot take a new column: the table is made again and filled
from the old one (its stems are kept as they are) and the reports' groups. Downgrading makes the
two-column table again from the three-column one.

PostgreSQL: nothing; its GIN index is combined with the group's b-tree index by the planner.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 19:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLE = "system_error_search"
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"


def _remake(columns: str, select: str) -> None:
    """Make the FTS5 table again with ``columns``, filled by ``select`` from the old one."""
    op.execute(f"CREATE VIRTUAL TABLE {TABLE}_new USING fts5({columns}, {TOKENIZE})")
    op.execute(f"INSERT INTO {TABLE}_new (rowid, {columns}) {select}")
    op.execute(f"DROP TABLE {TABLE}")
    op.execute(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    _remake(
        "title, body, grp",
        f"SELECT s.rowid, s.title, s.body, 'g' || r.group_id FROM {TABLE} s "
        "JOIN system_error_report r ON r.id = s.rowid",
    )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    _remake("title, body", f"SELECT rowid, title, body FROM {TABLE}")
