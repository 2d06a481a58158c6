"""The loaded speech models, or a Swedish explanation why voice is off (the app runs without)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from assistant.voice.registry import MODELS
from assistant.voice.stt import SpeechModel, grammar_for, load_model
from assistant.voice.tts import Synthesizer

DEFAULT_STT = MODELS[0].key  # vosk-model-small-sv-rhasspy-0.15
DEFAULT_VOICE = "sv_SE-nst-medium"


@dataclass(frozen=True)
class VoiceEngines:
    speech: SpeechModel | None
    synthesizer: Synthesizer | None
    words: frozenset[str] = frozenset()
    reason: str = ""  # why voice is off, for the client and staff

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

    def status(self) -> dict:
        return {"available": self.available, "mode": self.mode, "reason": self.reason}


def load_engines(vosk_dir: Path, voice_onnx: Path, words: Iterable[str] = ()) -> VoiceEngines:
    """Load both models; a missing or broken model turns voice off with the reason."""
    missing = []
    if not (vosk_dir / "am").is_dir():
        missing.append("taligenkänningen")
    if not voice_onnx.is_file() or not Path(f"{voice_onnx}.json").is_file():
        missing.append("rösten som läser upp")
    if missing:  # shown on the tablet: short, no paths (`handla models status` has the details)
        return VoiceEngines(
            None,
            None,
            reason="Röststyrningen är avstängd: "
            + " och ".join(missing)
            + " är inte installerad. Chatten och bilderna fungerar som vanligt. "
            "(Personal: kör `handla models download`, se README.)",
        )
    try:
        speech = load_model(vosk_dir)
        synthesizer = Synthesizer.load(voice_onnx)
    except Exception as error:  # a corrupt model must not stop the app
        return VoiceEngines(
            None,
            None,
            reason=f"Röststyrningen är avstängd: modellerna gick inte att läsa in ({error}). "
            "Kör `handla models status`.",
        )
    return VoiceEngines(speech, synthesizer, frozenset(words))


def engines_for_models_dir(
    models_dir: Path, words: Iterable[str] = (), voice: str = DEFAULT_VOICE
) -> VoiceEngines:
    """The Swedish models in HANDLA_MODELS_DIR (layout: see registry and README)."""
    return load_engines(models_dir / DEFAULT_STT, models_dir / f"{voice}.onnx", words)
