"""Voice on the client page in real Chromium (Playwright) with its fake microphone playing
Swedish espeak-ng speech, the small real models under the Swedish names, the real page and the
real WebSocket: hands-free turns, "Ångra", barge-in, the confirm-before-send flow when the
client's hands-free setting is off, and voice off with a plain reason. No Rasa: the chat answers
that the assistant is not running, in three sentences, and that answer is spoken.
Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Client
from assistant.voice.client_setting import set_hands_free
from tests.helpers.browser import (
    AXE,
    PASSWORD,
    LiveApp,
    axe_problems,
    running_app,
    screenshot,
)
from tests.helpers.seed import seed_world
from tests.helpers.voice_browser import (
    PROBE,
    chromium_page,
    fake_microphone,
    log_in,
    microphone_track,
)

pytestmark = pytest.mark.browser

SPEECH = "två liter mellanmjölk och en limpa"
SENTENCES = 3  # of the answer when Rasa is not running


def _running_app(tmp_path: Path, models_dir: Path, hands_free: bool = True):  # noqa: ANN202
    """The app on a seeded database, and the id of anna's client Greta."""

    def prepare(url: str) -> None:
        if not hands_free:
            engine = make_engine(url)
            with session_scope(make_sessionmaker(engine)) as session:
                set_hands_free(session.get(Client, client_id_of(url)), False)
            engine.dispose()

    return running_app(tmp_path, seed_world, prepare, HANDLA_MODELS_DIR=str(models_dir))


def client_id_of(url: str) -> int:
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        found = session.scalar(select(Client.id).where(Client.display_name == "Greta"))
    engine.dispose()
    assert found is not None
    return found


@pytest.fixture
def voice_live(tmp_path: Path, swedish_models_dir: Path) -> Iterator[tuple[LiveApp, int]]:
    """The app with the small real models under the Swedish names (voice on, hands-free)."""
    with _running_app(tmp_path, swedish_models_dir) as running:
        yield running


@contextmanager
def _page(track: Path | None = None) -> Iterator:
    """Chromium with the probe (tests/helpers/voice_browser.py); `track` is the microphone."""
    try:
        with chromium_page(*(fake_microphone(track) if track else []),
                           permissions=("microphone",) if track else ()) as page:  # fmt: skip
            page.add_init_script(PROBE)
            yield page
    except FileNotFoundError as error:
        pytest.skip(str(error))


def _track(tmp_path: Path, *texts: str, pause: float = 4.0) -> Path:
    data, _ = microphone_track(texts, pause)
    path = tmp_path / "microphone.wav"
    path.write_bytes(data)
    return path


def _events(page, kind: str) -> list[dict]:
    return page.evaluate(f"voiceProbe.events.filter((e) => e.kind === {kind!r})")


def _open_client(page, app: LiveApp, client_id: int) -> None:
    log_in(page, app.base, "anna", PASSWORD)
    page.goto(f"{app.base}/clients/{client_id}")
    expect(page.locator("#voice-talk")).to_be_enabled(timeout=60_000)  # the models are loaded


def _check_page(page, name: str) -> None:
    """Screenshot the page and assert axe-core finds no serious or critical violations."""
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing: run ./script/setup (needs npm)")
    screenshot(page, name)
    bad = axe_problems(page)
    assert not bad, f"axe-core on {name}:\n" + "\n".join(bad)


def _spoken_chunks(page, at_least: int) -> None:
    """Until the page has started playing `at_least` WAV chunks of answers."""
    page.wait_for_function(
        f"() => voiceProbe.events.filter((e) => e.kind === 'play').length >= {at_least}",
        timeout=60_000,
    )


def test_a_hands_free_turn_sends_itself_and_the_answer_is_spoken(
    voice_live: tuple[LiveApp, int], tmp_path: Path
) -> None:
    app, client_id = voice_live
    with _page(_track(tmp_path, SPEECH)) as page:
        _open_client(page, app, client_id)
        talk = page.locator("#voice-talk")
        expect(page.locator("#voice-state")).to_contain_text("Sedan kan du prata när du vill")
        talk.click()  # the one tap: from here on the client only talks
        expect(talk).to_have_text("Sluta lyssna")
        countdown = page.locator("#voice-countdown")
        expect(countdown).to_contain_text("Skickas om", timeout=30_000)
        expect(page.get_by_role("button", name="Ångra")).to_be_visible()
        text = page.locator("#voice-text").input_value()
        assert text.strip(), "the recogniser's final text is empty"
        _check_page(page, "18-voice-hands-free-countdown")

        client_said = page.locator("#chat-log .from-client")
        expect(client_said).to_have_text(f"Du: {text}", timeout=30_000)  # nobody pressed a key
        expect(page.locator("#voice-confirm")).to_be_hidden()
        expect(page.locator("#chat-log .from-assistant")).to_contain_text("svarar inte just nu")
        _spoken_chunks(page, SENTENCES)
        expect(talk).to_have_text("Sluta lyssna")  # still listening for the next thing
        assert [e["text"] for e in _events(page, "chat_sent")] == [text]


def test_angra_drops_the_text_before_anything_is_sent(
    voice_live: tuple[LiveApp, int], tmp_path: Path
) -> None:
    app, client_id = voice_live
    with _page(_track(tmp_path, SPEECH, "en limpa", pause=5.0)) as page:
        _open_client(page, app, client_id)
        page.locator("#voice-talk").click()
        undo = page.get_by_role("button", name="Ångra")
        expect(undo).to_be_visible(timeout=30_000)
        undo.click()
        expect(page.locator("#voice-state")).to_contain_text("Ångrat. Inget skickades.")
        expect(page.locator("#voice-confirm")).to_be_hidden()

        # the next utterance goes through as usual: the one dropped never reached the chat
        client_said = page.locator("#chat-log .from-client")
        expect(client_said).to_have_count(1, timeout=40_000)
        finals = [e["text"] for e in _events(page, "final")]
        assert len(finals) == 2, finals
        expect(client_said).to_have_text(f"Du: {finals[1]}")
        assert [e["text"] for e in _events(page, "chat_sent")] == [finals[1]]


def test_the_clients_words_stop_the_spoken_answer(
    voice_live: tuple[LiveApp, int], tmp_path: Path
) -> None:
    """Barge-in: the client starts talking while the first answer is spoken; it stops at once,
    and what the client says then is the next turn."""
    app, client_id = voice_live
    track = _track(tmp_path, SPEECH, "en limpa och tre bananer", pause=6.5)
    with _page(track) as page:
        _open_client(page, app, client_id)
        page.locator("#voice-talk").click()
        _spoken_chunks(page, 1)  # the first answer is being spoken
        page.wait_for_function("() => voiceProbe.stops >= 1", timeout=60_000)  # the client talks
        expect(page.locator("#voice")).to_have_attribute("data-speaking", "no")
        expect(page.locator("#chat-log .from-client")).to_have_count(2, timeout=40_000)
        _spoken_chunks(page, SENTENCES + 1)  # the second answer is spoken
        events = page.evaluate("voiceProbe.events")
    kinds = [e["kind"] for e in events]
    stopped = kinds.index("stop")
    talked = [i for i, kind in enumerate(kinds) if kind == "speech_start"][1]
    assert talked < stopped  # stopped when the client talked (the page heard it)
    answers = [i for i, kind in enumerate(kinds) if kind == "speaking"]
    assert len(answers) == 2 and answers[0] < stopped < answers[1]
    assert "play" not in kinds[stopped : answers[1]]  # nothing more of the first answer played


def test_with_hands_free_off_the_text_waits_for_staff(
    tmp_path: Path, swedish_models_dir: Path
) -> None:
    """Chromium's fake microphone plays Swedish speech into the page's AudioWorklet; the text
    Vosk heard waits for staff to send it; the answer is spoken (WAV chunks the page plays)."""
    with (
        _running_app(tmp_path, swedish_models_dir, hands_free=False) as (
            app,
            client_id,
        ),
        _page(_track(tmp_path, SPEECH)) as page,
    ):
        _open_client(page, app, client_id)
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
        expect(page.get_by_role("button", name="Ångra")).to_be_hidden()
        expect(page.locator("#voice-countdown")).to_be_hidden()
        _check_page(page, "19-voice-heard")

        heard.fill(f"{text} tack")  # staff may correct the text before it counts
        page.locator("#voice-confirm").get_by_role("button", name="Skicka").click()
        expect(page.locator("#chat-log .from-client")).to_have_text(f"Du: {text} tack")
        expect(page.locator("#chat-log .from-assistant")).to_contain_text("svarar inte just nu")
        _spoken_chunks(page, SENTENCES)


def test_voice_off_says_why_in_plain_words(tmp_path: Path) -> None:
    with (
        _running_app(tmp_path, tmp_path / "no-models") as (app, client_id),
        _page() as page,
    ):
        log_in(page, app.base, "anna", PASSWORD)
        page.goto(f"{app.base}/clients/{client_id}")
        state = page.locator("#voice-state")
        expect(state).to_contain_text("rösten är inte installerad på den här datorn")
        expect(state).to_contain_text("Be IT-avdelningen installera den.")
        assert "handla" not in state.inner_text()  # no commands for staff
        expect(page.locator("#voice-talk")).to_be_disabled()
        page.get_by_text("För personal: felsökning av rösten").click()
        expect(page.locator("#voice-detail")).to_contain_text("handla models download")
        _check_page(page, "20-voice-off")
