"""search by group on PostgreSQL: the register's tsvector holds each report's group

PostgreSQL: the stored search_vector gets one more lexeme, the report's group ("#g17", which the
Swedish parser never makes from text), and a search matches "terms & '#g17'". The GIN index then
finds the group's matches by itself. Before, a search matched the terms in every group and
filtered by group afterwards, or (as the planner chose with 200,000 reports in ten groups) read
each of the group's reports to test its vector: ~65 ms against ~12 (bench/PROFILE.md, round 6).
The generated column is made again with the new expression, and its index with it. Downgrading
makes them again without the group.

SQLite: nothing; its FTS5 table has held the group since 0013.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 01:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

WORDS = "to_tsvector('swedish', search_text)"
GROUP = "array_to_tsvector(ARRAY['#g' || group_id::text])"
INDEX = "CREATE INDEX ix_system_error_report_search ON system_error_report USING gin (search_vector)"


def _remake(expression: str) -> None:
    """Make the stored search vector and its GIN index again with ``expression``."""
    op.execute("DROP INDEX IF EXISTS ix_system_error_report_search")
    op.execute("ALTER TABLE system_error_report DROP COLUMN search_vector")
    op.execute(
        "ALTER TABLE system_error_report ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({expression}) STORED"
    )
    op.execute(INDEX)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _remake(f"{WORDS} || {GROUP}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _remake(WORDS)
