"""hand-off: file-drop channel, per-attempt records, outbox lease and cancelled rows

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:00:00
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CHANNELS_BEFORE = "order_channel IN ('webhook', 'email')"
CHANNELS_AFTER = "order_channel IN ('webhook', 'email', 'file')"
OUTBOX_BEFORE = "status IN ('pending', 'delivered', 'failed')"
OUTBOX_AFTER = "status IN ('pending', 'delivered', 'failed', 'cancelled')"


@contextmanager
def _foreign_keys_off_on_sqlite() -> Iterator[None]:
    """SQLite changes a CHECK constraint by copying the table and dropping the old one; with
    foreign keys on, dropping `store` would cascade to its slots and clients. SQLite's own
    recipe: foreign keys off (only possible outside a transaction), copy, check, on again."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    raw = bind.connection.dbapi_connection
    if raw.in_transaction:  # alembic's version bookkeeping of earlier revisions in this run
        raw.commit()
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        yield
        problems = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign key problems after the table copy: {problems[:5]}")
    finally:
        if raw.in_transaction:
            raw.commit()
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def _replace_check(table: str, name: str, before: str, after: str) -> None:
    full_name = op.f(f"ck_{table}_{name}")
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(full_name, type_="check")
        batch.create_check_constraint(name, after)


def upgrade() -> None:
    with _foreign_keys_off_on_sqlite():
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
    with _foreign_keys_off_on_sqlite():
        _replace_check("store", "order_channel", CHANNELS_AFTER, CHANNELS_BEFORE)
