"""The whole voice path over a real WebSocket: Swedish espeak audio → Vosk → reply → Piper audio.

Korean Vosk stands in for the Swedish model, so recognised text is Korean-ish: the tests assert
the pipeline's shape, the formats and the errors, not the words.
"""

from __future__ import annotations

import io
import json
import random
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.voice.engines import VoiceEngines, load_engines
from assistant.voice.routes import voice_router
from assistant.voice.stt import SpeechModel
from assistant.voice.tts import Synthesizer

pytestmark = pytest.mark.voice

FRAME = 3200  # 100 ms of 16 kHz 16-bit mono, what the AudioWorklet sends
SPEECH = "två liter mellanmjölk och en limpa"


def reply(text: str) -> str:
    if text == "krascha":
        raise RuntimeError("dialogue down")
    return f"Du sa {text}. Det blir 49,90 kr."


def app_with(engines: Callable[[], VoiceEngines]) -> TestClient:
    app = FastAPI()
    app.include_router(voice_router(reply, engines))
    return TestClient(app)


@pytest.fixture(scope="module")
def client(vosk_model: SpeechModel, synthesizer: Synthesizer) -> TestClient:
    return app_with(lambda: VoiceEngines(vosk_model, synthesizer, frozenset({"mjölk", "limpa"})))


def receive(ws) -> dict | bytes:
    message = ws.receive()
    if message.get("bytes") is not None:
        return message["bytes"]
    return json.loads(message["text"])


def until(ws, kind: str) -> list[dict | bytes]:
    """Messages up to and including the JSON message of type `kind` (errors fail the test)."""
    seen = []
    while True:
        message = receive(ws)
        seen.append(message)
        if isinstance(message, dict):
            assert message["type"] != "error" or kind == "error", seen
            if message["type"] == kind:
                return seen


def send_frames(ws, data: bytes, size: int = FRAME) -> None:
    for i in range(0, len(data), size):
        ws.send_bytes(data[i : i + size])


@contextmanager
def connect(client: TestClient, **start) -> Iterator:
    """A socket that is ready and has sent its start message."""
    with client.websocket_connect("/voice/ws") as session:
        assert receive(session)["type"] == "ready"
        session.send_text(json.dumps({"type": "start", "sample_rate": 16_000, **start}))
        yield session


def test_swedish_speech_in_spoken_reply_out(
    client: TestClient, spoken: Callable[..., bytes]
) -> None:
    wav_file = spoken(SPEECH)  # sent with its WAV header, which the server checks and strips
    with connect(client, length_scale=1.2) as s:
        send_frames(s, wav_file[:44] + wav_file[44:])
        s.send_text(json.dumps({"type": "stop"}))
        messages = until(s, "audio_end")
    kinds = [m["type"] if isinstance(m, dict) else "audio" for m in messages]
    finals = [m for m in messages if isinstance(m, dict) and m["type"] == "final"]
    assert "partial" in kinds
    assert finals[0]["text"]  # Korean-ish words from the stand-in model, but words
    start = kinds.index("reply")
    assert messages[start]["text"] == reply(finals[0]["text"])
    audio = [m for m in messages[start:] if isinstance(m, bytes)]
    assert len(audio) == 2  # one WAV per sentence of the reply
    for chunk in audio:
        with wave.open(io.BytesIO(chunk)) as w:
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22_050)
            assert w.getnframes() > 2_000


def test_ready_reports_recognition_mode(vosk_model, synthesizer) -> None:
    korean = app_with(lambda: VoiceEngines(vosk_model, synthesizer, frozenset({"안녕하세요"})))
    with korean.websocket_connect("/voice/ws") as s:
        assert receive(s) == {"type": "ready", "mode": "grammar"}
    assert korean.get("/voice/status").json() == {
        "available": True,
        "mode": "grammar",
        "reason": "",
    }
    with app_with(lambda: VoiceEngines(vosk_model, synthesizer)).websocket_connect(
        "/voice/ws"
    ) as s:
        assert receive(s) == {"type": "ready", "mode": "free"}


def test_end_of_speech_without_stop_gives_final_and_reply(client, spoken_pcm) -> None:
    with connect(client) as s:
        send_frames(s, spoken_pcm(SPEECH) + b"\x00" * 32_000)  # one second of silence after
        messages = until(s, "audio_end")
        assert any(isinstance(m, dict) and m["type"] == "reply" for m in messages)
        s.send_text(json.dumps({"type": "stop"}))
        assert until(s, "final")[-1] == {"type": "final", "text": ""}


@pytest.mark.parametrize(
    ("start", "expected"),
    [({"sample_rate": 44_100}, "16 kHz mono"), ({"channels": 2}, "2 kanaler"),
     ({"sample_rate": "fast"}, "ogiltiga värden")],
)  # fmt: skip
def test_wrong_format_in_start_is_refused(client, start: dict, expected: str) -> None:
    with connect(client, **start) as s:
        message = receive(s)
        assert message["type"] == "error" and expected in message["message"]
        s.send_bytes(b"\x00" * FRAME)  # audio without a valid start is refused too
        assert "startmeddelande" in receive(s)["message"]


@pytest.mark.parametrize(("rate", "channels"), [(44_100, 1), (8_000, 1), (16_000, 2)])
def test_wav_header_with_wrong_format_is_refused(client, spoken, rate: int, channels: int) -> None:
    with connect(client) as s:
        s.send_bytes(spoken(SPEECH, rate=rate, channels=channels)[:FRAME])
        message = receive(s)
        assert message["type"] == "error" and "16 kHz mono" in message["message"]


def test_silence_gives_empty_final_and_no_reply(client) -> None:
    with connect(client) as s:
        send_frames(s, b"\x00" * 64_000)
        s.send_text(json.dumps({"type": "stop"}))
        assert until(s, "final")[-1] == {"type": "final", "text": ""}
        s.send_text(json.dumps({"type": "text", "text": "hej"}))  # nothing else was queued
        assert receive(s) == {"type": "reply", "text": "Du sa hej. Det blir 49,90 kr."}
        until(s, "audio_end")


def test_noise_gives_a_final_and_the_socket_keeps_working(client) -> None:
    rng = random.Random(3)
    noise = bytes(rng.getrandbits(8) for _ in range(48_000))
    with connect(client) as s:
        send_frames(s, noise)
        s.send_text(json.dumps({"type": "stop"}))
        final = until(s, "final")[-1]
        if final["text"]:
            until(s, "audio_end")
        s.send_text(json.dumps({"type": "start", "sample_rate": 16_000}))
        s.send_text(json.dumps({"type": "stop"}))
        assert until(s, "final")[-1]["text"] == ""


def test_truncated_frames_and_garbage(client) -> None:
    with connect(client) as s:
        for size in (1, 3, 3199, 17):  # odd sizes split samples between frames
            s.send_bytes(b"\x01" * size)
        s.send_text("inte json")
        assert "ogiltig JSON" in receive(s)["message"]
        s.send_text(json.dumps({"type": "dansa"}))
        assert receive(s)["message"] == "Okänt meddelande."
        s.send_text(json.dumps({"type": "start"}))
        s.send_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt ")  # a WAV header cut short
        assert "WAV" in receive(s)["message"]
        s.send_text(json.dumps({"type": "start"}))
        s.send_bytes(b"\x00" * (300 * 1024))
        assert "för stort" in receive(s)["message"]
        s.send_text(json.dumps({"type": "stop"}))
        assert receive(s)["message"] == "Ingen inspelning pågår."


def test_failing_dialogue_gives_an_error_not_a_dead_socket(client) -> None:
    with connect(client) as s:
        s.send_text(json.dumps({"type": "text", "text": "krascha"}))
        assert "kunde inte svara" in receive(s)["message"]
        s.send_text(json.dumps({"type": "text", "text": "hej"}))
        assert receive(s)["type"] == "reply"
        until(s, "audio_end")


def test_confirm_mode_waits_for_staff_to_correct_the_text(client, spoken_pcm) -> None:
    with connect(client, confirm=True) as s:
        send_frames(s, spoken_pcm(SPEECH))
        s.send_text(json.dumps({"type": "stop"}))
        assert until(s, "final")[-1]["text"]
        s.send_text(json.dumps({"type": "text", "text": "två liter mjölk"}))
        assert receive(s) == {"type": "reply", "text": "Du sa två liter mjölk. Det blir 49,90 kr."}
        until(s, "audio_end")


def test_disconnect_mid_utterance_and_mid_reply_leaves_the_server_working(
    client, spoken_pcm
) -> None:
    pcm = spoken_pcm(SPEECH)
    with connect(client) as s:
        send_frames(s, pcm[: len(pcm) // 2])  # the client leaves while speaking
    with connect(client) as s:
        send_frames(s, pcm)
        s.send_text(json.dumps({"type": "stop"}))
        assert receive(s)["type"] in ("partial", "final")  # leaves before the reply audio
    with connect(client) as s:
        s.send_text(json.dumps({"type": "text", "text": "hej"}))
        until(s, "audio_end")


def test_missing_models_turn_voice_off_with_the_reason(tmp_path: Path) -> None:
    off = app_with(lambda: load_engines(tmp_path / "vosk", tmp_path / "röst.onnx"))
    status = off.get("/voice/status").json()
    assert status["available"] is False and status["mode"] == "av"
    with off.websocket_connect("/voice/ws") as s:
        message = receive(s)
        assert message["type"] == "error"
        assert "avstängd" in message["message"] and "handla models download" in message["message"]
