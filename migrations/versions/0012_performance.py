"""performance: composite indexes for the register's lists, counts, filter choices and waiting list

The register's pages read these indexes instead of scanning the wide system_error_report rows
(each holds its texts and the search text): the list by status and date, the unfiltered list by
date, the counts per status and level (covering what the visibility rule reads), the owner and
reporter filters' choices, the start page's reports past their review date and those a member's
organisation is to fix. On PostgreSQL the search's tsvector becomes a stored generated column that
the GIN index and the ranking read. See bench/PROFILE.md.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 15:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLE = "system_error_report"
INDEXES = {
    "ix_system_error_report_group_status_submitted": ["group_id", "status", "submitted_at"],
    "ix_system_error_report_group_submitted": ["group_id", "submitted_at"],
    "ix_system_error_report_group_counts": ["group_id", "status", "level", "reporter_id", "is_confidential"],
    "ix_system_error_report_group_owner": ["group_id", "owner_id"],
    "ix_system_error_report_group_reporter": ["group_id", "reporter_id", "status", "is_confidential"],
    "ix_system_error_report_group_review": ["group_id", "status", "next_review_on"],
    "ix_system_error_report_group_fixer": ["group_id", "fixer_organisation_id", "status"],
}


#: PostgreSQL: the search's tsvector, stored (the GIN index and ts_rank read it, instead of an
#: expression index whose every ranked hit parsed its text again; po_meetings/models/system_error.py).
VECTOR = (
    "ALTER TABLE system_error_report ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('swedish', search_text)) STORED"
)
VECTOR_INDEX = "CREATE INDEX ix_system_error_report_search ON system_error_report USING gin (search_vector)"
#: The index as migration 0003 made it, for the downgrade.
EXPRESSION_INDEX = (
    "CREATE INDEX ix_system_error_report_search ON system_error_report "
    "USING gin (to_tsvector('swedish', search_text))"
)


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, TABLE, columns)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_system_error_report_search")
        op.execute(VECTOR)
        op.execute(VECTOR_INDEX)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's planner weighs its indexes by the statistics ANALYZE gathers; without them it
        # guesses that "group_id = ?" matches a few rows and may walk a whole group's index
        # where a search's few matches would do. PostgreSQL's autovacuum keeps its own.
        op.execute("ANALYZE")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_system_error_report_search")
        op.execute("ALTER TABLE system_error_report DROP COLUMN search_vector")
        op.execute(EXPRESSION_INDEX)
    for name in INDEXES:
        op.drop_index(name, table_name=TABLE)
