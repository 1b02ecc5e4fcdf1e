"""annual reports: the yearly report per group and year (annual_report) and its final versions
with their frozen content and PDF checksum (annual_report_version)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 14:29:20.215963

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('annual_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.Column('posts_this_year', sa.Integer(), nullable=True),
    sa.Column('persons_this_year', sa.Integer(), nullable=True),
    sa.Column('posts_planned', sa.Integer(), nullable=True),
    sa.Column('persons_planned', sa.Integer(), nullable=True),
    sa.Column('placement', sa.Text(), nullable=True),
    sa.Column('mandate', sa.Text(), nullable=True),
    sa.Column('quality_work', sa.Text(), nullable=True),
    sa.Column('supervision', sa.Text(), nullable=True),
    sa.Column('training', sa.Text(), nullable=True),
    sa.Column('changes_this_year', sa.Text(), nullable=True),
    sa.Column('changes_planned', sa.Text(), nullable=True),
    sa.Column('contact_tendencies', sa.Text(), nullable=True),
    sa.Column('special_groups', sa.Text(), nullable=True),
    sa.Column('guidelines', sa.Text(), nullable=True),
    sa.Column('priority_rules', sa.Text(), nullable=True),
    sa.Column('system_error_work', sa.Text(), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_annual_report_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_annual_report_group_id_po_group')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_annual_report_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report')),
    sa.UniqueConstraint('group_id', 'year', name=op.f('uq_annual_report_group_id'))
    )
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_report_group_id'), ['group_id'], unique=False)

    op.create_table('annual_report_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.Column('finalised_by_id', sa.Integer(), nullable=True),
    sa.Column('finalised_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['finalised_by_id'], ['user_account.id'], name=op.f('fk_annual_report_version_finalised_by_id_user_account')),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_annual_report_version_group_id_po_group')),
    sa.ForeignKeyConstraint(['report_id'], ['annual_report.id'], name=op.f('fk_annual_report_version_report_id_annual_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report_version')),
    sa.UniqueConstraint('report_id', 'number', name=op.f('uq_annual_report_version_report_id'))
    )
    with op.batch_alter_table('annual_report_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_report_version_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_report_version_report_id'), ['report_id'], unique=False)



def downgrade():
    with op.batch_alter_table('annual_report_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_report_version_report_id'))
        batch_op.drop_index(batch_op.f('ix_annual_report_version_group_id'))

    op.drop_table('annual_report_version')
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_report_group_id'))

    op.drop_table('annual_report')
