"""The app in a subprocess and Debian's Chromium driven by Playwright, for the browser tests and
the voice benchmark: one way of starting both, of checking a page with axe-core and of logging
in."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.db import upgrade_database
from tests.helpers.live_handla import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "artifacts" / "screenshots"
LANDSCAPE = {"width": 1024, "height": 768}
PORTRAIT = {"width": 800, "height": 1280}
PASSWORD = "rätt-lösenord-123"  # the seeded staff's (tests/web/conftest.py)


class LiveApp:
    """uvicorn running the app factory in a subprocess; can be killed and started again."""

    def __init__(self, tmp_path: Path, url: str, **env: str) -> None:
        self.url = url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("HANDLA_")},
            "HANDLA_DATA_DIR": str(tmp_path / "data"),
            "HANDLA_DATABASE_URL": url,
            "HANDLA_CATALOG_DIR": str(tmp_path / "catalog"),
            "HANDLA_SECRET_KEY": "test-secret-key-for-the-browser-test",
            "HANDLA_RASA_URL": f"http://127.0.0.1:{free_port()}",  # no Rasa: the picture flow
            "HANDLA_MODELS_DIR": str(tmp_path / "no-models"),  # voice off, with the reason
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"{self.base} did not answer within {timeout} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run, as in a crash or power cut."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def running_app(
    tmp_path: Path,
    seeder: Callable[[str], tuple[int, int]],
    prepare: Callable[[str], None] = lambda url: None,
    **env: str,
) -> Iterator[tuple[LiveApp, int]]:
    """The app on a seeded SQLite database (`prepare`d further), and the id of anna's client."""
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    upgrade_database(url)
    client_id, _ = seeder(url)
    prepare(url)
    (tmp_path / "catalog").mkdir(exist_ok=True)
    app = LiveApp(tmp_path, url, **env)
    try:
        app.start()
        yield app, client_id
    finally:
        app.stop()


@contextmanager
def chromium_page(
    *args: str, permissions: tuple[str, ...] = (), viewport: dict[str, int] | None = None
) -> Iterator[Any]:
    """A Playwright page in Debian's Chromium (FileNotFoundError when it is not installed).
    The app's Content-Security-Policy must never block its own pages: a refusal in the
    console fails the test when the page is closed."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *args]
        )
        try:
            context = browser.new_context(
                viewport=viewport or LANDSCAPE, locale="sv-SE", permissions=list(permissions)
            )
            page = context.new_page()
            refused: list[str] = []
            page.on("console", lambda m: refused.append(m.text)
                    if "Content Security Policy" in m.text else None)  # fmt: skip
            yield page
            assert not refused, f"the CSP blocked something: {refused}"
        finally:
            browser.close()


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def axe_problems(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page (AXE must exist)."""
    if not page.evaluate("typeof axe !== 'undefined'"):  # once per loaded document
        page.evaluate(_axe_source())  # as DevTools would: a <script> tag would break the CSP
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SHOTS / f"{name}-{size['width']}x{size['height']}.png"),
                    full_page=True)  # fmt: skip


def log_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base}/staff/clients")
