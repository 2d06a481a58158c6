"""NLU 2-fold cross-validation of the Rasa training data: trains twice on half the examples and
tests on the other half, then prints the weighted intent and entity F1 (the README's figure).

Runs the real Rasa from .venv-rasa; about three minutes on 2 cores. Not part of the test suite
(two trainings); run it after changing nlu_data/data and put the figure in the README.

    .venv/bin/python bench/nlu_cv.py [--folds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NLU_DIR = ROOT / "nlu_data"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"


def weighted_f1(report: Path) -> float:
    return float(json.loads(report.read_text(encoding="utf-8"))["weighted avg"]["f1-score"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/nlu_cv.py", description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=2)
    args = parser.parse_args(argv)
    if not RASA.exists():
        print("Rasa is not installed (.venv-rasa): run ./script/setup", file=sys.stderr)
        return 2
    examples = sum(
        text.count("\n    - ")
        for text in (p.read_text(encoding="utf-8") for p in (NLU_DIR / "data").glob("*.yml"))
    )
    with tempfile.TemporaryDirectory(prefix="handla-nlu-cv-") as out:
        started = time.monotonic()
        result = subprocess.run(
            [str(RASA), "test", "nlu", "--nlu", "data", "--config", "config.yml",
             "--cross-validation", "--folds", str(args.folds), "--out", out],
            cwd=NLU_DIR,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
            capture_output=True,
            text=True,
        )  # fmt: skip
        if result.returncode != 0:
            print(result.stderr[-3000:], file=sys.stderr)
            return 1
        intent = weighted_f1(Path(out) / "intent_report.json")
        entities = sorted(Path(out).glob("*Extractor_report.json"))
        entity = weighted_f1(entities[0]) if entities else None
    print(f"NLU {args.folds}-fold cross-validation ({examples} example lines, "
          f"{time.monotonic() - started:.0f} s)")  # fmt: skip
    print(f"intent F1 (weighted): {intent:.3f}")
    if entity is not None:
        print(f"entity F1 (weighted): {entity:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
