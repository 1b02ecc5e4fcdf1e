"""meeting day: jäv ground, one-time form tokens (filled in by the meeting-day work)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 07:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
