"""The app migrates, imports the demo catalog on first start, reports health and serves pictures."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.web.app import create_app


def test_health_and_picture(tmp_path, monkeypatch) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "testbutiken.csv").write_text("name,price,department\nMjölk,12.90,Mejeri\n")
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HANDLA_CATALOG_DIR", str(catalog))
    client = TestClient(create_app())
    health = client.get("/api/health").json()
    assert health["status"] == "ok"
    assert health["products_per_store"] == {"Testbutiken": 1}
    picture = client.get("/api/products/1/image")
    assert picture.headers["content-type"].startswith("image/svg+xml")
    assert "Mjölk" in picture.text
    assert client.get("/api/products/999/image").status_code == 404
