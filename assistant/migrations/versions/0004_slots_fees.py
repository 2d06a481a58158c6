"""weekly slot patterns, fee thresholds, who pays (client agreement) and fees as charged

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:00:00

On SQLite only columns are added to store, client and order (a copy of those tables would,
with foreign keys on, null or refuse what points at them); SQLite takes a column's CHECK in
ADD COLUMN, so there the column is written out in full. delivery_slot is copied (see below).
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from assistant.db.migrate import sqlite_foreign_keys_off

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# every new column of an existing table: (table, column DDL, constraint name, constraint)
NEW_COLUMNS = [
    ("store", "picking_free_from_ore INTEGER", None, None),
    (
        "store",
        "delivery_free_from_ore INTEGER",
        "ck_store_free_from_non_negative",
        "CHECK ((picking_free_from_ore IS NULL OR picking_free_from_ore >= 0)"
        " AND (delivery_free_from_ore IS NULL OR delivery_free_from_ore >= 0))",
    ),
    ("store", "slots_generated_at DATETIME", None, None),
    ("client", "unit VARCHAR(100) DEFAULT '' NOT NULL", None, None),
    ("client", "picking_payer VARCHAR(20) DEFAULT 'client' NOT NULL", None, None),
    (
        "client",
        "delivery_payer VARCHAR(20) DEFAULT 'client' NOT NULL",
        "ck_client_fee_payers",
        "CHECK (picking_payer IN ('client', 'municipality')"
        " AND delivery_payer IN ('client', 'municipality'))",
    ),
    ("client", "pays_by_invoice BOOLEAN DEFAULT 1 NOT NULL", None, None),
    (
        "order",
        "municipality_fees_ore INTEGER DEFAULT 0 NOT NULL",
        "ck_order_municipality_fees_non_negative",
        "CHECK (municipality_fees_ore >= 0)",
    ),
    ("order", "unit VARCHAR(100) DEFAULT '' NOT NULL", None, None),
    ("order", "fee_detail JSON DEFAULT '[]' NOT NULL", None, None),
]


def _create_pattern_table() -> None:
    op.create_table(
        "slot_pattern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("cutoff_hours", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name=op.f("ck_slot_pattern_weekday")),
        sa.CheckConstraint("ends > starts", name=op.f("ck_slot_pattern_ordered_times")),
        sa.CheckConstraint(
            "capacity >= 1 AND capacity <= 1000", name=op.f("ck_slot_pattern_capacity")
        ),
        sa.CheckConstraint(
            "cutoff_hours >= 0 AND cutoff_hours <= 336", name=op.f("ck_slot_pattern_cutoff")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["store.id"],
            name=op.f("fk_slot_pattern_store_id_store"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot_pattern")),
        sa.UniqueConstraint(
            "store_id", "weekday", "starts", name=op.f("uq_slot_pattern_store_day_start")
        ),
    )


def _add_pattern_id(batch: Any) -> None:
    batch.add_column(sa.Column("pattern_id", sa.Integer()))
    batch.create_foreign_key(
        "fk_delivery_slot_pattern_id_slot_pattern",
        "slot_pattern",
        ["pattern_id"],
        ["id"],
        ondelete="SET NULL",
    )


def _upgrade_sqlite() -> None:
    for table, column, name, constraint in NEW_COLUMNS:
        extra = f" CONSTRAINT {name} {constraint}" if name else ""
        op.execute(f'ALTER TABLE "{table}" ADD COLUMN {column}{extra}')
    _copy_delivery_slot(_add_pattern_id)


def _copy_delivery_slot(change: Any) -> None:
    """SQLite: a foreign key is a table constraint only a copy of the table can take or lose.
    Dropping the old delivery_slot (foreign keys on) sets every order's slot_id to NULL, so
    they are kept aside and put back (the copy keeps the slot ids)."""
    op.execute(
        'CREATE TEMPORARY TABLE keep_order_slot AS SELECT id, slot_id FROM "order"'
        " WHERE slot_id IS NOT NULL"
    )
    with op.batch_alter_table("delivery_slot", recreate="always") as batch:
        change(batch)
    op.execute(
        'UPDATE "order" SET slot_id = (SELECT k.slot_id FROM keep_order_slot AS k'
        ' WHERE k.id = "order".id) WHERE id IN (SELECT id FROM keep_order_slot)'
    )
    op.execute("DROP TABLE keep_order_slot")


def _upgrade_other() -> None:
    with op.batch_alter_table("store") as batch:
        batch.add_column(sa.Column("picking_free_from_ore", sa.Integer()))
        batch.add_column(sa.Column("delivery_free_from_ore", sa.Integer()))
        batch.add_column(sa.Column("slots_generated_at", sa.DateTime(timezone=True)))
        batch.create_check_constraint(
            "ck_store_free_from_non_negative",
            "(picking_free_from_ore IS NULL OR picking_free_from_ore >= 0)"
            " AND (delivery_free_from_ore IS NULL OR delivery_free_from_ore >= 0)",
        )
    with op.batch_alter_table("delivery_slot") as batch:
        _add_pattern_id(batch)
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("unit", sa.String(100), nullable=False, server_default=""))
        for payer in ("picking_payer", "delivery_payer"):
            batch.add_column(
                sa.Column(payer, sa.String(20), nullable=False, server_default="client")
            )
        batch.add_column(
            sa.Column("pays_by_invoice", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.create_check_constraint(
            "ck_client_fee_payers",
            "picking_payer IN ('client', 'municipality')"
            " AND delivery_payer IN ('client', 'municipality')",
        )
    with op.batch_alter_table("order") as batch:
        batch.add_column(
            sa.Column("municipality_fees_ore", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("unit", sa.String(100), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("fee_detail", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch.create_check_constraint(
            "ck_order_municipality_fees_non_negative", "municipality_fees_ore >= 0"
        )


def upgrade() -> None:
    _create_pattern_table()
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_other()
    op.create_index(
        op.f("ix_delivery_slot_pattern_id"), "delivery_slot", ["pattern_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_delivery_slot_pattern_id"), table_name="delivery_slot")
    if op.get_bind().dialect.name == "sqlite":
        # DROP COLUMN (SQLite 3.35+) takes a column with its own CHECK or REFERENCES; the
        # columns go in reverse order so that no remaining CHECK names a dropped column
        # the store goes by a copy: a later copy of the table (0006) made its CHECK a table
        # constraint, which DROP COLUMN refuses
        with sqlite_foreign_keys_off(), op.batch_alter_table("store", recreate="always") as batch:
            batch.drop_constraint(op.f("ck_store_free_from_non_negative"), type_="check")
            for table, column, _name, _constraint in reversed(NEW_COLUMNS):
                if table == "store":
                    batch.drop_column(column.split()[0])
        for table, column, _name, _constraint in reversed(NEW_COLUMNS):
            if table != "store":
                op.execute(f'ALTER TABLE "{table}" DROP COLUMN {column.split()[0]}')
        _copy_delivery_slot(lambda batch: batch.drop_column("pattern_id"))
    else:
        for table, check in (
            ("order", "ck_order_municipality_fees_non_negative"),
            ("client", "ck_client_fee_payers"),
            ("store", "ck_store_free_from_non_negative"),
        ):
            op.drop_constraint(check, table, type_="check")
        op.drop_constraint(
            "fk_delivery_slot_pattern_id_slot_pattern", "delivery_slot", type_="foreignkey"
        )
        for table, column, _name, _constraint in reversed(NEW_COLUMNS):
            op.drop_column(table, column.split()[0])
        op.drop_column("delivery_slot", "pattern_id")
    op.drop_table("slot_pattern")
