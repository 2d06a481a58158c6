"""per-client debug recording that expires

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 08:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("debug_recording_until", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("client") as batch:
        batch.drop_column("debug_recording_until")
