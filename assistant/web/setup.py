"""Mounts the web layer on the app: session cookie, static files, pages and error pages."""

from __future__ import annotations

import sys

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from assistant.db import session_scope
from assistant.orders.errors import NotFound, ServiceError
from assistant.staff_access import SESSION_LIFETIME
from assistant.staff_accounts import FIRST_RUN_HINT, no_staff_yet
from assistant.web import (
    admin,
    admin_catalog,
    admin_people,
    admin_slots,
    api,
    fee_report,
    pages,
    shopping,
    staff,
)
from assistant.web.client_mode import ClientModeGuard
from assistant.web.guards import BAD_INPUT
from assistant.web.security import LoginRequired
from assistant.web.templating import STATIC_DIR, render


def _no_staff_yet(app: FastAPI) -> bool:
    with session_scope(app.state.sessions, read_only=True) as session:
        return no_staff_yet(session)


def install_web(app: FastAPI) -> None:
    """Needs app.state.settings and app.state.sessions (a migrated database)."""
    settings = app.state.settings
    if _no_staff_yet(app):  # first run: say how to create the first admin (no default password)
        print(FIRST_RUN_HINT, file=sys.stderr)
    app.add_middleware(ClientModeGuard)  # inside the session middleware: it reads the session
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="handla_session",
        max_age=int(SESSION_LIFETIME.total_seconds()),
        same_site="lax",
        https_only=settings.secure_cookies,  # see Settings.secure_cookies and HANDLA_HTTPS_ONLY
    )
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(shopping.router)
    app.include_router(shopping.receipts)
    app.include_router(staff.router)
    app.include_router(admin.router)
    app.include_router(admin_slots.router)
    app.include_router(admin_people.router)
    app.include_router(admin_catalog.router)
    app.include_router(fee_report.router)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, exc)
        return render(request, "error.html", status_code=422, message=BAD_INPUT)

    @app.exception_handler(ServiceError)
    async def refused(request: Request, exc: ServiceError) -> Response:
        """A refusal no route explains on its own page: what does not exist is a 404, the rest
        a 422, with the service's Swedish message."""
        status = 404 if isinstance(exc, NotFound) else 422
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.message}, status_code=status)
        return render(request, "error.html", status_code=status, message=exc.message)

    @app.exception_handler(HTTPException)
    async def error_page(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return await http_exception_handler(request, exc)
        return render(request, "error.html", status_code=exc.status_code, message=exc.detail)
