"""The loaded speech models, or a Swedish explanation why voice is off (the app runs without)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.voice.registry import MODELS
from assistant.voice.stt import SpeechModel, grammar_for, load_model
from assistant.voice.tts import Synthesizer

DEFAULT_STT = MODELS[0].key  # vosk-model-small-sv-rhasspy-0.15
DEFAULT_VOICE = "sv_SE-nst-medium"
NOT_INSTALLED = (
    "Röststyrningen är avstängd: rösten är inte installerad på den här datorn. "
    "Be IT-avdelningen installera den. Chatten och bilderna fungerar som vanligt."
)
BROKEN = (
    "Röststyrningen är avstängd: rösten gick inte att starta på den här datorn. "
    "Be IT-avdelningen se över den. Chatten och bilderna fungerar som vanligt."
)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceEngines:
    speech: SpeechModel | None
    synthesizer: Synthesizer | None
    words: frozenset[str] = frozenset()
    reason: str = ""  # why voice is off, in plain words for staff and the client
    detail: str = ""  # what the IT department does about it (shown to staff to pass on)

    @property
    def available(self) -> bool:
        return self.speech is not None and self.synthesizer is not None

    @cached_property
    def grammar(self) -> tuple[str, ...]:
        """Catalog words the recogniser is restricted to; empty in free mode."""
        return tuple(grammar_for(self.speech, self.words)) if self.speech else ()

    @property
    def mode(self) -> str:
        """'grammar' (catalog words restrict recognition), 'free', or 'av' (voice off)."""
        if self.speech is None:
            return "av"
        return "grammar" if self.grammar else "free"

    def status(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "mode": self.mode,
            "reason": self.reason,
            "detail": self.detail,
        }


def load_engines(vosk_dir: Path, voice_onnx: Path, words: Iterable[str] = ()) -> VoiceEngines:
    """Load both models; a missing or broken model turns voice off with the reason."""
    missing = []
    if not (vosk_dir / "am").is_dir():
        missing.append("taligenkänningen")
    if not voice_onnx.is_file() or not Path(f"{voice_onnx}.json").is_file():
        missing.append("rösten som läser upp")
    if missing:  # shown on the tablet: plain words, no commands or paths
        detail = (
            f"Till IT-avdelningen: {' och '.join(missing)} saknas i {vosk_dir.parent}. "
            "Kör ”handla models download” (se README, avsnittet Voice)."
        )
        log.warning("voice off: %s", detail)
        return VoiceEngines(None, None, reason=NOT_INSTALLED, detail=detail)
    try:
        speech = load_model(vosk_dir)
        synthesizer = Synthesizer.load(voice_onnx)
    except Exception as error:  # a corrupt model must not stop the app
        detail = (
            f"Till IT-avdelningen: modellerna gick inte att läsa in ({error}). "
            "Kör ”handla models status” och vid behov ”handla models download”."
        )
        log.warning("voice off: %s", detail)
        return VoiceEngines(None, None, reason=BROKEN, detail=detail)
    return VoiceEngines(speech, synthesizer, frozenset(words))


def engines_for_models_dir(
    models_dir: Path, words: Iterable[str] = (), voice: str = DEFAULT_VOICE
) -> VoiceEngines:
    """The Swedish models in HANDLA_MODELS_DIR (layout: see registry and README)."""
    return load_engines(models_dir / DEFAULT_STT, models_dir / f"{voice}.onnx", words)


class LazyEngines:
    """The engines loaded once, on first use or ahead of it by `warm_up` (loading the models
    takes seconds: the first utterance should not wait for it)."""

    def __init__(self, load: Callable[[], VoiceEngines]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._loaded: VoiceEngines | None = None

    def __call__(self) -> VoiceEngines:
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load()
            return self._loaded

    def warm_up(self) -> None:
        threading.Thread(target=self, name="handla-voice-load", daemon=True).start()
