"""Score the matcher on phrase sets:
`python -m catalog_matcher.evaluate PHRASES... --catalog FILE [--store NAME]`.

Prints top-1, top-3, ambiguity precision/recall, not-found precision/recall, brand-missing
accuracy, quantity+unit accuracy, item-split accuracy and every miss.

Phrase format (one JSON object a line): `utterance` and `items`, each with `quantity`, optional
`unit`, `match` (a regular expression over the candidate's lower-cased "name | brand, size"),
`ambiguous`, `not_found` (the store does not sell it), `brand_missing` (a brand was asked for
that has no such product here), and `stores`: per store name, keys that replace the item's
own for that store (the 2020 stores sell other things under other names).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from catalog_matcher.catalog_files import load_products
from catalog_matcher.index import CatalogIndex
from catalog_matcher.result import Candidate, ItemMatch

MEASURES = {"l", "kg", "g", "dl"}


@dataclass
class Scores:
    items: int = 0  # items the store sells (top-1 and top-3 count over these)
    top1: int = 0
    top3: int = 0
    quantity_unit: int = 0
    all_items: int = 0
    utterances: int = 0
    split: int = 0
    flagged_right: int = 0
    flagged: int = 0
    ambiguous: int = 0
    missing: int = 0  # items the store does not sell
    reported_missing: int = 0
    missing_right: int = 0
    brand_asked: int = 0
    brand_right: int = 0
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        def share(a: int, b: int) -> float:
            return round(a / b, 4) if b else 1.0

        return {
            "top1": share(self.top1, self.items),
            "top3": share(self.top3, self.items),
            "ambiguity_precision": share(self.flagged_right, self.flagged),
            "ambiguity_recall": share(self.flagged_right, self.ambiguous),
            "not_found_precision": share(self.missing_right, self.reported_missing),
            "not_found_recall": share(self.missing_right, self.missing),
            "brand_missing": share(self.brand_right, self.brand_asked),
            "quantity_unit": share(self.quantity_unit, self.all_items),
            "split": share(self.split, self.utterances),
        }

    def counts(self) -> str:
        return (
            f"{self.utterances} utterances, {self.all_items} items "
            f"({self.items} sold here, {self.missing} not sold)"
        )


def expected(item: dict[str, Any], store: str) -> dict[str, Any]:
    """The item's labels for one store: its own keys, replaced by the store's where given."""
    labels = {key: value for key, value in item.items() if key != "stores"}
    labels.update(item.get("stores", {}).get(store, {}))
    return labels


def _hit(candidate: Candidate, pattern: re.Pattern[str]) -> bool:
    brand_and_size = ", ".join(part for part in (candidate.brand, candidate.size) if part)
    return bool(pattern.search(f"{candidate.name} | {brand_and_size}".lower()))


def _unit_ok(expected_unit: str | None, got: str | None) -> bool:
    if expected_unit:
        return expected_unit == got
    return got not in MEASURES  # nothing said: a count or a package is fine, a measure is not


def evaluate(index: CatalogIndex, phrases: list[dict[str, Any]], store: str = "") -> Scores:
    store = store or (index.products[0].store if index.products else "")
    scores = Scores()
    for phrase in phrases:
        scores.utterances += 1
        got = index.match(phrase["utterance"])
        wanted = [expected(item, store) for item in phrase["items"]]
        if len(got) == len(wanted):
            scores.split += 1
        else:
            scores.misses.append(f"split {phrase['utterance']!r}: {[i.text for i in got]}")
        for want, item in zip(wanted, got, strict=False):
            _score_item(scores, want, item)
        for want in wanted[len(got) :]:
            scores.all_items += 1
            if want.get("not_found"):
                scores.missing += 1
            else:
                scores.items += 1
    return scores


def _score_item(scores: Scores, want: dict[str, Any], item: ItemMatch) -> None:
    scores.all_items += 1
    missing = bool(want.get("not_found"))
    reported = item.status == "not_found"
    scores.reported_missing += reported
    if missing:
        scores.missing += 1
        scores.missing_right += reported
        if not reported:
            top = item.candidates[0].name if item.candidates else "-"
            scores.misses.append(f"not_found {item.text!r}: {item.status}, {top}")
    else:
        scores.items += 1
        pattern = re.compile(want["match"])
        hits = [_hit(c, pattern) for c in item.candidates]
        scores.top1 += bool(hits[:1] and hits[0])
        scores.top3 += any(hits[:3])
        if not (hits[:1] and hits[0]):
            top = item.candidates[0].name if item.candidates else "-"
            scores.misses.append(f"top1 {item.text!r}: {item.status} {top} !~ {want['match']}")
        wanted = bool(want.get("ambiguous"))
        scores.ambiguous += wanted
        scores.flagged += item.ambiguous
        scores.flagged_right += wanted and item.ambiguous
        if wanted != item.ambiguous:
            scores.misses.append(f"ambiguous {item.text!r}: {item.ambiguous} ({item.reason})")
        if "brand_missing" in want or item.brand:
            scores.brand_asked += 1
            right = bool(want.get("brand_missing")) == item.brand_missing
            scores.brand_right += right
            if not right:
                scores.misses.append(f"brand {item.text!r}: {item.brand!r} {item.brand_missing}")
    same = Decimal(str(want["quantity"])) == Decimal(str(item.quantity))
    if same and _unit_ok(want.get("unit"), item.unit):
        scores.quantity_unit += 1
    else:
        scores.misses.append(
            f"quantity {item.text!r}: {item.quantity} {item.unit} "
            f"!= {want['quantity']} {want.get('unit')}"
        )


def read_phrases(path: str | Path) -> list[dict[str, Any]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m catalog_matcher.evaluate")
    parser.add_argument("phrases", nargs="+", help="en eller flera JSONL-filer")
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--store", help="butiken i en fil med flera butiker (Coop, Hemköp, Willys)")
    args = parser.parse_args(argv)
    products = load_products(args.catalog, args.store)
    if not products:
        print(f"inga varor i {args.catalog} för butiken {args.store!r}", file=sys.stderr)
        return 2
    index = CatalogIndex(products)
    phrases = [phrase for path in args.phrases for phrase in read_phrases(path)]
    scores = evaluate(index, phrases, products[0].store)
    print(f"{products[0].store}: {scores.counts()}")
    for name, value in scores.figures().items():
        print(f"{name:22} {value:.1%}")
    for miss in scores.misses:
        print("MISS", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
