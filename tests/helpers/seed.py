"""Seed data shared by the tests: the small demo store and the web world (staff anna and
bertil, admin chef, clients Greta and Harry), and a delivery slot."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Client, DeliverySlot, Offer, Product, StaffUser, Store
from assistant.staff_accounts import hash_password

PASSWORD = "rätt-lösenord-123"


@functools.cache
def known_hash(password: str = PASSWORD) -> str:
    """The argon2 hash of a test password, made once per process (hashing is slow on purpose)."""
    return hash_password(password)


def _product(name: str, brand: str, size: str, ml_or_g: tuple[int, str], price_ore: int, dept: str):
    amount, unit = ml_or_g
    return Product(
        key=f"{name}-{size}", name=name, brand=brand, size_text=size, size_amount=amount,
        size_unit=unit, price_ore=price_ore, department=dept,
    )  # fmt: skip


def demo_store() -> Store:
    """A small demo catalog: three breads (one on offer) and milk in two sizes."""
    store = Store(name="Testbutiken", order_channel="file", order_target="testbutiken",
                  picking_fee_ore=4900, delivery_fee_ore=2900, invoice_fee_ore=1900)  # fmt: skip
    lingon = _product("Lingongrova", "Pågen", "500g", (500, "g"), 2995, "Bröd")
    lingon.offers = [Offer(kind="multibuy", quantity=2, price_ore=5000, label="2 för 50 kr")]
    store.products = [
        _product("Skogaholmslimpa", "Pågen", "775g", (775, "g"), 3295, "Bröd"),
        lingon,
        _product("Formfranska", "Skogaholm", "600g", (600, "g"), 2595, "Bröd"),
        _product("Mellanmjölk 1,5%", "Arla", "1l", (1000, "ml"), 1495, "Mejeri"),
        _product("Mellanmjölk 1,5%", "Arla", "1,5l", (1500, "ml"), 1995, "Mejeri"),
        _product("Standardmjölk 3%", "Arla", "1l", (1000, "ml"), 1595, "Mejeri"),
    ]
    return store


@dataclass
class WebWorld:
    client: TestClient
    anna_client_id: int
    bertil_client_id: int

    def csrf(self, path: str = "/login") -> str:
        page = self.client.get(path)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, username: str, password: str = PASSWORD) -> Response:
        token = self.csrf()
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            follow_redirects=False,
        )


def seed_world(url: str) -> tuple[int, int]:
    """Staff anna and bertil, admin chef (all with PASSWORD), clients Greta (anna's) and Harry."""
    engine = make_engine(url)
    password_hash = known_hash()
    with session_scope(make_sessionmaker(engine)) as session:
        anna = StaffUser(username="anna", password_hash=password_hash)
        bertil = StaffUser(username="bertil", password_hash=password_hash)
        admin = StaffUser(username="chef", password_hash=password_hash, role="admin")
        store = demo_store()
        greta = Client(display_name="Greta", staff=[anna], store=store)
        harry = Client(display_name="Harry", staff=[bertil], store=store)
        session.add_all([anna, bertil, admin, greta, harry])
        session.flush()
        ids = greta.id, harry.id
    engine.dispose()
    return ids


def add_slot(
    session: Session,
    store: Store,
    starts: datetime,
    capacity: int,
    *,
    hours: int = 2,
    cutoff_hours: int = 12,
) -> DeliverySlot:
    """A delivery slot of `hours` from `starts`, its last order `cutoff_hours` before."""
    slot = DeliverySlot(store=store, starts_at=starts, ends_at=starts + timedelta(hours=hours),
                        capacity=capacity, cutoff_at=starts - timedelta(hours=cutoff_hours))  # fmt: skip
    session.add(slot)
    return slot
