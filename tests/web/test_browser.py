"""The tablet pages in real Chromium (Playwright), with axe-core and screenshots.

The app runs under uvicorn in a subprocess on a free 127.0.0.1 port with a temp data dir and
the small demo catalog from conftest. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import DeliverySlot, Store
from assistant.orders.slots import LOCAL_TZ

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "rätt-lösenord-123"
SECRET_ENV = "HANDLA_TEST_STORE_SECRET"
WEBHOOK_SECRET = "butikens-hemlighet-för-testet"
SIGNATURE = "X-Handla-Signature"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


class LiveApp:
    """uvicorn running the app factory in a subprocess; can be killed and started again."""

    def __init__(self, tmp_path: Path, url: str) -> None:
        self.url = url
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "HANDLA_DATA_DIR": str(tmp_path / "data"),
            "HANDLA_DATABASE_URL": url,
            "HANDLA_CATALOG_DIR": str(tmp_path / "catalog"),
            "HANDLA_SECRET_KEY": "test-secret-key-for-the-browser-test",
            "HANDLA_RASA_URL": f"http://127.0.0.1:{_free_port()}",  # no Rasa: the picture flow
            "HANDLA_MODELS_DIR": str(tmp_path / "no-models"),  # voice off, with the reason
            "HANDLA_OUTBOX_LEASE_SECONDS": "15",  # a killed worker's claim ends sooner
            SECRET_ENV: WEBHOOK_SECRET,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "assistant.web.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--ws",
            "wsproto",
        ]  # fmt: skip (websockets is pinned old by rasa-sdk)
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT)
        _wait_until_up(f"{self.base}/api/health", self.process)

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run, as in a crash or power cut."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Receiver:
    """A store's webhook endpoint on 127.0.0.1 that refuses its first `failures` posts."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.accepted: list[tuple[dict, str]] = []
        self.refused = 0
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body,
                                                hashlib.sha256).hexdigest()  # fmt: skip
                if not hmac.compare_digest(self.headers.get(SIGNATURE, ""), expected):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                elif receiver.refused < receiver.failures:
                    receiver.refused += 1
                    self.send_response(500)
                else:
                    receiver.accepted.append(
                        (json.loads(body), self.headers.get("Idempotency-Key", ""))
                    )
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/orders"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _prepare_store(url: str, webhook_url: str) -> None:
    """The demo store hands orders to the test's webhook and has a slot on Thursday 10–12."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    local = now.astimezone(LOCAL_TZ)
    days = (3 - local.weekday()) % 7 or 7  # next Thursday, at least a day away
    day = (local + timedelta(days=days)).date()
    starts = datetime.combine(day, dt_time(10), LOCAL_TZ).astimezone(UTC)
    with session_scope(make_sessionmaker(engine)) as session:
        store = session.scalars(select(Store)).one()
        store.order_channel, store.order_target, store.secret_ref = (
            "webhook",
            webhook_url,
            SECRET_ENV,
        )
        session.add(DeliverySlot(store=store, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                 capacity=10, booked=0, cutoff_at=starts - timedelta(hours=12)))  # fmt: skip
    engine.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    store = Receiver(failures=2)
    yield store
    store.close()


@contextmanager
def _running_app(
    tmp_path: Path, seeder, prepare: Callable[[str], None] = lambda url: None, **env: str
) -> Iterator[tuple[LiveApp, int]]:
    """A running app on a seeded SQLite database (`prepare`d further), and the id of anna's
    client."""
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    upgrade_database(url)
    client_id, _ = seeder(url)
    prepare(url)
    (tmp_path / "catalog").mkdir()
    app = LiveApp(tmp_path, url)
    app.env.update(env)
    try:
        app.start()
        yield app, client_id
    finally:
        app.stop()


@pytest.fixture
def live(tmp_path: Path, seeder, receiver: Receiver) -> Iterator[tuple[LiveApp, int]]:
    """The app, with a store that hands orders to the test's webhook."""
    prepare = functools.partial(_prepare_store, webhook_url=receiver.url)
    with _running_app(tmp_path, seeder, prepare) as running:
        yield running


@contextmanager
def _browser_page(*args: str, permissions: tuple[str, ...] = ()) -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *args]
        )
        context = browser.new_context(
            viewport={"width": 1024, "height": 768}, locale="sv-SE", permissions=list(permissions)
        )
        yield context.new_page()
        browser.close()


@pytest.fixture
def page() -> Iterator:
    with _browser_page() as opened:
        yield opened


def _check_page(page, name: str) -> None:
    """Screenshot the page and assert axe-core finds no serious or critical violations."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing: run ./script/setup (needs npm)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe-core on {name}:\n" + "\n".join(bad)


def _text(page, selector: str) -> str:
    return page.locator(selector).inner_text().replace("\u00a0", " ")


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base}/staff/clients")


def _search(page, text: str) -> None:
    page.get_by_label("Vara").fill(text)
    page.get_by_role("button", name="Sök").click()
    expect(page.locator("#choice-heading")).to_be_visible()


def _tap(page, card) -> None:
    """Tap a picture card and wait for the basket page it posts to (a bare click can race the
    next locator into the page that is being left)."""
    with page.expect_navigation():
        card.click()


def _wait_for_hand_off(receiver: Receiver, seconds: float = 150) -> None:
    """Until the store has the order (the app's outbox worker retries with back-off), then a
    little longer: a second delivery would show up within the worker's next rounds."""
    deadline = time.monotonic() + seconds
    while not receiver.accepted and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)


def test_staff_orders_for_a_client_and_the_store_gets_it_once(
    live: tuple[LiveApp, int], receiver: Receiver, page
) -> None:
    app, client_id = live
    base = app.base
    page.goto(f"{base}/login")
    _check_page(page, "01-login")
    _log_in(page, base, "anna")
    _check_page(page, "02-clients")
    page.get_by_role("link", name="Greta", exact=True).click()
    page.wait_for_url(f"{base}/clients/{client_id}")
    expect(page.locator("#chat-status")).to_contain_text("Assistenten är inte igång")
    expect(page.locator("#chat-send")).to_be_disabled()
    expect(page.locator("#voice-state")).to_contain_text("Röststyrningen är avstängd")
    expect(page.locator("#voice-talk")).to_be_disabled()
    _check_page(page, "03-client")

    _search(page, "bröd")
    page.get_by_role("heading", name="Vilket bröd menar du?").wait_for()
    cards = page.locator("button.product-card")
    assert cards.count() == 3
    widths = page.eval_on_selector_all(".product-card img", "imgs => imgs.map(i => i.naturalWidth)")
    assert all(width > 0 for width in widths), "a product picture did not load"
    _check_page(page, "04-bread-choice")
    _tap(page, cards.filter(has_text="Lingongrova"))
    expect(page.locator("#korg .count")).to_have_text("1 st")
    page.get_by_role("button", name="En till Lingongrova 500g").click()
    expect(page.locator("#korg .count")).to_have_text("2 st")

    _search(page, "två liter mellanmjölk")
    assert cards.count() == 1
    assert "Lägg i korgen: 2" in _text(page, "button.product-card")
    _check_page(page, "05-milk")
    _tap(page, cards.first)
    expect(page.locator("#korg .count")).to_have_count(2)
    basket = _text(page, "#korg")
    assert "Erbjudande: 2 för 50 kr" in basket and "Du sparar 9,90 kr" in basket
    for fee in ("Plockavgift 49,00 kr", "Leveransavgift 29,00 kr", "Fakturaavgift 19,00 kr"):
        assert fee in basket.replace("\t", " "), fee
    assert "Att betala 176,90 kr" in basket.replace("\t", " ")
    _check_page(page, "06-basket")

    page.locator("#leverans button.slot").filter(has_text="torsdag").click()
    expect(page.locator(".summary-text")).to_be_visible()
    summary = _text(page, ".summary-text")
    assert summary.startswith("Du beställer 4 varor för 176,90 kr, leverans torsdag ")
    assert summary.endswith(" 10–12")
    _check_page(page, "07-summary")
    order_button = page.get_by_role("button", name="Beställ", exact=True)
    order_button.click()
    armed = page.get_by_role("button", name="Tryck igen för att beställa")
    armed.wait_for()
    assert page.url.startswith(f"{base}/clients/{client_id}") and "/orders/" not in page.url
    _check_page(page, "08-confirm-armed")
    armed.click()
    page.get_by_role("heading", name="Tack!").wait_for()
    _check_page(page, "09-receipt")

    _wait_for_hand_off(receiver)
    assert receiver.refused == 2 and receiver.bad_signatures == 0
    assert len(receiver.accepted) == 1, "the store must get the order exactly once"
    sheet, key = receiver.accepted[0]
    assert sheet["total"] == 17690 and key
    assert {line["name"] for line in sheet["lines"]} == {"Lingongrova 500g", "Mellanmjölk 1,5% 1l"}
    page.reload()
    assert "skickad till butiken" in _text(page, ".status")

    page.goto(f"{base}/clients/{client_id}/statement")
    page.get_by_role("link", name="Hämta som PDF").wait_for()
    _check_page(page, "10-statement")
    page.goto(f"{base}/staff/queue")
    _check_page(page, "11-queue")
    page.goto(f"{base}/staff/attention")
    _check_page(page, "12-attention")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{base}/login")
    page.get_by_label("Användarnamn").fill("chef")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("link", name="Butiker").click()
    page.get_by_role("heading", name="Butiker och avgifter").wait_for()
    _check_page(page, "13-admin-stores")
    page.get_by_role("link", name="Leveranstider för Testbutiken").click()
    page.get_by_role("heading", name="Leveranstider – Testbutiken").wait_for()
    _check_page(page, "14-admin-slots")
    for link, heading, shot in (("Hantera kunder", "Kunder", "15-admin-clients"),
                                ("Personal", "Personal", "16-admin-staff"),
                                ("Katalog", "Importera en katalog", "17-admin-catalog")):  # fmt: skip
        page.get_by_role("link", name=link, exact=True).click()
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        _check_page(page, shot)


def test_an_order_confirmed_just_before_a_crash_reaches_the_store_once(
    live: tuple[LiveApp, int], receiver: Receiver, page
) -> None:
    app, client_id = live
    base = app.base
    receiver.failures = 0
    _log_in(page, base, "anna")
    page.goto(f"{base}/clients/{client_id}")
    _search(page, "två liter mellanmjölk")
    _tap(page, page.locator("button.product-card").first)
    page.locator("#leverans button.slot").first.click()
    expect(page.locator(".summary-text")).to_be_visible()
    page.get_by_role("button", name="Beställ", exact=True).click()
    page.get_by_role("button", name="Tryck igen för att beställa").click()
    page.get_by_role("heading", name="Tack!").wait_for()
    app.kill()  # right after the confirm answered: the hand-off may or may not have happened
    app.start()
    _wait_for_hand_off(receiver, 60)  # a row the killed worker had claimed waits for its lease
    assert len(receiver.accepted) == 1
