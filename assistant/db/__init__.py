"""Database: engine/session factory, typed models and migrations."""

from assistant.db.engine import changed_rows, make_engine, make_sessionmaker, session_scope
from assistant.db.migrate import upgrade_database

__all__ = ["changed_rows", "make_engine", "make_sessionmaker", "session_scope", "upgrade_database"]
