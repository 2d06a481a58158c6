"""open choices and the dialogue as basket state; one line per product; the day's chat

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STATUSES = "status IN ('ok', 'needs_staff', 'needs_choice')"
OLD_STATUSES = "status IN ('ok', 'needs_staff', 'confirmed', 'unavailable')"


def upgrade() -> None:
    # Parallel adds made several lines of one product before: fold them into the first line
    # so that the unique constraint below can hold.
    op.execute(
        """
        UPDATE order_line SET quantity = (
            SELECT sum(other.quantity) FROM order_line other
            WHERE other.order_id = order_line.order_id
              AND other.product_id = order_line.product_id
              AND other.status = order_line.status)
        WHERE product_id IS NOT NULL AND id IN (
            SELECT min(id) FROM order_line WHERE product_id IS NOT NULL
            GROUP BY order_id, product_id, status HAVING count(*) > 1)
        """
    )
    op.execute(
        """
        DELETE FROM order_line WHERE product_id IS NOT NULL AND id NOT IN (
            SELECT min(id) FROM order_line WHERE product_id IS NOT NULL
            GROUP BY order_id, product_id, status)
        """
    )
    op.execute("UPDATE order_line SET status = 'ok' WHERE status NOT IN ('ok', 'needs_staff')")
    with op.batch_alter_table("order_line") as batch:
        batch.add_column(sa.Column("said_unit", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("said_quantity", sa.Numeric(10, 3), nullable=True))
        batch.add_column(
            sa.Column("candidates", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch.add_column(sa.Column("choice_reason", sa.String(length=20), nullable=True))
        batch.add_column(
            sa.Column("shown_from", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.drop_constraint(op.f("ck_order_line_status"), type_="check")
        batch.create_check_constraint("status", STATUSES)
        batch.create_unique_constraint(
            op.f("uq_order_line_product"), ["order_id", "product_id", "status"]
        )
    # a plain ADD COLUMN: copying "order" on SQLite would cascade to its lines and outbox rows
    op.add_column(
        "order", sa.Column("dialogue", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
    )
    op.create_table(
        "chat_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "speaker IN ('client', 'assistant')", name=op.f("ck_chat_message_speaker")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_chat_message_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_message")),
    )
    op.create_index("ix_chat_message_client_at", "chat_message", ["client_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_chat_message_client_at", table_name="chat_message")
    op.drop_table("chat_message")
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+: no copy of "order" (see upgrade)
        op.execute('ALTER TABLE "order" DROP COLUMN dialogue')
    else:
        op.drop_column("order", "dialogue")
    op.execute("DELETE FROM order_line WHERE status = 'needs_choice'")
    with op.batch_alter_table("order_line") as batch:
        batch.drop_constraint(op.f("uq_order_line_product"), type_="unique")
        batch.drop_constraint(op.f("ck_order_line_status"), type_="check")
        batch.create_check_constraint("status", OLD_STATUSES)
        for column in ("shown_from", "choice_reason", "candidates", "said_quantity", "said_unit"):
            batch.drop_column(column)
