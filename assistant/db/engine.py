"""Engine and session factory. SQLite gets foreign keys on and WAL for concurrent readers.

SQLite transactions begin IMMEDIATE (they take the write lock at once) unless the session was
opened read-only (`session_scope(..., read_only=True)`: GET requests, health): a transaction that first
reads and then writes would otherwise fail with "database is locked" when another writer
committed in between (WAL snapshots cannot be upgraded), which is what parallel taps on one
basket do. The driver's own transaction handling is switched off so that BEGIN and
SAVEPOINT are SQLAlchemy's (pysqlite's recipe).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

READ_ONLY = "handla_read_only"
BUSY_TIMEOUT_MS = 30_000
"""How long a write waits for SQLite's one write lock: many tablets at once queue for it
(each holds it for milliseconds) rather than fail; a catalog import holds it longer."""


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite files get the pragmas above on every connection."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session], *, read_only: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception. `read_only` takes no
    write lock on SQLite (see the module docstring), so it never waits for a writer."""
    session = factory()
    if read_only:
        session.connection(execution_options={READ_ONLY: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def changed_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (`Session.execute` is typed as a plain Result;
    for these statements it is a CursorResult)."""
    return cast("CursorResult[Any]", result).rowcount
