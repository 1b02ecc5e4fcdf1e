"""systemfel register

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 01:38:34.724589

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS system_error_search USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0')"
)
POSTGRESQL_SEARCH_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_system_error_report_search ON system_error_report "
    "USING gin (to_tsvector('swedish', search_text))"
)


def _create_search() -> None:
    """Create the full-text search table (SQLite FTS5) or index (PostgreSQL, Swedish)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_SEARCH_DDL)
    elif dialect == "postgresql":
        op.execute(POSTGRESQL_SEARCH_DDL)


def _drop_search() -> None:
    """Drop the full-text search table or index."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS system_error_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_system_error_report_search")


def upgrade():
    op.create_table('system_error_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('number_year', sa.Integer(), nullable=True),
    sa.Column('number_seq', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('causes', sa.Text(), nullable=True),
    sa.Column('consequences', sa.Text(), nullable=True),
    sa.Column('fixer_organisation_id', sa.Integer(), nullable=True),
    sa.Column('who_can_fix', sa.String(length=300), nullable=True),
    sa.Column('proposal', sa.Text(), nullable=True),
    sa.Column('system_view', sa.Text(), nullable=True),
    sa.Column('level', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('client_count', sa.Integer(), nullable=True),
    sa.Column('is_confidential', sa.Boolean(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_system_error_report_agenda_item_id_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fixer_organisation_id'], ['organisation.id'], name=op.f('fk_system_error_report_fixer_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_system_error_report_group_id_po_group')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_system_error_report_meeting_id_meeting'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['membership.id'], name=op.f('fk_system_error_report_owner_id_membership')),
    sa.ForeignKeyConstraint(['reporter_id'], ['user_account.id'], name=op.f('fk_system_error_report_reporter_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_system_error_report')),
    sa.UniqueConstraint('group_id', 'number_year', 'number_seq', name=op.f('uq_system_error_report_group_id'))
    )
    with op.batch_alter_table('system_error_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_system_error_report_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_system_error_report_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_system_error_report_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_system_error_report_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_system_error_report_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_system_error_report_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_system_error_report_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('escalation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=32), nullable=False),
    sa.Column('body_other', sa.String(length=200), nullable=True),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=200), nullable=True),
    sa.Column('reply_expected_by', sa.Date(), nullable=True),
    sa.Column('reply_received_on', sa.Date(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_escalation_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_escalation_group_id_po_group')),
    sa.ForeignKeyConstraint(['report_id'], ['system_error_report.id'], name=op.f('fk_escalation_report_id_system_error_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation'))
    )
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalation_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalation_report_id'), ['report_id'], unique=False)

    op.create_table('occurrence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('client_count', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_occurrence_group_id_po_group')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_occurrence_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['report_id'], ['system_error_report.id'], name=op.f('fk_occurrence_report_id_system_error_report')),
    sa.ForeignKeyConstraint(['reporter_id'], ['user_account.id'], name=op.f('fk_occurrence_reporter_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occurrence'))
    )
    with op.batch_alter_table('occurrence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_occurrence_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_occurrence_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_occurrence_reporter_id'), ['reporter_id'], unique=False)

    op.create_table('report_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=True),
    sa.Column('to_status', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_report_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_report_event_group_id_po_group')),
    sa.ForeignKeyConstraint(['report_id'], ['system_error_report.id'], name=op.f('fk_report_event_report_id_system_error_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_event'))
    )
    with op.batch_alter_table('report_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_event_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_event_report_id'), ['report_id'], unique=False)

    op.create_table('report_follower',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_report_follower_group_id_po_group')),
    sa.ForeignKeyConstraint(['report_id'], ['system_error_report.id'], name=op.f('fk_report_follower_report_id_system_error_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_report_follower_user_id_user_account')),
    sa.PrimaryKeyConstraint('report_id', 'user_id', name=op.f('pk_report_follower'))
    )
    with op.batch_alter_table('report_follower', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_follower_group_id'), ['group_id'], unique=False)

    op.create_table('report_organisation',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_report_organisation_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['report_id'], ['system_error_report.id'], name=op.f('fk_report_organisation_report_id_system_error_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'organisation_id', name=op.f('pk_report_organisation'))
    )

    _create_search()


def downgrade():
    _drop_search()
    op.drop_table('report_organisation')
    with op.batch_alter_table('report_follower', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_follower_group_id'))

    op.drop_table('report_follower')
    with op.batch_alter_table('report_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_event_report_id'))
        batch_op.drop_index(batch_op.f('ix_report_event_group_id'))

    op.drop_table('report_event')
    with op.batch_alter_table('occurrence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occurrence_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_occurrence_report_id'))
        batch_op.drop_index(batch_op.f('ix_occurrence_group_id'))

    op.drop_table('occurrence')
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_report_id'))
        batch_op.drop_index(batch_op.f('ix_escalation_group_id'))

    op.drop_table('escalation')
    with op.batch_alter_table('system_error_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_system_error_report_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_system_error_report_status'))
        batch_op.drop_index(batch_op.f('ix_system_error_report_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_system_error_report_owner_id'))
        batch_op.drop_index(batch_op.f('ix_system_error_report_level'))
        batch_op.drop_index(batch_op.f('ix_system_error_report_group_id'))
        batch_op.drop_index(batch_op.f('ix_system_error_report_category'))

    op.drop_table('system_error_report')
