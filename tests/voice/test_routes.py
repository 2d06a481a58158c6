"""The voice WebSocket over a real connection: Swedish espeak audio → Vosk → final text, and an
answer → Piper audio, with barge-in (the client's words stop the answer).

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
from assistant.voice.speech_text import as_spoken
from assistant.voice.stt import SpeechModel
from assistant.voice.tts import Synthesizer

pytestmark = pytest.mark.voice

FRAME = 3200  # 100 ms of 16 kHz 16-bit mono, what the AudioWorklet sends
SPEECH = "två liter mellanmjölk och en limpa"
ANSWER = "Du sa något. Det blir 49,90 kr."
LONG_ANSWER = " ".join(f"Det här är mening nummer {n} av ett långt svar." for n in range(1, 21))


def app_with(engines: Callable[[], VoiceEngines]) -> TestClient:
    app = FastAPI()
    app.include_router(voice_router(engines))
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


def test_swedish_speech_in_final_text_out_and_an_answer_spoken(
    client: TestClient, spoken: Callable[..., bytes]
) -> None:
    wav_file = spoken(SPEECH)  # sent with its WAV header, which the server checks and strips
    with connect(client, length_scale=1.2) as s:
        send_frames(s, wav_file)
        s.send_text(json.dumps({"type": "stop"}))
        messages = until(s, "final")
        assert "partial" in [m["type"] for m in messages]
        final = messages[-1]["text"]
        assert final and final == as_spoken(final)  # Korean-ish words, but in speech style
        s.send_text(json.dumps({"type": "say", "text": ANSWER}))
        spoken_answer = until(s, "audio_end")
    assert spoken_answer[0] == {"type": "speaking", "text": ANSWER}
    assert spoken_answer[-1] == {"type": "audio_end", "stopped": False}
    audio = [m for m in spoken_answer if isinstance(m, bytes)]
    assert len(audio) == 2  # one WAV per sentence of the answer
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
        "detail": "",
    }
    with app_with(lambda: VoiceEngines(vosk_model, synthesizer)).websocket_connect(
        "/voice/ws"
    ) as s:
        assert receive(s) == {"type": "ready", "mode": "free"}


def test_the_microphone_stays_open_for_one_utterance_after_another(client, spoken_pcm) -> None:
    pause = b"\x00" * 32_000  # one second of silence after each: the server notices the end
    with connect(client) as s:
        send_frames(s, spoken_pcm(SPEECH) + pause + spoken_pcm("en limpa") + pause)
        first = until(s, "final")[-1]
        second = until(s, "final")[-1]
        assert first["text"] and second["text"]
        s.send_text(json.dumps({"type": "stop"}))
        assert until(s, "final")[-1] == {"type": "final", "text": ""}


def test_the_clients_words_stop_the_answer(client, spoken_pcm) -> None:
    """Barge-in: words heard while an answer is spoken stop it; no more of it is sent."""
    with connect(client) as s:
        s.send_text(json.dumps({"type": "say", "text": LONG_ANSWER}))
        assert receive(s) == {"type": "speaking", "text": LONG_ANSWER}
        assert isinstance(receive(s), bytes)  # the answer is being spoken
        send_frames(s, spoken_pcm(SPEECH))
        messages = until(s, "audio_end")
        assert messages[-1] == {"type": "audio_end", "stopped": True}
        assert any(isinstance(m, dict) and m["type"] == "partial" and m["text"] for m in messages)
        sent = 1 + sum(isinstance(m, bytes) for m in messages)
        assert sent < 20  # twenty sentences: the rest was never synthesised
        s.send_text(json.dumps({"type": "stop"}))
        rest = until(s, "final")
        assert not any(isinstance(m, bytes) for m in rest)


def test_a_tap_to_talk_or_a_newer_answer_stops_the_answer(client) -> None:
    with connect(client) as s:
        s.send_text(json.dumps({"type": "say", "text": LONG_ANSWER}))
        assert receive(s)["type"] == "speaking"
        s.send_text(json.dumps({"type": "start", "sample_rate": 16_000}))
        assert until(s, "audio_end")[-1] == {"type": "audio_end", "stopped": True}
        s.send_text(json.dumps({"type": "say", "text": LONG_ANSWER}))
        assert until(s, "speaking")[-1]["type"] == "speaking"
        s.send_text(json.dumps({"type": "say", "text": ANSWER}))
        assert until(s, "audio_end")[-1] == {"type": "audio_end", "stopped": True}
        newer = until(s, "audio_end")
        assert newer[0] == {"type": "speaking", "text": ANSWER}
        assert newer[-1] == {"type": "audio_end", "stopped": False}


@pytest.mark.parametrize(
    ("start", "expected"),
    [({"sample_rate": 44_100}, "16 kHz mono"), ({"channels": 2}, "2 kanaler"),
     ({"sample_rate": "fast"}, "ogiltiga värden"), ({"end_silence_ms": "kort"}, "ogiltiga värden")],
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


def test_silence_gives_an_empty_final(client) -> None:
    with connect(client) as s:
        send_frames(s, b"\x00" * 64_000)
        s.send_text(json.dumps({"type": "stop"}))
        assert until(s, "final")[-1] == {"type": "final", "text": ""}
        s.send_text(json.dumps({"type": "say", "text": "  "}))
        assert receive(s) == {"type": "error", "message": "Texten är tom."}


def test_noise_gives_a_final_and_the_socket_keeps_working(client) -> None:
    rng = random.Random(3)
    noise = bytes(rng.getrandbits(8) for _ in range(48_000))
    with connect(client) as s:
        send_frames(s, noise)
        s.send_text(json.dumps({"type": "stop"}))
        until(s, "final")
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


def test_disconnect_mid_utterance_and_mid_answer_leaves_the_server_working(
    client, spoken_pcm
) -> None:
    pcm = spoken_pcm(SPEECH)
    with connect(client) as s:
        send_frames(s, pcm[: len(pcm) // 2])  # the client leaves while speaking
    with connect(client) as s:
        s.send_text(json.dumps({"type": "say", "text": LONG_ANSWER}))
        assert receive(s)["type"] == "speaking"  # leaves while the answer is spoken
    with connect(client) as s:
        send_frames(s, pcm)
        s.send_text(json.dumps({"type": "stop"}))
        assert until(s, "final")[-1]["text"]
        s.send_text(json.dumps({"type": "say", "text": ANSWER}))
        until(s, "audio_end")


def test_missing_models_turn_voice_off_with_the_reason(tmp_path: Path) -> None:
    off = app_with(lambda: load_engines(tmp_path / "vosk", tmp_path / "röst.onnx"))
    status = off.get("/voice/status").json()
    assert status["available"] is False and status["mode"] == "av"
    with off.websocket_connect("/voice/ws") as s:
        message = receive(s)
        assert message["type"] == "error"
        assert message["message"] == status["reason"]
    # staff read plain words; the command is for the IT department
    assert "IT-avdelningen" in status["reason"] and "handla" not in status["reason"]
    assert "handla models download" in status["detail"]
