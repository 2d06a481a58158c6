"""A one-time notice shown on the page a form redirects to: a text ("Sparat."), and on the
client's page the lines just added ("Lagt i korgen") and short notes about what was understood.

It travels in the signed session cookie with the path it belongs to, so it is shown once, on
that page only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import RedirectResponse

MAX_NOTICE = 500
KEY = "notice"


@dataclass(frozen=True)
class Notice:
    text: str = ""
    added: tuple[int, ...] = ()
    """Basket lines just added (the client's page shows them under "Lagt i korgen")."""
    notes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text


def saved(
    request: Request,
    path: str,
    text: str = "Sparat.",
    anchor: str = "",
    *,
    added: Iterable[int] = (),
    notes: Iterable[str] = (),
) -> RedirectResponse:
    """Redirect to `path` (after a successful POST) and show the notice there once."""
    request.session[KEY] = {
        "path": path,
        "text": text[:MAX_NOTICE],
        "added": [int(line_id) for line_id in added],
        "notes": [note[:MAX_NOTICE] for note in notes],
    }
    return RedirectResponse(f"{path}{anchor}", status_code=303)


def take_notice(request: Request) -> Notice:
    """The notice waiting for this page, removed as it is shown (empty when none)."""
    stored = request.session.get(KEY)
    if not (isinstance(stored, dict) and stored.get("path") == request.url.path):
        return Notice()
    del request.session[KEY]
    return Notice(
        str(stored.get("text", "")),
        tuple(int(i) for i in stored.get("added", [])),
        tuple(str(n) for n in stored.get("notes", [])),
    )
