"""Streaming speech recognition over Vosk KaldiRecognizer, with input checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vosk import KaldiRecognizer, Model, SetLogLevel

SAMPLE_RATE = 16_000


class AudioFormatError(ValueError):
    """The client sent audio we cannot use (wrong rate or channels)."""


@dataclass
class SttEvent:
    kind: str  # "partial" or "final"
    text: str


def load_model(folder: Path) -> Model:
    """Same call for the Korean test model and the Swedish production model."""
    SetLogLevel(-1)
    return Model(str(folder))


class Recognizer:
    """One utterance stream: 16 kHz mono signed 16-bit PCM in, partial/final text out."""

    def __init__(self, model: Model, sample_rate: int = SAMPLE_RATE, channels: int = 1) -> None:
        if sample_rate != SAMPLE_RATE or channels != 1:
            raise AudioFormatError(
                f"Ljudet måste vara 16 kHz mono (fick {sample_rate} Hz, {channels} kanaler)."
            )
        self._rec = KaldiRecognizer(model, SAMPLE_RATE)
        self._carry = b""  # an odd trailing byte waits for its partner

    def feed(self, chunk: bytes) -> SttEvent:
        data = self._carry + chunk
        cut = len(data) - len(data) % 2
        data, self._carry = data[:cut], data[cut:]
        if self._rec.AcceptWaveform(data):
            return SttEvent("final", json.loads(self._rec.Result()).get("text", ""))
        return SttEvent("partial", json.loads(self._rec.PartialResult()).get("partial", ""))

    def finish(self) -> SttEvent:
        return SttEvent("final", json.loads(self._rec.FinalResult()).get("text", ""))
