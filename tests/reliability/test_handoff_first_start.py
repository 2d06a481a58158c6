"""Ready to order from the first start: a store the demo catalog creates gets the file-drop
channel, so an order placed right away is handed over within seconds and can be opened."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from handoff_support import PASSWORD
from sqlalchemy import select

from assistant.config import load_settings
from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Client, DeliverySlot, Product, StaffUser, Store
from assistant.orders import ORDER_STATUS_TEXT
from assistant.staff_accounts import hash_password
from assistant.web.app import create_app

WILLYS = (
    "name,brand_and_size,price,savings,compare_price,compare_unit,sort_order\n"
    'Lingongrova,"PÅGEN, 500g",29.95,0,59.9,kr/kg,1\n'
    'Mellanmjölk 1.5%,"ARLA, 1l",14.90,0,14.9,kr/l,2\n'
)


def _seed(url: str) -> tuple[int, int]:
    """Staff anna with a client in the demo store, and a slot (what an admin adds first)."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    with session_scope(make_sessionmaker(engine)) as s:
        store = s.scalars(select(Store)).one()
        assert (store.name, store.order_channel, store.order_target) == (
            "Willys 2023",
            "file",
            "willys-2023",
        )
        client = Client(display_name="Greta", store=store)
        s.add(StaffUser(username="anna", password_hash=hash_password(PASSWORD), clients=[client]))
        s.add(DeliverySlot(store=store, starts_at=now + timedelta(days=2), capacity=5,
                           ends_at=now + timedelta(days=2, hours=2),
                           cutoff_at=now + timedelta(days=1)))  # fmt: skip
        s.flush()
        bread = s.scalars(select(Product).where(Product.name == "Lingongrova")).one()
        ids = client.id, bread.id
    engine.dispose()
    return ids


def _fields(page: str, action: str) -> dict[str, str]:
    form = re.search(rf'action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form for {action}"
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))


def test_an_order_right_after_the_first_start_is_handed_over_and_can_be_opened(
    migrated_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("HANDLA_DATA_DIR", str(data))
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "willys_2023.csv").write_text(WILLYS, encoding="utf-8")
    settings = dataclasses.replace(load_settings(), database_url=migrated_url, catalog_dir=catalog)
    app = create_app(settings)  # the first start imports the demo catalog
    client_id, bread = _seed(migrated_url)
    with TestClient(app, base_url="http://127.0.0.1") as http:
        login = _fields(http.get("/login").text, "/login")
        http.post("/login", data={**login, "username": "anna", "password": PASSWORD})
        page = http.get(f"/clients/{client_id}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        http.post(f"/clients/{client_id}/basket",
                  data={"csrf_token": token, "product_id": str(bread), "quantity": "12"})  # fmt: skip
        slot = re.search(r'name="slot_id" value="(\d+)"', http.get(f"/clients/{client_id}").text)
        http.post(f"/clients/{client_id}/slot", data={"csrf_token": token, "slot_id": slot[1]})
        page = http.get(f"/clients/{client_id}").text
        confirm = {**_fields(page, f"/clients/{client_id}/confirm"), "armed": "1"}
        receipt = http.post(f"/clients/{client_id}/confirm", data=confirm,
                            follow_redirects=False).headers["location"]  # fmt: skip
        folder = data / "outgoing" / "willys-2023"
        deadline = time.monotonic() + 20
        while not list(folder.glob("*.csv")) and time.monotonic() < deadline:
            time.sleep(0.05)  # the worker was woken by the confirm
        shown = http.get(receipt).text
        while ORDER_STATUS_TEXT["sent"] not in shown and time.monotonic() < deadline:
            time.sleep(0.05)
            shown = http.get(receipt).text
        assert ORDER_STATUS_TEXT["sent"] in shown
    app.state.engine.dispose()
    (sheet,) = folder.glob("*.csv")
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Artikelnr", "Vara", "Antal"]
    assert any(row[1].startswith("Lingongrova") and row[2] == "12" for row in rows[1:])
    assert sheet.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
