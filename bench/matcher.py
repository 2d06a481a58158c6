"""Matcher speed: index build time and per-item latency p50/p95 at the real catalog sizes and
at 50,000 products (the Willys list grown by variants), beside the naive baseline
`rapidfuzz.process.extract(item, names, scorer=fuzz.WRatio, limit=5)` in the same run.

    .venv/bin/python bench/matcher.py
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

from catalog_matcher.catalog_files import load_products
from catalog_matcher.evaluate import read_phrases
from catalog_matcher.index import CatalogIndex
from catalog_matcher.product import Product

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("Eko", "Storpack", "Original", "Laktosfri", "Glutenfri", "Mini", "Extra", "Classic")
BRANDS = ("Garant", "Eldorado", "Coop", "Ica", "Zeta", "Felix", "Arla", "Pågen")


def grow(products: list[Product], target: int) -> list[Product]:
    """Variants of real products (another brand, another descriptor) up to `target`."""
    out = list(products)
    round_ = 0
    while len(out) < target:
        for product in products:
            if len(out) >= target:
                break
            variant = VARIANTS[round_ % len(VARIANTS)]
            brand = BRANDS[(round_ + len(product.name)) % len(BRANDS)]
            out.append(
                replace(
                    product,
                    key=f"{product.key}#{round_}",
                    name=f"{product.name} {variant}",
                    brand=f"{brand} {round_ // len(BRANDS) or ''}".strip(),
                )
            )
        round_ += 1
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(label: str, products: list[Product], items: list[str], rounds: int = 3) -> None:
    start = time.perf_counter()
    index = CatalogIndex(products)
    build = time.perf_counter() - start
    names = [p.name for p in products]
    ours, naive = [], []
    for _ in range(rounds):
        for item in items:
            t = time.perf_counter()
            index.match_item(item)
            ours.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            process.extract(item, names, scorer=fuzz.WRatio, limit=5)
            naive.append((time.perf_counter() - t) * 1000)
    p95, base95 = percentile(ours, 0.95), percentile(naive, 0.95)
    print(
        f"{label:>24} {len(products):>7} products  build {build:6.2f} s  "
        f"matcher p50 {statistics.median(ours):6.2f} ms p95 {p95:6.2f} ms  "
        f"naive p50 {statistics.median(naive):6.2f} ms p95 {base95:6.2f} ms  "
        f"p95 ratio {p95 / base95:.2f}"
    )


def main() -> None:
    phrases = read_phrases(ROOT / "tests" / "data" / "phrases_dev.jsonl")
    willys = load_products(ROOT / "demo_catalog" / "willys_2023.csv")
    stores = load_products(ROOT / "demo_catalog" / "stores_2020.csv")
    probe = CatalogIndex(willys)
    items = [item.text for phrase in phrases for item in probe.match(phrase["utterance"])]
    print(f"{len(items)} spoken items from the dev set, 3 rounds each; times per item")
    run("willys_2023", willys, items)
    run("stores_2020", stores, items)
    run("willys grown by variants", grow(willys, 50_000), items)


if __name__ == "__main__":
    main()
