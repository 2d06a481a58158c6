"""Run the Alembic migrations that ship inside the package (no alembic.ini needed)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # imported when migrating, not by every process

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str) -> None:
    """Bring the database at url to the newest schema; safe to call on every start."""
    from alembic import command

    command.upgrade(alembic_config(url), "head")
    log.debug("database schema at the newest migration")


@contextmanager
def sqlite_foreign_keys_off() -> Iterator[None]:
    """For a migration step that copies a table on SQLite (to change a CHECK or a column that
    a table constraint names): dropping the old table with foreign keys on would cascade to
    the rows that point at it. SQLite's own recipe: foreign keys off (only possible outside a
    transaction), copy, check, on again. Does nothing on other databases."""
    from alembic import op

    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    raw: Any = bind.connection.dbapi_connection  # sqlite3.Connection
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
