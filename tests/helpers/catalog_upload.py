"""A catalog uploaded through the admin page, as a browser posts it (for the web and security
tests)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from httpx import Response


def upload_catalog(client: TestClient, token: str, name: str, body: bytes, store: str) -> Response:
    """Upload; then the import's page once the import (running beside the app) has ended, or
    the refusal."""
    response = client.post(
        "/admin/catalog",
        data={"csrf_token": token, "store": store},
        files={"file": (name, body, "text/csv")},
        follow_redirects=False,
    )
    if response.status_code != 303:
        return response
    deadline = time.monotonic() + 120
    while True:
        page = client.get(response.headers["location"])
        if "data-import-status" not in page.text or time.monotonic() > deadline:
            return page
        time.sleep(0.1)
