"""Voice on the client page in real Chromium (Playwright) with its fake microphone playing
Swedish espeak-ng speech, the small real models under the Swedish names, the real page and the
real WebSocket. No Rasa: the chat answers that the assistant is not running, and that answer is
spoken. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

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
PASSWORD = "rätt-lösenord-123"  # the seeded staff's (tests/web/conftest.py)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveApp:
    """uvicorn running the app factory in a subprocess on a seeded SQLite database."""

    def __init__(self, tmp_path: Path, url: str, models_dir: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "HANDLA_DATA_DIR": str(tmp_path / "data"),
            "HANDLA_DATABASE_URL": url,
            "HANDLA_CATALOG_DIR": str(tmp_path / "catalog"),
            "HANDLA_SECRET_KEY": "test-secret-key-for-the-browser-test",
            "HANDLA_RASA_URL": f"http://127.0.0.1:{_free_port()}",  # no Rasa
            "HANDLA_MODELS_DIR": str(models_dir),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "--factory", "assistant.web.app:create_app",
                   "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
                   "--ws", "wsproto"]  # fmt: skip (websockets is pinned old by rasa-sdk)
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("the app did not answer within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def _running_app(tmp_path: Path, seeder, models_dir: Path) -> Iterator[tuple[LiveApp, int]]:
    """The app on a seeded database, and the id of anna's client Greta."""
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    upgrade_database(url)
    client_id, _ = seeder(url)
    (tmp_path / "catalog").mkdir()
    app = LiveApp(tmp_path, url, models_dir)
    try:
        app.start()
        yield app, client_id
    finally:
        app.stop()


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


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base}/staff/clients")


DECODED_AUDIO_COUNTER = """
window.decodedReplies = 0;
const decode = AudioContext.prototype.decodeAudioData;
AudioContext.prototype.decodeAudioData = function (...args) {
  return decode.apply(this, args).then((buffer) => { window.decodedReplies += 1; return buffer; });
};
"""


@pytest.fixture
def voice_live(tmp_path: Path, seeder, swedish_models_dir: Path) -> Iterator[tuple[LiveApp, int]]:
    """The app with the small real models under the Swedish names (voice on)."""
    with _running_app(tmp_path, seeder, swedish_models_dir) as running:
        yield running


def test_the_microphone_path_from_speech_to_a_spoken_answer(
    voice_live: tuple[LiveApp, int], spoken, tmp_path: Path
) -> None:
    """Chromium's fake microphone plays Swedish speech into the page's AudioWorklet; the text
    Vosk heard waits for staff to send it; the answer is spoken (WAV chunks the page decodes)."""
    app, client_id = voice_live
    microphone = tmp_path / "microphone.wav"
    microphone.write_bytes(spoken("två liter mellanmjölk och en limpa", rate=48_000))
    fake_microphone = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone}%noloop",
        "--autoplay-policy=no-user-gesture-required",
    )
    with _browser_page(*fake_microphone, permissions=("microphone",)) as page:
        page.add_init_script(DECODED_AUDIO_COUNTER)
        _log_in(page, app.base, "anna")
        page.goto(f"{app.base}/clients/{client_id}")
        talk = page.locator("#voice-talk")
        expect(page.locator("#voice-state")).to_contain_text("Tryck på knappen och säg")
        talk.click()
        expect(talk).to_have_text("Tryck när du pratat klart")
        expect(page.locator("#voice-state")).to_have_text("Jag lyssnar…")
        heard = page.locator("#voice-text")
        expect(heard).to_be_visible(timeout=30_000)  # the server noticed the end of speech
        text = heard.input_value()
        assert text.strip(), "the recogniser's final text is empty"
        expect(talk).to_have_text("Tryck och prata")
        _check_page(page, "18-voice-heard")

        heard.fill(f"{text} tack")  # staff may correct the text before it counts
        page.locator("#voice-confirm").get_by_role("button", name="Skicka").click()
        expect(page.locator("#chat-log .from-client")).to_have_text(f"Du: {text} tack")
        expect(page.locator("#chat-log .from-assistant")).to_contain_text("svarar inte just nu")
        page.wait_for_function("window.decodedReplies >= 3", timeout=30_000)  # one per sentence
