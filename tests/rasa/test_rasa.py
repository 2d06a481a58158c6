"""Rasa's own checks on the training data and model: validation, the Swedish end-to-end
conversations (`rasa test core --fail-on-prediction-errors`) and the trained model on phrases
it was not trained on. (NLU cross-validation trains twice: it is `bench/nlu_cv.py`.)

Runs the real Rasa from .venv-rasa; trains first (script/train) only when the data changed.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT

pytestmark = pytest.mark.rasa
NLU_DIR = PROJECT_ROOT / "nlu_data"
RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
CONVERSATIONS = PROJECT_ROOT / "tests" / "test_conversations.yml"
UNSEEN = PROJECT_ROOT / "tests" / "rasa" / "unseen_phrases.yml"
MIN_UNSEEN_INTENT_F1 = 0.88  # measured 0.95 (README)

if not RASA.exists():
    pytest.skip("Rasa is not installed (.venv-rasa): run ./script/setup", allow_module_level=True)


def _rasa(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run(
        [str(RASA), *args], cwd=NLU_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def trained_model() -> Path:
    result = subprocess.run(
        [str(PROJECT_ROOT / "script" / "train")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    models = sorted((NLU_DIR / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    assert models, "script/train made no model"
    return models[-1]


def test_training_data_is_valid() -> None:
    result = _rasa(
        "data", "validate", "--fail-on-warnings",
        "--domain", "domain.yml", "--data", "data", "--config", "config.yml",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_swedish_conversations_pass(trained_model: Path, tmp_path: Path) -> None:
    result = _rasa(
        "test", "core", "--model", str(trained_model), "--stories", str(CONVERSATIONS),
        "--fail-on-prediction-errors", "--out", str(tmp_path),
    )  # fmt: skip
    failed = tmp_path / "failed_test_stories.yml"
    report = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, report or result.stderr[-3000:]
    assert "None of the test stories failed" in report
    count = CONVERSATIONS.read_text(encoding="utf-8").count("- story:")
    assert count >= 30
    print(f"\n{count} Swedish conversations: all passed")


def _weighted_f1(report: Path) -> float:
    return float(json.loads(report.read_text(encoding="utf-8"))["weighted avg"]["f1-score"])


def test_the_model_understands_phrases_it_was_not_trained_on(
    trained_model: Path, tmp_path: Path
) -> None:
    result = _rasa(
        "test", "nlu", "--model", str(trained_model), "--nlu", str(UNSEEN), "--out", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    intent_f1 = _weighted_f1(tmp_path / "intent_report.json")
    errors = json.loads((tmp_path / "intent_errors.json").read_text(encoding="utf-8"))
    print(f"\nUnseen phrases: intent F1 {intent_f1:.3f}")
    assert intent_f1 >= MIN_UNSEEN_INTENT_F1, [
        (e["text"], e["intent"], e["intent_prediction"]["name"]) for e in errors
    ]
