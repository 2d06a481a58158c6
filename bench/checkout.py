"""Checkout figures: pricing a 60-line basket, webhook hand-offs per second, and orders per
second through the database-bound service (basket, slot, confirm, outbox hand-off to a local
webhook), plus the p95 of loading and pricing a 60-line basket from the database.

Run: .venv/bin/python bench/checkout.py   (SQLite in a temp directory; set
HANDLA_BENCH_DATABASE_URL to a PostgreSQL URL to measure that instead)
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from assistant.adapters import OrderSheet, SheetLine
from assistant.adapters.channels import Channels
from assistant.adapters.webhook import deliver_webhook
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import Client, DeliverySlot, Offer, Product, Store
from assistant.orders import (
    add_item,
    basket_for,
    book_slot,
    confirm_order,
    deliver_pending,
    price_order,
)
from assistant.orders.pricing import FeeSchedule, PriceLine, price_basket


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def bench_pricing(runs: int = 2000) -> None:
    lines = [
        PriceLine(f"Vara {i}", 1000 + i, 1 + i % 4, 2 if i % 3 == 0 else 0, 1800) for i in range(60)
    ]
    fees = FeeSchedule(picking=4900, delivery=5900, invoice=1900, minimum_order=30000)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        price_basket(lines, fees)
        times.append(time.perf_counter() - start)
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"pricing 60 lines: p95 {p95 * 1e6:.0f} µs over {runs} runs")


def bench_webhook(orders: int = 300) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ.setdefault("HANDLA_BENCH_SECRET", "bench")
    url = f"http://127.0.0.1:{server.server_port}/"
    sheet = OrderSheet(
        1,
        "Bänk Test",
        "Gatan 1",
        "torsdag 10–12",
        [SheetLine(str(i), f"Vara {i}", "1", 1000) for i in range(12)],
        {},
        12000,
    )
    start = time.perf_counter()
    for n in range(orders):
        deliver_webhook(url, sheet, f"key-{n}", "HANDLA_BENCH_SECRET")
    elapsed = time.perf_counter() - start
    server.shutdown()
    print(f"webhook hand-off: {orders / elapsed:.0f} orders/s ({orders} orders)")


def _seed(sessions, url: str, clients: int) -> tuple[list[int], list[int], int]:
    now = datetime.now(UTC)
    with session_scope(sessions) as s:
        store = Store(name="Bänkbutiken", order_channel="webhook", order_target=url,
                      secret_ref="HANDLA_BENCH_SECRET", picking_fee_ore=4900,
                      delivery_fee_ore=5900, invoice_fee_ore=1900, minimum_order_ore=10000)  # fmt: skip
        s.add(store)
        s.flush()
        products = [Product(store_id=store.id, key=f"v{i}", name=f"Vara {i}", price_ore=1000 + i,
                            sold_by="kg" if i % 10 == 0 else "st") for i in range(60)]  # fmt: skip
        for p in products[1::3]:
            p.offers.append(Offer(kind="multibuy", quantity=2, price_ore=1800))
        people = [Client(display_name=f"Kund {i}", store_id=store.id) for i in range(clients)]
        slot = DeliverySlot(store_id=store.id, starts_at=now + timedelta(days=2),
                            ends_at=now + timedelta(days=2, hours=2), capacity=100000,
                            cutoff_at=now + timedelta(days=1))  # fmt: skip
        s.add_all([*products, *people, slot])
        s.flush()
        return [p.id for p in products], [c.id for c in people], slot.id


def bench_service(orders: int = 150, lines: int = 12, runs: int = 200) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ.setdefault("HANDLA_BENCH_SECRET", "bench")
    tmp = tempfile.TemporaryDirectory()
    db_url = os.environ.get("HANDLA_BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp.name) / 'b.db'}"
    upgrade_database(db_url)
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    products, clients, slot = _seed(sessions, f"http://127.0.0.1:{server.server_port}/", orders + 1)
    channels = Channels()
    confirm_time = 0.0
    start = time.perf_counter()
    for n, client in enumerate(clients[:orders]):
        began = time.perf_counter()
        with session_scope(sessions) as s:
            for i in range(lines):
                add_item(s, client, products[(n + i) % 60], "0,5" if (n + i) % 10 == 0 else 2)
            book_slot(s, client, slot)
            confirm_order(s, client, f"bench-{n}", "client")
        confirm_time += time.perf_counter() - began
        deliver_pending(sessions, channels=channels)
    elapsed = time.perf_counter() - start
    print(f"{engine.dialect.name}: basket of {lines} lines + slot + confirm: "
          f"{orders / confirm_time:.0f} orders/s; with webhook hand-off: "
          f"{orders / elapsed:.0f} orders/s ({orders} orders)")  # fmt: skip

    client = clients[-1]
    with session_scope(sessions) as s:
        for product_id in products:
            add_item(s, client, product_id, "0,5" if product_id == products[0] else 1)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        with session_scope(sessions) as s:
            price_order(s, basket_for(s, client))
        times.append(time.perf_counter() - began)
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"{engine.dialect.name}: load + price a 60-line basket: p95 {p95 * 1e3:.1f} ms "
          f"over {runs} runs")  # fmt: skip
    engine.dispose()
    server.shutdown()
    tmp.cleanup()


if __name__ == "__main__":
    bench_pricing()
    bench_webhook()
    bench_service()
