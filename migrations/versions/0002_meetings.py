"""agenda templates, meetings, agenda items, proposals, responses, outgoing mail, calendar token

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 01:00:20.030137

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agenda_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('meeting_minutes', sa.Integer(), nullable=False),
    sa.Column('max_new_system_errors', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_agenda_template_group_id_po_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_template'))
    )
    with op.batch_alter_table('agenda_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_template_group_id'), ['group_id'], unique=False)

    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_outgoing_mail_group_id_po_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_mail_sent_at'), ['sent_at'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('video_link', sa.String(length=500), nullable=True),
    sa.Column('max_new_system_errors', sa.Integer(), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notice_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_meeting_group_id_po_group')),
    sa.ForeignKeyConstraint(['template_id'], ['agenda_template.id'], name=op.f('fk_meeting_template_id_agenda_template'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_status'), ['status'], unique=False)

    op.create_table('template_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('item_type', sa.String(length=32), nullable=False),
    sa.Column('standing_kind', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_template_item_group_id_po_group')),
    sa.ForeignKeyConstraint(['parent_id'], ['template_item.id'], name=op.f('fk_template_item_parent_id_template_item')),
    sa.ForeignKeyConstraint(['template_id'], ['agenda_template.id'], name=op.f('fk_template_item_template_id_agenda_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template_item'))
    )
    with op.batch_alter_table('template_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_template_item_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_template_item_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_template_item_template_id'), ['template_id'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('item_type', sa.String(length=32), nullable=False),
    sa.Column('presenter_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('standing_kind', sa.String(length=32), nullable=True),
    sa.Column('is_confidential', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_agenda_item_group_id_po_group')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agenda_item_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['parent_id'], ['agenda_item.id'], name=op.f('fk_agenda_item_parent_id_agenda_item')),
    sa.ForeignKeyConstraint(['presenter_id'], ['membership.id'], name=op.f('fk_agenda_item_presenter_id_membership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_item_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_item_parent_id'), ['parent_id'], unique=False)

    op.create_table('meeting_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=32), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_meeting_response_group_id_po_group')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_response_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_meeting_response_membership_id_membership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_response')),
    sa.UniqueConstraint('meeting_id', 'membership_id', name=op.f('uq_meeting_response_meeting_id'))
    )
    with op.batch_alter_table('meeting_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_response_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_response_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_response_membership_id'), ['membership_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_proposal_agenda_item_id_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_proposal_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['group_id'], ['po_group.id'], name=op.f('fk_proposal_group_id_po_group')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_proposal_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['proposer_id'], ['user_account.id'], name=op.f('fk_proposal_proposer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_proposer_id'), ['proposer_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_account_calendar_token_hash'), ['calendar_token_hash'])



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_calendar_token_hash'), type_='unique')
        batch_op.drop_column('calendar_token_hash')

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_proposer_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_group_id'))

    op.drop_table('proposal')
    with op.batch_alter_table('meeting_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_response_membership_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_response_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_response_group_id'))

    op.drop_table('meeting_response')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_parent_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_item_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_item_group_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('template_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_template_item_template_id'))
        batch_op.drop_index(batch_op.f('ix_template_item_parent_id'))
        batch_op.drop_index(batch_op.f('ix_template_item_group_id'))

    op.drop_table('template_item')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_status'))
        batch_op.drop_index(batch_op.f('ix_meeting_starts_at'))
        batch_op.drop_index(batch_op.f('ix_meeting_group_id'))

    op.drop_table('meeting')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_sent_at'))
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_group_id'))

    op.drop_table('outgoing_mail')
    with op.batch_alter_table('agenda_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_template_group_id'))

    op.drop_table('agenda_template')
