"""Per-request database session from the session factory the app factory keeps on app.state."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from assistant.db import session_scope
from assistant.db.engine import read_only


def _request_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.sessions) as session:
        if request.method in ("GET", "HEAD"):
            read_only(session)  # pages only read: no write lock on SQLite
        yield session


DB_SESSION = Depends(_request_session, scope="function")
"""The request's session, committed before the response is sent (FastAPI's default for a
yield dependency commits after it): the page a POST redirects to must read what it wrote, and a
commit that fails must be an error, not a redirect that already said it worked."""
