"""number counters

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('number_counter',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_number_counter_group_id_po_group')),
    sa.PrimaryKeyConstraint('group_id', 'kind', 'year', name=op.f('pk_number_counter'))
    )
    # An upgraded database numbers on from what it holds: the highest number per group and year.
    op.execute(
        "INSERT INTO number_counter (group_id, kind, year, last_value) "
        "SELECT group_id, 'system_error', number_year, MAX(number_seq) FROM system_error_report "
        "WHERE number_year IS NOT NULL AND number_seq IS NOT NULL GROUP BY group_id, number_year"
    )
    op.execute(
        "INSERT INTO number_counter (group_id, kind, year, last_value) "
        "SELECT group_id, 'paragraph', year, MAX(number) FROM paragraph GROUP BY group_id, year"
    )


def downgrade():
    op.drop_table('number_counter')
