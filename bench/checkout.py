"""Checkout figures (pure part): pricing a 60-line basket and webhook hand-offs per second.

The database-bound confirm + outbox path is added once the models exist (see
/work/notes/readme_orders.md). Run: .venv/bin/python bench/checkout.py
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from assistant.adapters import OrderSheet, SheetLine
from assistant.adapters.webhook import deliver_webhook
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
        [SheetLine(str(i), f"Vara {i}", 1, 1000) for i in range(12)],
        {},
        12000,
    )
    start = time.perf_counter()
    for n in range(orders):
        deliver_webhook(url, sheet, f"key-{n}", "HANDLA_BENCH_SECRET")
    elapsed = time.perf_counter() - start
    server.shutdown()
    print(f"webhook hand-off: {orders / elapsed:.0f} orders/s ({orders} orders)")


if __name__ == "__main__":
    bench_pricing()
    bench_webhook()
