"""hand-off: file-drop channel, per-attempt records, outbox lease and cancelled rows

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from assistant.db.migrate import sqlite_foreign_keys_off

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CHANNELS_BEFORE = "order_channel IN ('webhook', 'email')"
CHANNELS_AFTER = "order_channel IN ('webhook', 'email', 'file')"
OUTBOX_BEFORE = "status IN ('pending', 'delivered', 'failed')"
OUTBOX_AFTER = "status IN ('pending', 'delivered', 'failed', 'cancelled')"


def _replace_check(table: str, name: str, before: str, after: str) -> None:
    full_name = op.f(f"ck_{table}_{name}")
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(full_name, type_="check")
        batch.create_check_constraint(name, after)


def upgrade() -> None:
    with sqlite_foreign_keys_off():
        _replace_check("store", "order_channel", CHANNELS_BEFORE, CHANNELS_AFTER)
    _replace_check("outbox_message", "status", OUTBOX_BEFORE, OUTBOX_AFTER)
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "delivery_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("worker", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('sending', 'done', 'failed', 'interrupted')",
            name=op.f("ck_delivery_attempt_state"),
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox_message.id"],
            name=op.f("fk_delivery_attempt_outbox_id_outbox_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempt")),
    )
    with op.batch_alter_table("delivery_attempt") as batch:
        batch.create_index(batch.f("ix_delivery_attempt_outbox_id"), ["outbox_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery_attempt") as batch:
        batch.drop_index(batch.f("ix_delivery_attempt_outbox_id"))
    op.drop_table("delivery_attempt")
    op.execute("UPDATE outbox_message SET status = 'failed' WHERE status = 'cancelled'")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("leased_until")
    _replace_check("outbox_message", "status", OUTBOX_AFTER, OUTBOX_BEFORE)
    op.execute("UPDATE store SET order_channel = 'email', order_target = '' "
               "WHERE order_channel = 'file'")  # fmt: skip
    with sqlite_foreign_keys_off():
        _replace_check("store", "order_channel", CHANNELS_AFTER, CHANNELS_BEFORE)
