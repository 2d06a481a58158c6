"""What routes depend on: the request's database session (read-only on SQLite for GET, HEAD
and routes that declare `reads_only`), the logged-in staff member and the admin, the month a
report is for.

    def page(session: SessionDep, staff: StaffDep) -> Response: ...
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from assistant.db import session_scope
from assistant.db.enums import StaffRole
from assistant.db.models import StaffUser
from assistant.orders.slots import LOCAL_TZ
from assistant.web.security import LoginRequired, session_staff


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


SessionDep = Annotated[Session, Depends(_request_session, scope="function")]
"""The request's session, committed before the response is sent (FastAPI's default for a
yield dependency commits after it): the page a POST redirects to must read what it wrote, and a
commit that fails must be an error, not a redirect that already said it worked."""


def current_staff(request: Request, session: SessionDep) -> StaffUser:
    staff = session_staff(session, request)
    if staff is None:
        request.session.clear()
        raise LoginRequired
    return staff


StaffDep = Annotated[StaffUser, Depends(current_staff)]
"""The logged-in staff member (else a redirect to /login)."""


def require_admin(staff: StaffDep) -> StaffUser:
    if staff.role != StaffRole.ADMIN:
        raise HTTPException(status_code=403, detail="Bara administratörer har tillgång.")
    return staff


AdminDep = Annotated[StaffUser, Depends(require_admin)]
"""The logged-in staff member, who must be an admin (else 403)."""


MONTH_PATTERN = r"^\d{4}-\d{2}$"


def chosen_month(
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> tuple[int, int]:
    """`?month=2026-11` as (year, month); this month (Swedish time) when not given."""
    if not month:
        today = datetime.now(LOCAL_TZ)
        return today.year, today.month
    year, number = month.split("-")
    return int(year), int(number)


MonthDep = Annotated[tuple[int, int], Depends(chosen_month)]


def wake_outbox(request: Request) -> None:
    """Hand a just-committed order to its store now rather than at the worker's next look."""
    worker = getattr(request.app.state, "outbox_worker", None)
    if worker is not None:
        worker.wake()
