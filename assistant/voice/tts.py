"""Piper speech synthesis, streamed sentence by sentence as small WAV files.

Each sentence becomes its own complete WAV so the browser can decode and play the first
sentence while the rest is still being synthesised.
"""

from __future__ import annotations

import dataclasses
import io
import re
import wave
from collections.abc import Iterator
from pathlib import Path

import onnxruntime
from piper import PiperVoice
from piper.config import SynthesisConfig

from assistant.voice.speech_text import speakable

# Speaking rate as Piper's length_scale: > 1 is slower (many elderly listeners prefer ~1.2).
MIN_LENGTH_SCALE = 0.5
MAX_LENGTH_SCALE = 2.0
DEFAULT_LENGTH_SCALE = 1.0


def clamp_length_scale(value: float) -> float:
    return min(MAX_LENGTH_SCALE, max(MIN_LENGTH_SCALE, float(value)))


_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_CLAUSE_END = re.compile(r"[,:;]\s+")
MIN_CLAUSE, MIN_REST = 5, 20  # characters: a clause worth its own chunk, a rest worth waiting for


def first_clause(text: str) -> list[str]:
    """The text, with the first sentence's first clause apart when the rest of that sentence is
    long enough to be worth not waiting for ("Lagt i korgen: Mellanmjölk …" -> ["Lagt i
    korgen:", "Mellanmjölk …"]); commas inside numbers are words by now."""
    end = _SENTENCE_END.search(text)
    sentence_end = end.start() if end else len(text)
    comma = _CLAUSE_END.search(text, 0, sentence_end)
    if comma is None or comma.start() < MIN_CLAUSE or sentence_end - comma.end() < MIN_REST:
        return [text]
    return [text[: comma.start() + 1], text[comma.end() :]]


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """Wrap 16-bit mono PCM in a WAV header (in memory)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return out.getvalue()


class Synthesizer:
    """One loaded Piper voice; `stream` is safe to call from worker threads one at a time."""

    def __init__(self, voice: PiperVoice) -> None:
        self._voice = voice

    @classmethod
    def load(cls, model_path: Path, config_path: Path | None = None) -> Synthesizer:
        """Same call for the test voice and the Swedish voices (config defaults to .onnx.json).

        ONNX Runtime's threads wait for work by spinning; beside the recogniser and the web app
        on two cores that halves the speed of the first sentence, so they sleep instead."""
        voice = PiperVoice.load(model_path, config_path=config_path)
        options = onnxruntime.SessionOptions()
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        return cls(dataclasses.replace(voice, session=session))

    @property
    def sample_rate(self) -> int:
        return self._voice.config.sample_rate

    def stream_pcm(self, text: str, length_scale: float = DEFAULT_LENGTH_SCALE) -> Iterator[bytes]:
        """16-bit mono PCM per sentence, first sentence first (lazy: synthesised on demand); a
        long first sentence comes in two, its first clause alone, so it is heard sooner."""
        config = SynthesisConfig(length_scale=clamp_length_scale(length_scale))
        for part in first_clause(speakable(text)):
            for chunk in self._voice.synthesize(part, config):
                pcm = chunk.audio_int16_bytes
                if pcm:
                    yield pcm

    def stream_wav(self, text: str, length_scale: float = DEFAULT_LENGTH_SCALE) -> Iterator[bytes]:
        """One complete WAV per sentence."""
        for pcm in self.stream_pcm(text, length_scale):
            yield wav_bytes(pcm, self.sample_rate)
