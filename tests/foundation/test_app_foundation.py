"""The app migrates, imports the demo catalog on first start, reports health and serves pictures
to logged-in staff."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from assistant.db import session_scope
from assistant.db.models import StaffUser
from assistant.staff_accounts import hash_password
from assistant.web.app import create_app


def test_health_and_picture(tmp_path, monkeypatch) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "testbutiken.csv").write_text("name,price,department\nMjölk,12.90,Mejeri\n")
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HANDLA_CATALOG_DIR", str(catalog))
    app = create_app()
    client = TestClient(app)
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["writable"] is True
    assert health["products_per_store"] == {"Testbutiken": 1}
    assert client.get("/api/products/1/image", follow_redirects=False).status_code == 303
    with session_scope(app.state.sessions) as session:
        session.add(StaffUser(username="sara", password_hash=hash_password("ett-långt-lösenord")))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": "sara", "password": "ett-långt-lösenord",
                                "csrf_token": token})  # fmt: skip
    picture = client.get("/api/products/1/image")
    assert picture.headers["content-type"].startswith("image/svg+xml")
    assert "Mjölk" in picture.text
    assert client.get("/api/products/999/image").status_code == 404
