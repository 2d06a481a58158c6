"""one open basket per client

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 08:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'basket'")


def upgrade() -> None:
    # Should a client have two open baskets from before, the newest stays open and the older
    # ones are cancelled (kept, with their lines, for the audit trail).
    op.execute(
        """
        UPDATE "order" SET status = 'cancelled'
        WHERE status = 'basket' AND id NOT IN (
            SELECT max(id) FROM "order" WHERE status = 'basket' GROUP BY client_id
        )
        """
    )
    op.create_index(
        "uq_order_one_basket_per_client",
        "order",
        ["client_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("uq_order_one_basket_per_client", table_name="order")
