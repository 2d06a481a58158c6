"""The Swedish models a user needs, with pinned sizes and checksums, and what is on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PIPER_BASE = "https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0/sv/sv_SE"


@dataclass(frozen=True)
class ModelFile:
    """One downloadable file; md5/size None means 'to be verified' (not pinned yet)."""

    url: str
    name: str
    md5: str | None
    size: int | None


@dataclass(frozen=True)
class ModelSpec:
    key: str
    kind: str  # "vosk" (zip unpacked into a folder) or "piper" (onnx + json)
    files: tuple[ModelFile, ...]
    optional: bool = False


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        "vosk-model-small-sv-rhasspy-0.15",
        "vosk",
        (
            ModelFile(
                "https://alphacephei.com/vosk/models/vosk-model-small-sv-rhasspy-0.15.zip",
                "vosk-model-small-sv-rhasspy-0.15.zip",
                "5ae431c65fe8636692118792daa22ecc",
                303_504_931,
            ),
        ),
    ),
    ModelSpec(
        "sv_SE-nst-medium",
        "piper",
        (
            ModelFile(
                f"{_PIPER_BASE}/nst/medium/sv_SE-nst-medium.onnx",
                "sv_SE-nst-medium.onnx",
                "20266cf58e93ca2140444b77398aea04",
                63_104_526,
            ),
            ModelFile(
                f"{_PIPER_BASE}/nst/medium/sv_SE-nst-medium.onnx.json",
                "sv_SE-nst-medium.onnx.json",
                "3a95d9b88bb3214bf4d0d7fcf8a1aea9",
                None,
            ),
        ),
    ),
)


def _optional_voice(name: str) -> ModelSpec:
    """A further Swedish Piper voice; not pinned (no published checksum was at hand): the
    download prints the md5 it got so it can be compared with voices.json by hand."""
    base = f"{_PIPER_BASE}/{name}/medium/sv_SE-{name}-medium"
    return ModelSpec(
        f"sv_SE-{name}-medium",
        "piper",
        (
            ModelFile(f"{base}.onnx", f"sv_SE-{name}-medium.onnx", None, None),
            ModelFile(f"{base}.onnx.json", f"sv_SE-{name}-medium.onnx.json", None, None),
        ),
        optional=True,
    )


OPTIONAL_VOICES: tuple[ModelSpec, ...] = (_optional_voice("lisa"), _optional_voice("alma"))


def is_present(spec: ModelSpec, models_dir: Path) -> bool:
    """A Vosk model is a folder named by its key; a Piper voice is its onnx + json pair."""
    if spec.kind == "vosk":
        return (models_dir / spec.key / "am").is_dir()
    return all((models_dir / f.name).is_file() for f in spec.files)
