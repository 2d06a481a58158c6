"""Per-request database session from the session factory the app factory keeps on app.state."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from assistant.db import session_scope


def _request_session(request: Request) -> Iterator[Session]:
    # pages (GET) only read: no write lock on SQLite
    with session_scope(request.app.state.sessions,
                       read_only=request.method in ("GET", "HEAD")) as session:  # fmt: skip
        yield session


DB_SESSION = Depends(_request_session, scope="function")
"""The request's session, committed before the response is sent (FastAPI's default for a
yield dependency commits after it): the page a POST redirects to must read what it wrote, and a
commit that fails must be an error, not a redirect that already said it worked."""
