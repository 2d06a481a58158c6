"""A one-time notice ("Sparat.") shown on the page a form redirects to.

It travels in the signed session cookie with the path it belongs to, so it is shown once, on
that page only.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse

MAX_NOTICE = 500


def saved(request: Request, path: str, text: str = "Sparat.", anchor: str = "") -> RedirectResponse:
    """Redirect to `path` (after a successful POST) and show `text` there once."""
    request.session["notice"] = [path, text[:MAX_NOTICE]]
    return RedirectResponse(f"{path}{anchor}", status_code=303)


def take_notice(request: Request) -> str:
    """The notice waiting for this page, removed as it is shown ("" when none)."""
    stored = request.session.get("notice")
    if not (isinstance(stored, list) and len(stored) == 2 and stored[0] == request.url.path):
        return ""
    del request.session["notice"]
    return str(stored[1])
