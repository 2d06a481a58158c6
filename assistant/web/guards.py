"""What every request passes: a body size limit, security headers, ids within the database's
range, and clear answers (not bare 500s) for bad values and a database that cannot write."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.exc import DataError, InternalError, OperationalError
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.web.templating import render

MAX_BODY_BYTES = 1024 * 1024
"""Any request body (a form, the chat's JSON) but the catalog upload, which has its own limit."""
MAX_ID = 2**31 - 1
"""Ids are INTEGER columns: anything larger names nothing (and would overflow the driver)."""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "media-src 'self'",
        "connect-src 'self'",  # fetch and the voice WebSocket, same host
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"microphone=(self), camera=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
NOT_FOUND = "Det du söker finns inte."
UNEXPECTED = (
    "Något gick fel hos oss. Ladda om sidan och se efter i varukorgen innan du försöker igen. "
    "Händer det igen, kontakta IT-avdelningen."
)
BAD_INPUT = "Uppgifterna i formuläret är felaktiga. Kontrollera och försök igen."
DATABASE_BUSY = (
    "Databasen var upptagen (till exempel av en katalog som läses in), så det du just gjorde "
    "sparades inte. Försök igen om en liten stund."
)
DATABASE_DOWN = (
    "Databasen går inte att skriva till eller svarar inte just nu, så Handla kunde inte göra det "
    "du bad om. Inget ändrades. Försök igen om en stund, och säg till administratören om det "
    "fortsätter."
)


class BodyLimitMiddleware:
    """413 for a request body over its path's limit: at once from Content-Length, or as soon
    as a body without one grows past it (nothing larger is ever read into memory)."""

    def __init__(self, app: ASGIApp, limits: dict[str, int], default: int = MAX_BODY_BYTES):
        self.app = app
        self.limits = limits
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.default)
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.strip().isdigit() and int(length) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # an HTTPException: FastAPI's body parsing passes it on as is
                    raise HTTPException(413, _too_large_text(limit))
            return message

        await self.app(scope, counted, send)


def _too_large_text(limit: int) -> str:
    return f"Det som skickades är för stort (högst {limit // (1024 * 1024)} MB)."


def _too_large(limit: int) -> Response:
    return PlainTextResponse(_too_large_text(limit), status_code=413)


def missing_headers(headers: list[tuple[bytes, bytes]], https: bool) -> list[tuple[bytes, bytes]]:
    """The security headers an answer lacks; HTML pages (personal data on a shared tablet) are
    not kept in the browser's cache."""
    present = {name.lower() for name, _ in headers}
    missing = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
    content_type = dict(headers).get(b"content-type", b"")
    if content_type.startswith(b"text/html") and b"cache-control" not in present:
        missing.append((b"cache-control", b"no-store"))
    if https:
        missing.append((b"strict-transport-security", b"max-age=31536000"))
    return missing


class SecurityHeadersMiddleware:
    """CSP without inline script or style, no framing, no MIME sniffing, same-origin referrers;
    HTML pages (personal data on a shared tablet) are not kept in the browser's cache."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                https = scope.get("scheme") == "https"
                message = {**message, "headers": headers + missing_headers(headers, https)}
            await send(message)

        await self.app(scope, receive, with_headers)


def ids_in_range(connection: HTTPConnection) -> None:
    """An app-wide dependency: a whole-number path parameter beyond the id columns' range is a
    404 here, before any route hands it to the database driver (which would overflow)."""
    for value in connection.path_params.values():
        digits = str(value).strip().lstrip("+-")
        if digits.isascii() and digits.isdigit() and (len(digits) > 10 or int(digits) > MAX_ID):
            raise HTTPException(404, NOT_FOUND)


def _answer(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "error.html", status_code=status, message=message)


def database_busy(error: OperationalError) -> bool:
    """SQLite's "database is locked": another connection holds the write lock."""
    return getattr(error.orig, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED")


def _read_only(error: InternalError) -> bool:
    """PostgreSQL's "cannot execute … in a read-only transaction" (SQLSTATE 25006)."""
    return getattr(error.orig, "sqlstate", None) == "25006"


def install_guards(app: FastAPI, body_limits: dict[str, int]) -> None:
    """Middleware and error answers; `body_limits` maps a path to its own body limit."""
    app.add_middleware(BodyLimitMiddleware, limits=body_limits)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every answer carries them

    def handler(status: int, message: str) -> Callable[[Request, Exception], Awaitable[Response]]:
        async def answer(request: Request, _error: Exception) -> Response:
            return _answer(request, status, message)

        return answer

    # a number too large for the driver or a value the database refuses: the input is wrong
    app.add_exception_handler(OverflowError, handler(422, BAD_INPUT))
    app.add_exception_handler(DataError, handler(422, BAD_INPUT))

    # read-only, locked, full or unreachable database: the service is unavailable, say so
    async def unavailable(request: Request, error: Exception) -> Response:
        busy = isinstance(error, OperationalError) and database_busy(error)
        return _answer(request, 503, DATABASE_BUSY if busy else DATABASE_DOWN)

    app.add_exception_handler(OperationalError, unavailable)

    async def internal(request: Request, error: Exception) -> Response:
        if isinstance(error, InternalError) and _read_only(error):
            return _answer(request, 503, DATABASE_DOWN)
        raise error

    app.add_exception_handler(InternalError, internal)

    # anything else: Starlette answers it outside every middleware, so the headers go on here
    async def unexpected(request: Request, _error: Exception) -> Response:
        response = _answer(request, 500, UNEXPECTED)
        for name, value in missing_headers(response.raw_headers, request.url.scheme == "https"):
            response.headers.append(name.decode(), value.decode())
        response.headers.setdefault("cache-control", "no-store")  # an error is never kept
        return response

    app.add_exception_handler(Exception, unexpected)
