"""Jinja2 templates with the CSRF token, the logged-in staff and client mode (the client whose
page the tablet is locked to, which hides the staff menu and tools) in every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates

from assistant.web.client_mode import client_mode_of
from assistant.web.security import csrf_token

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATE_DIR))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("staff", None)
    context.setdefault("client_mode", client_mode_of(request.session))
    return templates.TemplateResponse(
        request, name, {"csrf_token": csrf_token(request), **context}, status_code=status_code
    )
