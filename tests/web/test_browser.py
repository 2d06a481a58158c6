"""The tablet pages in real Chromium (Playwright), with axe-core and screenshots.

The app runs under uvicorn in a subprocess on a free 127.0.0.1 port with a temp data dir and
the small demo catalog from conftest. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.db import upgrade_database

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


@pytest.fixture
def live_app(tmp_path: Path, seeder) -> Iterator[tuple[str, int]]:
    """Base URL of a running app and the id of anna's client."""
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    upgrade_database(url)
    client_id, _ = seeder(url)
    (tmp_path / "catalog").mkdir()
    port = _free_port()
    env = {
        **os.environ,
        "HANDLA_DATA_DIR": str(tmp_path / "data"),
        "HANDLA_DATABASE_URL": url,
        "HANDLA_CATALOG_DIR": str(tmp_path / "catalog"),
        "HANDLA_SECRET_KEY": "test-secret-key-for-the-browser-test",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "assistant.web.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--ws",
        "wsproto",
    ]  # fmt: skip (websockets is pinned old by rasa-sdk)
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/api/health", process)
        yield base, client_id
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def page() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="sv-SE")
        yield context.new_page()
        browser.close()


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


def test_staff_finds_items_as_picture_cards(live_app: tuple[str, int], page) -> None:
    base, client_id = live_app
    page.goto(f"{base}/login")
    _check_page(page, "01-login")
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base}/staff/clients")
    _check_page(page, "02-clients")

    page.get_by_role("link", name="Greta").click()
    page.wait_for_url(f"{base}/clients/{client_id}")
    _check_page(page, "03-client")

    page.get_by_label("Vara").fill("bröd")
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("heading", name="Vilket bröd menar du?").wait_for()
    cards = page.locator(".product-card")
    assert cards.count() == 3
    assert page.get_by_text("Erbjudande: 2 för 50 kr").is_visible()
    widths = page.eval_on_selector_all(".product-card img", "imgs => imgs.map(i => i.naturalWidth)")
    assert all(width > 0 for width in widths), "a product picture did not load"
    _check_page(page, "04-bread-choice")

    page.get_by_label("Vara").fill("två liter mellanmjölk")
    page.get_by_role("button", name="Sök").click()
    page.get_by_text("Mellanmjölk 1,5%").first.wait_for()
    assert cards.count() == 1
    _check_page(page, "05-milk")

    page.goto(f"{base}/staff/attention")
    _check_page(page, "06-attention")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{base}/login")
    page.get_by_label("Användarnamn").fill("chef")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("link", name="Butiker").click()
    page.get_by_role("heading", name="Butiker och avgifter").wait_for()
    _check_page(page, "07-admin-stores")
