"""Real stores for the hand-off reliability tests: a webhook endpoint that counts distinct
Idempotency-Keys, an SMTP server (aiosmtpd) that records Message-IDs, servers that trickle
their answer; a seeded shop; the outbox worker as a real process that can be killed."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import select

from assistant.db import session_scope
from assistant.db.models import (
    Client,
    DeliverySlot,
    Order,
    OutboxMessage,
    Product,
    StaffUser,
    Store,
)
from assistant.orders import add_item, book_slot, confirm_order

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SECRET_ENV = "HANDLA_TEST_HANDOFF_SECRET"
LEASE_SECONDS = 2.0  # the worker process's lease: its hand-off deadline is half of it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float = 20, what: str = "it") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        time.sleep(0.01)


class WebhookStore:
    """A store's webhook endpoint on 127.0.0.1. Every POST it takes is counted (`keys`, one
    entry per POST); a store that dedupes by key sees `distinct` orders.

    `hold`: the next request waits until `release` is set; with `take_held` False the store
    never processes it (it died first), with True it counts it before waiting to answer."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.hold = False
        self.take_held = False
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.answered = threading.Event()
        self.lock = threading.Lock()
        store = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers.get("Idempotency-Key", "")
                with store.lock:
                    held, store.hold = store.hold, False
                if held:
                    if store.take_held:
                        store.keys.append(key)
                    store.arrived.set()
                    store.release.wait(30)
                    if not store.take_held:
                        return  # the store went away without a word
                else:
                    store.keys.append(key)
                    store.arrived.set()
                del body
                self.send_response(200)
                self.end_headers()
                store.answered.set()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/orders"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def distinct(self) -> set[str]:
        return set(self.keys)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class MailStore:
    """A real SMTP server (aiosmtpd) on 127.0.0.1. `message_ids` has one entry per message it
    accepted. `hold`: the next DATA waits for `release`; with `take_held` False it is then
    refused (the server never took it), with True accepted."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.hold = False
        self.take_held = False
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.answered = threading.Event()
        store = self

        class Handler:
            async def handle_DATA(self, _server, _session, envelope):  # noqa: N802
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                held, store.hold = store.hold, False
                store.arrived.set()
                if held:
                    await asyncio.get_running_loop().run_in_executor(None, store.release.wait, 30)
                    if not store.take_held:
                        return "451 Försök igen senare"
                store.message_ids.append(msg["Message-ID"])
                store.answered.set()
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.release.set()
        self.controller.stop()


class TricklingServer:
    """Accepts a connection, reads what comes, then sends `reply` one byte every `pause`
    seconds for as long as the client listens (the attack on per-read timeouts)."""

    def __init__(self, reply: bytes, pause: float = 0.2, read_first: bool = True) -> None:
        self.reply, self.pause, self.read_first = reply, pause, read_first
        self.sent = 0
        self.hung_up = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            if self.read_first:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    conn.recv(65536)
            try:
                for byte in self.reply * 100:
                    conn.sendall(bytes([byte]))
                    self.sent += 1
                    time.sleep(self.pause)
            except OSError:
                pass
        self.hung_up.set()

    def close(self) -> None:
        self.listener.close()


@dataclass
class Shop:
    """Three stores (webhook, e-mail, file drop), a client and a slot in each, a product each."""

    webhook_store: int
    mail_store: int
    file_store: int
    clients: dict[int, list[int]] = field(default_factory=dict)  # store id -> client ids
    products: dict[int, int] = field(default_factory=dict)
    slots: dict[int, int] = field(default_factory=dict)


def seed_shop(sessions, webhook_url: str, clients_per_store: int = 1) -> Shop:
    now = datetime.now(UTC)
    with session_scope(sessions) as s:
        stores = [
            Store(name="Webhookbutiken", order_channel="webhook", order_target=webhook_url,
                  secret_ref=SECRET_ENV),
            Store(name="E-postbutiken", order_channel="email", order_target="order@butik.example"),
            Store(name="Filbutiken", order_channel="file", order_target="filbutiken"),
        ]  # fmt: skip
        s.add_all(stores)
        s.flush()
        shop = Shop(*(store.id for store in stores))
        for store in stores:
            product = Product(store_id=store.id, key="mjolk", name="Mellanmjölk", price_ore=1500)
            starts = now + timedelta(days=2)
            slot = DeliverySlot(store_id=store.id, starts_at=starts, capacity=1000,
                                ends_at=starts + timedelta(hours=2),
                                cutoff_at=starts - timedelta(hours=12))  # fmt: skip
            people = [
                Client(display_name=f"Kund {n} i {store.name}", store_id=store.id)
                for n in range(clients_per_store)
            ]
            s.add_all([product, slot, *people])
            s.flush()
            shop.products[store.id], shop.slots[store.id] = product.id, slot.id
            shop.clients[store.id] = [c.id for c in people]
    return shop


def confirm(sessions, shop: Shop, store_id: int, n: int = 0, key: str | None = None) -> int:
    """Confirm an order for the store's `n`th client; returns the order id."""
    client = shop.clients[store_id][n]
    with session_scope(sessions) as s:
        add_item(s, client, shop.products[store_id], 2)
        book_slot(s, client, shop.slots[store_id])
        return confirm_order(s, client, key or f"key-{store_id}-{n}", "client").id


def order_status(sessions, order_id: int) -> str:
    with session_scope(sessions) as s:
        return s.scalar(select(Order.status).where(Order.id == order_id))


def outbox_row(sessions, order_id: int) -> int:
    with session_scope(sessions) as s:
        return s.scalar(select(OutboxMessage.id).where(OutboxMessage.order_id == order_id))


def worker_env(
    database_url: str,
    data_dir: Path,
    mail: MailStore | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> dict:
    """The worker processes' environment. The short default lease lets the crash tests take a
    dead worker's order over quickly; a test that kills nobody passes a long one, so a healthy
    worker slowed by a busy machine is not taken for dead."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HANDLA_DATABASE_URL": database_url,
        "HANDLA_DATA_DIR": str(data_dir),
        "HANDLA_OUTBOX_LEASE_SECONDS": str(lease_seconds),
        "HANDLA_OUTBOX_WORKERS": "2",
        "HANDLA_SMTP_HOST": "127.0.0.1",
        "HANDLA_SMTP_PORT": str(mail.port if mail else 1),
        "HANDLA_SMTP_SENDER": "handla@kommun.example",
        SECRET_ENV: "butikens-hemlighet",
    }


def start_workers(env: dict, count: int = 1) -> list[subprocess.Popen]:
    """`count` processes running the outbox workers (`handoff_worker_process.py`), started
    together; returns once each has printed "ready"."""
    processes = [
        subprocess.Popen(
            [sys.executable, str(HERE / "handoff_worker_process.py")],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for process in processes:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "ready", f"the worker process did not start: {line!r}"
    return processes


def start_worker(env: dict) -> subprocess.Popen:
    (process,) = start_workers(env)
    return process


def kill(process: subprocess.Popen) -> None:
    """SIGKILL: no handler runs, as in a crash or a power cut."""
    process.kill()
    process.wait(timeout=10)


PASSWORD = "rätt-lösenord-123"


def seed_app_world(sessions, webhook_url: str) -> int:
    """Staff anna (PASSWORD) with client Greta in a webhook store with milk and a slot, the
    milk in Greta's basket and the slot booked; returns Greta's id."""
    from assistant.staff_accounts import hash_password

    shop = seed_shop(sessions, webhook_url)
    client_id = shop.clients[shop.webhook_store][0]
    with session_scope(sessions) as s:
        anna = StaffUser(username="anna", password_hash=hash_password(PASSWORD))
        anna.clients = [s.get(Client, client_id)]
        s.add(anna)
        add_item(s, client_id, shop.products[shop.webhook_store], 3)
        book_slot(s, client_id, shop.slots[shop.webhook_store])
    return client_id


class LiveApp:
    """The real app under uvicorn in a subprocess on a free port (no Rasa, no voice)."""

    def __init__(self, database_url: str, tmp_path: Path) -> None:
        (tmp_path / "catalog").mkdir(exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **worker_env(database_url, tmp_path / "data"),
            "HANDLA_CATALOG_DIR": str(tmp_path / "catalog"),
            "HANDLA_SECRET_KEY": "test-secret-key-for-the-handoff-tests",
            "HANDLA_RASA_URL": f"http://127.0.0.1:{free_port()}",
            "HANDLA_MODELS_DIR": str(tmp_path / "no-models"),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "--factory",
                   "assistant.web.app:create_app", "--host", "127.0.0.1", "--port",
                   str(self.port), "--log-level", "info", "--ws", "wsproto"]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, "the app exited"
            try:
                with urllib.request.urlopen(f"{self.base}/api/health", timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def wait_in_log(self, words: str, timeout: float = 30) -> None:
        """Read the app's log until a line with `words` (e.g. uvicorn's shutdown message)."""
        assert self.process is not None and self.process.stderr is not None
        deadline = time.monotonic() + timeout
        for line in self.process.stderr:
            if words in line:
                return
            assert time.monotonic() < deadline, f"no {words!r} in the app's log"
        raise AssertionError(f"the app's log ended without {words!r}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            kill(self.process)

    def terminate(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()


def confirm_in_browser_form(base: str, client_id: int) -> str:
    """Log in as anna and place Greta's order with the client page's own confirm form (the
    second tap); returns the receipt's address."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as http:
        token = _csrf(http.get("/login").text)
        login = http.post("/login", data={"username": "anna", "password": PASSWORD,
                                          "csrf_token": token})  # fmt: skip
        assert login.status_code == 303
        page = http.get(f"/clients/{client_id}").text
        form = re.search(r'action="/clients/\d+/confirm" data-confirm>(.*?)</form>', page, re.S)
        assert form, "no confirm form on the client page"
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
        done = http.post(f"/clients/{client_id}/confirm", data={**fields, "armed": "1"})
        assert done.status_code == 303, done.text
        return done.headers["location"]


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token"
    return match.group(1)
