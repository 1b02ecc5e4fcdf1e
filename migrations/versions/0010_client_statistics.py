"""client statistics: a quarter's counts per group (client_statistics), its new/closed cells
(client_count), the group's categories (client_category) and their counts (client_category_count)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 12:17:53.157649

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('client_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_client_category_group_id_po_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_category')),
    sa.UniqueConstraint('group_id', 'kind', 'name', name=op.f('uq_client_category_group_id'))
    )
    with op.batch_alter_table('client_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_category_group_id'), ['group_id'], unique=False)

    op.create_table('client_statistics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('clients_at_start', sa.Integer(), nullable=False),
    sa.Column('clients_at_end', sa.Integer(), nullable=False),
    sa.Column('with_minor_children', sa.Integer(), nullable=False),
    sa.Column('with_children_at_home', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_client_statistics_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_client_statistics_group_id_po_group')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_client_statistics_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_statistics')),
    sa.UniqueConstraint('group_id', 'year', 'quarter', name=op.f('uq_client_statistics_group_id'))
    )
    with op.batch_alter_table('client_statistics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_statistics_group_id'), ['group_id'], unique=False)

    op.create_table('client_category_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statistics_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['client_category.id'], name=op.f('fk_client_category_count_category_id_client_category')),
    sa.ForeignKeyConstraint(['statistics_id'], ['client_statistics.id'], name=op.f('fk_client_category_count_statistics_id_client_statistics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_category_count')),
    sa.UniqueConstraint('statistics_id', 'category_id', name=op.f('uq_client_category_count_statistics_id'))
    )
    with op.batch_alter_table('client_category_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_category_count_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_category_count_statistics_id'), ['statistics_id'], unique=False)

    op.create_table('client_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statistics_id', sa.Integer(), nullable=False),
    sa.Column('flow', sa.String(length=16), nullable=False),
    sa.Column('gender', sa.String(length=16), nullable=False),
    sa.Column('age_group', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['statistics_id'], ['client_statistics.id'], name=op.f('fk_client_count_statistics_id_client_statistics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_count')),
    sa.UniqueConstraint('statistics_id', 'flow', 'gender', 'age_group', name=op.f('uq_client_count_statistics_id'))
    )
    with op.batch_alter_table('client_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_count_statistics_id'), ['statistics_id'], unique=False)



def downgrade():
    with op.batch_alter_table('client_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_count_statistics_id'))

    op.drop_table('client_count')
    with op.batch_alter_table('client_category_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_category_count_statistics_id'))
        batch_op.drop_index(batch_op.f('ix_client_category_count_category_id'))

    op.drop_table('client_category_count')
    with op.batch_alter_table('client_statistics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_statistics_group_id'))

    op.drop_table('client_statistics')
    with op.batch_alter_table('client_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_category_group_id'))

    op.drop_table('client_category')
