"""Score the matcher on a phrase set: `python -m catalog_matcher.evaluate PHRASES --catalog FILE`.

Prints top-1, top-3, ambiguity precision/recall, quantity+unit accuracy, item-split accuracy
and every miss. The phrase format is described in tests/data/ (README of the eval set).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from catalog_matcher.catalog_files import load_products
from catalog_matcher.index import CatalogIndex
from catalog_matcher.result import Candidate

MEASURES = {"l", "kg", "g", "dl"}


@dataclass
class Scores:
    items: int = 0
    top1: int = 0
    top3: int = 0
    quantity_unit: int = 0
    utterances: int = 0
    split: int = 0
    flagged_right: int = 0
    flagged: int = 0
    ambiguous: int = 0
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        def share(a: int, b: int) -> float:
            return round(a / b, 4) if b else 1.0

        return {
            "top1": share(self.top1, self.items),
            "top3": share(self.top3, self.items),
            "ambiguity_precision": share(self.flagged_right, self.flagged),
            "ambiguity_recall": share(self.flagged_right, self.ambiguous),
            "quantity_unit": share(self.quantity_unit, self.items),
            "split": share(self.split, self.utterances),
        }


def _hit(candidate: Candidate, pattern: re.Pattern[str]) -> bool:
    brand_and_size = ", ".join(part for part in (candidate.brand, candidate.size) if part)
    return bool(pattern.search(f"{candidate.name} | {brand_and_size}".lower()))


def _unit_ok(expected: str | None, got: str | None) -> bool:
    if expected:
        return expected == got
    return got not in MEASURES  # nothing said: a count or a package is fine, a measure is not


def evaluate(index: CatalogIndex, phrases: list[dict]) -> Scores:
    scores = Scores()
    for phrase in phrases:
        scores.utterances += 1
        got = index.match(phrase["utterance"])
        expected = phrase["items"]
        if len(got) == len(expected):
            scores.split += 1
        else:
            scores.misses.append(f"split {phrase['utterance']!r}: {[i.text for i in got]}")
        for want, item in zip(expected, got, strict=False):
            scores.items += 1
            pattern = re.compile(want["match"])
            hits = [_hit(c, pattern) for c in item.candidates]
            scores.top1 += bool(hits[:1] and hits[0])
            scores.top3 += any(hits[:3])
            if not (hits[:1] and hits[0]):
                top = item.candidates[0].name if item.candidates else "-"
                scores.misses.append(f"top1 {item.text!r}: {top} !~ {want['match']}")
            same = Decimal(str(want["quantity"])) == Decimal(str(item.quantity))
            if same and _unit_ok(want.get("unit"), item.unit):
                scores.quantity_unit += 1
            else:
                scores.misses.append(
                    f"quantity {item.text!r}: {item.quantity} {item.unit} "
                    f"!= {want['quantity']} {want.get('unit')}"
                )
            wanted = bool(want.get("ambiguous"))
            scores.ambiguous += wanted
            scores.flagged += item.ambiguous
            scores.flagged_right += wanted and item.ambiguous
            if wanted != item.ambiguous:
                scores.misses.append(f"ambiguous {item.text!r}: {item.ambiguous} ({item.reason})")
        scores.items += max(0, len(expected) - len(got))
    return scores


def read_phrases(path: str | Path) -> list[dict]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m catalog_matcher.evaluate")
    parser.add_argument("phrases")
    parser.add_argument("--catalog", required=True)
    args = parser.parse_args(argv)
    scores = evaluate(CatalogIndex(load_products(args.catalog)), read_phrases(args.phrases))
    for name, value in scores.figures().items():
        print(f"{name:22} {value:.1%}")
    for miss in scores.misses:
        print("MISS", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
