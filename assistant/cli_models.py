"""`handla models download|status`: the Swedish speech models (Vosk, Piper) in HANDLA_MODELS_DIR."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.config import load_settings
from assistant.voice.download import DownloadError, install
from assistant.voice.registry import MODELS, OPTIONAL_VOICES, ModelSpec, is_present

VOICE_CHOICES = ("lisa", "alma")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("models", help="talmodellerna för röststyrning")
    actions = parser.add_subparsers(dest="models_command", required=True)
    download = actions.add_parser(
        "download", help="hämta de svenska modellerna (fortsätter en avbruten hämtning)"
    )
    download.add_argument(
        "--voice",
        action="append",
        choices=VOICE_CHOICES,
        default=[],
        help="hämta även en annan röst (kan anges flera gånger)",
    )
    download.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="ta filerna från en mapp (t.ex. ett USB-minne) i stället",
    )
    download.set_defaults(func=download_models)
    status = actions.add_parser("status", help="visa vilka modeller som finns")
    status.set_defaults(func=show_status)


def _wanted(voices: list[str]) -> list[ModelSpec]:
    extra = [spec for spec in OPTIONAL_VOICES if any(f"-{v}-" in spec.key for v in voices)]
    return [*MODELS, *extra]


def download_models(args: argparse.Namespace) -> int:
    models_dir = load_settings().models_dir
    if args.source is not None and not args.source.is_dir():
        print(f"Mappen {args.source} finns inte.", file=sys.stderr)
        return 2
    failed = False
    for spec in _wanted(args.voice):
        try:
            for note in install(spec, models_dir, args.source):
                print(note)
        except DownloadError as error:
            print(error, file=sys.stderr)
            failed = True
    print(f"Modellmapp: {models_dir}")
    return 1 if failed else 0


def show_status(args: argparse.Namespace) -> int:
    models_dir = load_settings().models_dir
    print(f"Modellmapp: {models_dir}")
    missing = False
    for spec in (*MODELS, *OPTIONAL_VOICES):
        present = is_present(spec, models_dir)
        missing |= not present and not spec.optional
        label = "finns" if present else ("saknas (valfri)" if spec.optional else "saknas")
        print(f"  {spec.key}: {label}")
    if missing:
        print("Röststyrningen är avstängd tills modellerna finns: kör `handla models download`.")
    return 1 if missing else 0
