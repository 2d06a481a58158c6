"""Streaming speech recognition over Vosk KaldiRecognizer, with input checks.

Catalog bias: a Vosk model whose graph is split into HCLr.fst + Gr.fst (lookahead graph) accepts
a runtime grammar, so recognition is restricted to catalog words the model knows ("grammar"
mode). A model with a static HCLG.fst cannot change its graph and runs in "free" mode.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from vosk import KaldiRecognizer, Model, SetLogLevel

SAMPLE_RATE = 16_000
# End of speech: this much audio quieter than QUIET_RMS after words were heard. Vosk's own
# endpointing waits about 1.4 s, too long for a snappy spoken reply. A client may ask for less
# (hands-free turns, where a pause too short is harmless: more words join the waiting text).
TRAILING_SILENCE_MS = 700
MIN_TRAILING_SILENCE_MS, MAX_TRAILING_SILENCE_MS = 300, 2000
QUIET_RMS = 300.0
# Quiet before speech is not decoded (an open microphone is mostly quiet, and decoding costs a
# third of a core); the last PREROLL_MS of it is, when sound starts, so the first word is whole.
PREROLL_MS = 300
# Sound that brings no words for this long is let go (a cough, a door) and quiet is skipped again.
NO_WORDS_MS = 1500
_WORD = re.compile(r"[^\W\d_]+")


class AudioFormatError(ValueError):
    """The client sent audio we cannot use (wrong rate or channels)."""


@dataclass
class SttEvent:
    kind: str  # "partial" or "final"
    text: str
    # True when Vosk's endpointing saw the speaker stop (trailing silence after speech).
    end_of_speech: bool = False


@dataclass(frozen=True)
class SpeechModel:
    vosk: Model
    folder: Path

    @property
    def supports_grammar(self) -> bool:
        return supports_grammar(self.folder)

    def knows(self, word: str) -> bool:
        return bool(self.vosk.vosk_model_find_word(word) != -1)


def supports_grammar(folder: Path) -> bool:
    """Lookahead graphs (HCLr.fst + Gr.fst) can take a grammar at run time."""
    graph = folder / "graph"
    return (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()


def load_model(folder: Path) -> SpeechModel:
    """Same call for the Korean test model and the Swedish production model."""
    SetLogLevel(-1)
    return SpeechModel(Model(str(folder)), Path(folder))


def vocabulary(texts: Iterable[str]) -> set[str]:
    """Lower-case words of product names, synonyms and phrases (digits and signs dropped)."""
    return {w.lower() for text in texts for w in _WORD.findall(text)}


def grammar_for(model: SpeechModel, words: Iterable[str]) -> list[str]:
    """The words the model can recognise, sorted; empty when the graph cannot take a grammar."""
    if not model.supports_grammar:
        return []
    known = sorted({w for w in words if w and w != "[unk]" and model.knows(w)})
    if known and model.knows("[unk]"):
        known.append("[unk]")  # lets out-of-catalog speech fall through instead of forcing a match
    return known


class Recognizer:
    """One stream: 16 kHz mono signed 16-bit PCM in, partial/final text out.

    `mode` is "grammar" when catalog words restrict recognition, otherwise "free".
    `active` is False while only quiet has come since the last utterance (nothing decoded).
    """

    def __init__(
        self,
        model: SpeechModel,
        sample_rate: int = SAMPLE_RATE,
        channels: int = 1,
        words: Iterable[str] = (),
        trailing_silence_ms: int = TRAILING_SILENCE_MS,
    ) -> None:
        if sample_rate != SAMPLE_RATE or channels != 1:
            raise AudioFormatError(
                f"Ljudet måste vara 16 kHz mono (fick {sample_rate} Hz, {channels} kanaler)."
            )
        grammar = grammar_for(model, words)
        if grammar:
            grammar_json = json.dumps(grammar, ensure_ascii=False)
            self._rec = KaldiRecognizer(model.vosk, SAMPLE_RATE, grammar_json)
        else:
            self._rec = KaldiRecognizer(model.vosk, SAMPLE_RATE)
        self.mode = "grammar" if grammar else "free"
        self._carry = b""  # an odd trailing byte waits for its partner
        silence = min(MAX_TRAILING_SILENCE_MS, max(MIN_TRAILING_SILENCE_MS, trailing_silence_ms))
        self._silence_limit = silence * SAMPLE_RATE // 1000
        self._quiet_samples = 0
        self._heard_words = False
        self.active = False
        self._preroll = b""

    def feed(self, chunk: bytes) -> SttEvent:
        """Partial text, or a final one when the speaker has stopped (end_of_speech)."""
        data = self._carry + chunk
        cut = len(data) - len(data) % 2
        data, self._carry = data[:cut], data[cut:]
        quiet = self._track_silence(data)
        if not self.active:
            if quiet:  # nothing to decode: keep the end of the quiet for when sound starts
                self._preroll = (self._preroll + data)[-PREROLL_MS * SAMPLE_RATE // 500 :]
                return SttEvent("partial", "")
            self.active, data, self._preroll = True, self._preroll + data, b""
        if self._rec.AcceptWaveform(data):
            return self._close(json.loads(self._rec.Result()).get("text", ""))
        partial = json.loads(self._rec.PartialResult()).get("partial", "")
        self._heard_words = self._heard_words or bool(partial)
        if self._heard_words and self._quiet_samples >= self._silence_limit:
            return self.finish()
        if not self._heard_words and self._quiet_samples >= NO_WORDS_MS * SAMPLE_RATE // 1000:
            self.finish()  # sound without words: let it go, skip the quiet again
        return SttEvent("partial", partial)

    def finish(self) -> SttEvent:
        """Flush what is buffered (push-to-talk released); the recogniser can be reused."""
        self._carry = b""
        return self._close(json.loads(self._rec.FinalResult()).get("text", ""))

    def _close(self, text: str) -> SttEvent:
        self._quiet_samples, self._heard_words, self.active = 0, False, False
        return SttEvent("final", text, True)

    def _track_silence(self, data: bytes) -> bool:
        """Whether this chunk is quiet; counts the quiet samples in a row."""
        samples = np.frombuffer(data, dtype="<i2").astype(np.float64)
        if not samples.size:
            return True
        quiet = float(np.sqrt(np.mean(samples * samples))) < QUIET_RMS
        self._quiet_samples = self._quiet_samples + len(samples) if quiet else 0
        return quiet
