"""The app on a migrated database with staff anna, admin chef, client Greta (anna's) and a store
with one product, for the security tests (imported by them; not a test module)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Client, Product, StaffUser, Store
from assistant.staff_accounts import hash_password
from assistant.web.app import create_app

PASSWORD = "rätt-lösenord-123"
BASE = "http://127.0.0.1"


@dataclass
class World:
    app: FastAPI
    client: TestClient
    client_id: int
    product_id: int

    def browser(self) -> TestClient:
        """Another browser (its own cookies) on the same app."""
        return TestClient(self.app, base_url=BASE)

    def login(self, username: str, password: str = PASSWORD, browser: TestClient | None = None):
        browser = browser or self.client
        return browser.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": csrf(browser)},
            follow_redirects=False,
        )


@contextmanager
def running_world(url: str, tmp_path: Path, **client_options: Any) -> Iterator[World]:
    """The seeded app on the migrated database at `url`, with a test client."""
    client_id, product_id = seed(url)
    app = make_app(url, tmp_path)
    with TestClient(app, base_url=BASE, **client_options) as client:
        yield World(app, client, client_id, product_id)
    app.state.engine.dispose()


def csrf(browser: TestClient, path: str = "/login") -> str:
    page = browser.get(path).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(
        r'data-csrf="([^"]+)"', page
    )
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def seed(url: str, image_url: str | None = None) -> tuple[int, int]:
    engine = make_engine(url)
    password_hash = hash_password(PASSWORD)
    with session_scope(make_sessionmaker(engine)) as session:
        anna = StaffUser(username="anna", password_hash=password_hash)
        chef = StaffUser(username="chef", password_hash=password_hash, role="admin")
        milk = Product(key="1", name="Mellanmjölk", price_ore=1495, department="Mejeri",
                       image_url=image_url)  # fmt: skip
        store = Store(name="Testbutiken", products=[milk])
        greta = Client(display_name="Greta", staff=[anna], store=store)
        session.add_all([anna, chef, greta])
        session.flush()
        ids = greta.id, milk.id
    engine.dispose()
    return ids


def make_app(url: str, tmp_path: Path, **overrides: object) -> FastAPI:
    """The app factory as `handla serve` calls it, listening on 127.0.0.1 unless `overrides`
    (single settings) say otherwise."""
    catalog = tmp_path / "catalog"
    catalog.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=url,
        catalog_dir=catalog,
        models_dir=tmp_path / "no-models",
        secret_key="a-test-secret-key",
        host="127.0.0.1",
        port=8000,
        rasa_url="http://127.0.0.1:9",  # nothing listens: the chat says the assistant is off
        rasa_token="",
        action_server_url="http://127.0.0.1:9",
    )
    return create_app(dataclasses.replace(settings, **overrides))
