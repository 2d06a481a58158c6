"""Order-service fixtures: a seeded shop on SQLite and PostgreSQL, a real webhook receiver and
a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Client, Offer, Product, StaffUser, Store
from tests.helpers.seed import add_slot
from tests.helpers.webhook import WebhookReceiver

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SECRET_ENV = "HANDLA_TEST_STORE_SECRET"


@dataclass
class Shop:
    store: int
    other_store: int
    client: int
    other_client: int
    staff: int
    milk: int  # 2 för 25 kr
    bread: int
    apples: int  # sold by kg
    inactive: int
    foreign: int  # another store's product
    slot: int  # capacity 2
    last_place: int  # capacity 1
    past: int
    closed: int  # cut-off passed
    now: datetime = NOW


@pytest.fixture
def sessions(migrated_url: str):
    engine = make_engine(migrated_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def shop(sessions, monkeypatch) -> Shop:
    monkeypatch.setenv(SECRET_ENV, "hemligt")
    with session_scope(sessions) as s:
        store = Store(
            name="Willys Växjö",
            order_channel="webhook",
            order_target="http://127.0.0.1:9/unused",
            secret_ref=SECRET_ENV,
            picking_fee_ore=4900,
            delivery_fee_ore=5900,
            invoice_fee_ore=1900,
            minimum_order_ore=5000,
        )
        other = Store(name="ICA Kvantum")
        staff = StaffUser(username="anna", password_hash="x")
        s.add_all([store, other, staff])
        s.flush()

        def product(name: str, price: int, **kw) -> Product:
            p = Product(store_id=kw.pop("store_id", store.id), key=name, name=name,
                        price_ore=price, **kw)  # fmt: skip
            s.add(p)
            return p

        milk = product("Mellanmjölk", 1450, size_text="1,5 l", article_number="7310865004703")
        milk.offers.append(Offer(kind="multibuy", quantity=2, price_ore=2500, label="2 för 25 kr"))
        bread = product("Lantbröd", 3200)
        apples = product("Äpple Royal Gala", 2995, sold_by="kg")
        inactive = product("Utgången gröt", 2000, active=False)
        foreign = product("Annan butiks bröd", 2500, store_id=other.id)
        client = Client(display_name="Åsa Öberg", store_id=store.id, substitution="similar")
        other_client = Client(display_name="Bertil Ek", store_id=store.id)
        s.add_all([client, other_client])

        slots = [add_slot(s, store, NOW + timedelta(hours=hours), capacity)
                 for hours, capacity in ((48, 2), (72, 1), (-3, 5), (6, 5))]  # fmt: skip
        s.flush()
        return Shop(store.id, other.id, client.id, other_client.id, staff.id, milk.id, bread.id,
                    apples.id, inactive.id, foreign.id, *(sl.id for sl in slots))  # fmt: skip


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A store's webhook that answers 503 to the first `receiver.fail` posts."""
    with WebhookReceiver() as rec:
        yield rec


@pytest.fixture
def webhook_shop(shop: Shop, sessions, receiver: WebhookReceiver) -> Shop:
    with session_scope(sessions) as s:
        s.get(Store, shop.store).order_target = receiver.url
    return shop


class MailServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that answers 451 to the first `fail` messages;
    `seen` holds the Message-ID of every message offered, `accepted` the messages taken."""

    def __init__(self) -> None:
        self.fail = 0
        self.seen: list[str] = []
        self.accepted: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        server = self

        class Handler:
            async def handle_DATA(self, _server, _session, envelope):  # noqa: N802
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                server.seen.append(msg["Message-ID"])
                if server.fail:
                    server.fail -= 1
                    return "451 Försök igen senare"
                server.accepted.append(msg)
                server.recipients.append(list(envelope.rcpt_tos))
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)


@pytest.fixture
def mail_server():
    server = MailServer()
    server.controller.start()
    yield server
    server.controller.stop()
