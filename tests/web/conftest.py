"""A web app on a migrated database, with two staff members, an admin and two clients
(tests/helpers/seed.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import load_settings
from assistant.web.app import create_app
from tests.helpers.seed import WebWorld, seed_world


@pytest.fixture
def web(migrated_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebWorld]:
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path / "data"))
    empty_catalog = tmp_path / "catalog"  # auth tests need no products
    empty_catalog.mkdir()
    settings = dataclasses.replace(
        load_settings(), database_url=migrated_url, catalog_dir=empty_catalog
    )
    ids = seed_world(migrated_url)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield WebWorld(client, *ids)
    app.state.engine.dispose()
