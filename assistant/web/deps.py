"""Per-request database session from the session factory the app factory keeps on app.state."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from assistant.db import session_scope


def reads_only(request: Request) -> None:
    """Route dependency, listed before the others: this post only reads through the request's
    session (its writes, if any, go through their own transactions), so on SQLite it takes no
    write lock while it checks the login (the chat, while Rasa answers; a catalog upload, while
    an import holds the lock)."""
    request.state.reads_only = True


def _request_session(request: Request) -> Iterator[Session]:
    # pages (GET) only read: no write lock on SQLite
    read_only = request.method in ("GET", "HEAD") or getattr(request.state, "reads_only", False)
    with session_scope(request.app.state.sessions, read_only=read_only) as session:
        yield session


DB_SESSION = Depends(_request_session, scope="function")
"""The request's session, committed before the response is sent (FastAPI's default for a
yield dependency commits after it): the page a POST redirects to must read what it wrote, and a
commit that fails must be an error, not a redirect that already said it worked."""
