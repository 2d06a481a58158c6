"""Measure where "not in the store" starts: `python -m catalog_matcher.calibrate`.

Every labelled item of the tuning sets (not the held-out ones; the dev and own phrase sets
only on Willys 2023, which they are labelled for), on Willys 2023, Coop and Hemköp 2020, is
matched with `CatalogIndex.assess`, which gives the credibility of its best
candidate. Items the store sells and items it does not (the labels, per store) are then two
lists of credibilities; the threshold is the middle of the widest gap between them that
makes the fewest mistakes, favouring a right "not in the store". It is printed beside the
threshold in use (`index.FOUND`), with each class's values near it and every item on the
wrong side.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from catalog_matcher.catalog_files import load_products
from catalog_matcher.evaluate import expected, read_phrases
from catalog_matcher.index import FOUND, CatalogIndex

ROOT = Path(__file__).resolve().parents[1]
TUNING = ("phrases_dev", "phrases_own", "speech", "typed", "not_in_store")
WILLYS_ONLY = {"phrases_dev", "phrases_own"}  # labelled for Willys 2023 alone
STORES = (
    ("willys_2023", "demo_catalog/willys_2023.csv", None),
    ("Coop", "demo_catalog/stores_2020.csv", "Coop"),
    ("Hemköp", "demo_catalog/stores_2020.csv", "Hemköp"),
)


def measure(root: Path = ROOT) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    """(credibility, where) of the items the store sells and of those it does not."""
    sold: list[tuple[float, str]] = []
    missing: list[tuple[float, str]] = []
    for store, path, name in STORES:
        index = CatalogIndex(load_products(root / path, name))
        for set_name in TUNING:
            if set_name in WILLYS_ONLY and store != "willys_2023":
                continue
            for phrase in read_phrases(root / "tests" / "data" / f"{set_name}.jsonl"):
                assessed = index.assess(phrase["utterance"])
                if len(assessed) != len(phrase["items"]):
                    continue  # a split miss says nothing about credibility
                for item, (got, credibility) in zip(phrase["items"], assessed, strict=True):
                    labels = expected(item, store)
                    where = f"{store} {set_name} {got.text!r}"
                    (missing if labels.get("not_found") else sold).append((credibility, where))
    return sold, missing


def threshold(sold: list[float], missing: list[float]) -> tuple[float, int]:
    """The cut with the fewest mistakes (a sold item below it, a missing one at or above it);
    ties go to the widest gap, then to the higher cut (a missing item is the worse mistake)."""
    values = sorted(set(sold) | set(missing) | {0.0, 1.01})
    best: tuple[int, float, float] | None = None
    for low, high in zip(values, values[1:], strict=False):
        cut = (low + high) / 2
        errors = sum(v < cut for v in sold) + sum(v >= cut for v in missing)
        key = (errors, -(high - low), -cut)
        if best is None or key < best:
            best = (errors, -(high - low), -cut)
    assert best is not None
    return round(-best[2], 3), best[0]


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m catalog_matcher.calibrate").parse_args(argv)
    sold, missing = measure()
    cut, errors = threshold([v for v, _ in sold], [v for v, _ in missing])
    print(f"{len(sold)} items sold, {len(missing)} items not sold (tuning sets, 3 stores)")
    print(f"threshold {cut} ({errors} on the wrong side); in use: FOUND = {FOUND}")
    near = sorted({round(v, 3) for v, _ in sold if v < 1.0})
    print("sold, below 1.0:    ", near[:12])
    print("not sold, above 0.0:", sorted({round(v, 3) for v, _ in missing if v > 0.0})[-12:])
    for value, where in sorted(sold):
        if value < FOUND:
            print(f"  sold but below FOUND: {value:.3f} {where}")
    for value, where in sorted(missing):
        if value >= FOUND:
            print(f"  not sold but credible: {value:.3f} {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
