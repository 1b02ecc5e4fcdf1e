"""start page indexes: the owner, reporter and fixer indexes cover what the start page reads

The start page counts and lists the reports a member owns, submitted, follows or whose
organisation is to fix. With these three indexes widened by the columns that page filters and
orders by (status, updated_at, the visibility rule's reporter and confidentiality, the other
reasons' owner and fixer, and the id, which PostgreSQL's index does not hold by itself), its counts
read an index only, and its rows are the first few of each index range, instead of every such
report's wide row. A new index finds what a user follows (the follower table's key starts with
the report). See bench/PROFILE.md, round 5.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 21:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLE = "system_error_report"
WIDE = {
    "ix_system_error_report_group_owner": [
        "group_id",
        "owner_id",
        "updated_at",
        "status",
        "reporter_id",
        "is_confidential",
    ],
    "ix_system_error_report_group_reporter": [
        "group_id",
        "reporter_id",
        "status",
        "is_confidential",
        "updated_at",
        "owner_id",
        "fixer_organisation_id",
        "id",
    ],
    "ix_system_error_report_group_fixer": [
        "group_id",
        "fixer_organisation_id",
        "status",
        "updated_at",
        "owner_id",
        "reporter_id",
        "is_confidential",
        "id",
    ],
}
#: The same indexes as migration 0012 made them, for the downgrade.
NARROW = {
    "ix_system_error_report_group_owner": ["group_id", "owner_id"],
    "ix_system_error_report_group_reporter": ["group_id", "reporter_id", "status", "is_confidential"],
    "ix_system_error_report_group_fixer": ["group_id", "fixer_organisation_id", "status"],
}


def _replace(indexes: dict[str, list[str]]) -> None:
    for name, columns in indexes.items():
        op.drop_index(name, table_name=TABLE)
        op.create_index(name, TABLE, columns)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE")  # the planner's statistics for the new indexes (see migration 0012)


#: What a user follows: the follower table's key starts with the report, so the start page read
#: the whole table to find one user's.
FOLLOWER_INDEX = ("ix_report_follower_user", "report_follower", ["user_id", "report_id"])


def upgrade():
    op.create_index(*FOLLOWER_INDEX)
    _replace(WIDE)


def downgrade():
    op.drop_index(FOLLOWER_INDEX[0], table_name=FOLLOWER_INDEX[1])
    _replace(NARROW)
