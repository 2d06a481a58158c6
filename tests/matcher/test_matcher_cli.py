"""The matcher's command line and history files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from catalog_matcher import read_history
from catalog_matcher.history import Purchase

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "demo_catalog" / "willys_2023.csv"


def test_history_csv_and_jsonl(tmp_path: Path) -> None:
    csv_file = tmp_path / "h.csv"
    csv_file.write_text('name,count,date\n"Mellanmjölk 1,5%",3,2026-11-01\n,2,\n', encoding="utf-8")
    jsonl_file = tmp_path / "h.jsonl"
    jsonl_file.write_text('{"key": "willys_2023:Smör|x", "count": "bad"}\n\n', encoding="utf-8")
    assert read_history(csv_file) == [Purchase("", "Mellanmjölk 1,5%", 3, "2026-11-01")]
    assert read_history(jsonl_file) == [Purchase("willys_2023:Smör|x", "", 1, "")]


def test_cli_writes_one_json_line_per_utterance(tmp_path: Path) -> None:
    history = tmp_path / "h.csv"
    history.write_text('name,count\n"Lättmjölk Färsk 0,5%",4\n', encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "catalog_matcher",
            "--catalog",
            str(CATALOG),
            "--history",
            str(history),
        ],
        input="två liter mellanmjölk och en limpa\n\nmjölk\n",
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [line["utterance"] for line in lines] == ["två liter mellanmjölk och en limpa", "mjölk"]
    first, second = lines[0]["items"]
    assert (first["quantity"], first["unit"]) == (2, "l")
    assert len(first["candidates"]) >= 5
    assert {"name", "brand", "size", "score"} <= set(first["candidates"][0])
    assert "limpa" in second["candidates"][0]["name"].lower()
    (milk,) = lines[1]["items"]
    assert milk["candidates"][0]["name"] == "Lättmjölk Färsk 0,5%" and not milk["ambiguous"]
    assert milk["status"] == "found" and first["status"] == "found"
    assert {"suggestions", "brand", "brand_missing", "groups", "reason"} <= set(milk)


def test_evaluate_prints_the_scores() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "catalog_matcher.evaluate",
            str(ROOT / "tests/data/phrases_dev.jsonl"),
            "--catalog",
            str(CATALOG),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert "top1" in run.stdout and "split" in run.stdout
    assert "not_found_precision" in run.stdout and "not_found_recall" in run.stdout


def test_evaluate_a_store_of_the_2020_file() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "catalog_matcher.evaluate",
            str(ROOT / "tests/data/not_in_store.jsonl"),
            "--catalog",
            str(ROOT / "demo_catalog/stores_2020.csv"),
            "--store",
            "Coop",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert run.stdout.startswith("Coop:") and "not_found_recall" in run.stdout


def test_every_not_found_label_is_absent_from_its_catalog() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests/data/check_not_in_store.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stdout
    assert "0 wrong" in run.stdout
