"""Prove that every item an evaluation set marks `not_found` is really absent from the store.

    python tests/data/check_not_in_store.py            # all sets, Willys 2023, Coop and Hemköp

An item is absent from a store when, over every product's name and brand (lower case, accents
folded, spaces and punctuation removed): its `word` occurs in none; no single product holds all
of its `parts` (a compound the store might write apart, "Skinka ... Jul"); and its `match`
pattern matches no product's "name | brand, size". Products named in `not` are left out: they
hold the word but are something else ("Fruktdansk med Russin" is not raisins); each must exist.
Exit status 1 lists each label that fails.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from catalog_matcher.catalog_files import load_products
from catalog_matcher.evaluate import expected, read_phrases
from catalog_matcher.normalize import fold
from catalog_matcher.product import Product

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SETS = ("speech", "not_in_store", "typed")
STORES = (
    ("willys_2023", ROOT / "demo_catalog" / "willys_2023.csv", None),
    ("Coop", ROOT / "demo_catalog" / "stores_2020.csv", "Coop"),
    ("Hemköp", ROOT / "demo_catalog" / "stores_2020.csv", "Hemköp"),
)


def compact(text: str) -> str:
    return re.sub(r"[^0-9a-zåäö]", "", fold(text))


def set_files() -> list[Path]:
    return [DATA / f"{name}{part}.jsonl" for name in SETS for part in ("", "_holdout")]


def problems_in(products: list[Product], store: str, files: list[Path]) -> list[str]:
    names = {compact(p.name) for p in products}
    found: list[str] = []
    for path in files:
        for phrase in read_phrases(path):
            for item in phrase["items"]:
                labels = expected(item, store)
                if not labels.get("not_found"):
                    continue
                where = f"{path.name} {store} {phrase['utterance']!r}"
                others = {compact(name) for name in labels.get("not", ())}
                found += [f"{where}: no product {name!r}" for name in others - names]
                kept = [p for p in products if compact(p.name) not in others]
                texts = [compact(f"{p.name} {p.brand}") for p in kept]
                lines = [
                    f"{p.name} | {', '.join(x for x in (p.brand, p.size_text) if x)}".lower()
                    for p in kept
                ]
                word = compact(labels.get("word", ""))
                if word and (hit := next((t for t in texts if word in t), None)):
                    found.append(f"{where}: {labels['word']!r} is in {hit!r}")
                parts = [compact(p) for p in labels.get("parts") or ()]
                if parts and (hit := next((t for t in texts if all(p in t for p in parts)), None)):
                    found.append(f"{where}: all of {parts} are in {hit!r}")
                if "match" in labels:
                    pattern = re.compile(labels["match"])
                    if hit := next((line for line in lines if pattern.search(line)), None):
                        found.append(f"{where}: {labels['match']!r} matches {hit!r}")
                if not word and "match" not in labels:
                    found.append(f"{where}: a not_found item needs a word or a match")
    return found


def main() -> int:
    files = set_files()
    problems: list[str] = []
    checked = 0
    for store, path, name in STORES:
        products = load_products(path, name)
        problems += problems_in(products, store, files)
        checked += sum(
            bool(expected(item, store).get("not_found"))
            for file in files
            for phrase in read_phrases(file)
            for item in phrase["items"]
        )
    for problem in problems:
        print("PRESENT", problem)
    print(f"{checked} not-found labels checked over {len(STORES)} stores, {len(problems)} wrong")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
