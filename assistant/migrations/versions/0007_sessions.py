"""server-side staff sessions and failed logins for throttling

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_user.id"],
            name="fk_staff_session_staff_id_staff_user",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_staff_session"),
    )
    op.create_index("ix_staff_session_staff_id", "staff_session", ["staff_id"])
    op.create_index("ix_staff_session_expires_at", "staff_session", ["expires_at"])
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failure"),
    )
    op.create_index("ix_login_failure_failed_at", "login_failure", ["failed_at"])
    op.create_index(
        "ix_login_failure_username_failed_at", "login_failure", ["username", "failed_at"]
    )
    op.create_index("ix_login_failure_address_failed_at", "login_failure", ["address", "failed_at"])


def downgrade() -> None:
    op.drop_table("login_failure")
    op.drop_table("staff_session")
