"""Matcher speed: index build time and per-item latency p50/p95 at the real catalog sizes and
at 50,000 products (the Willys list grown by variants), beside the naive baseline
`rapidfuzz.process.extract(item, names, scorer=fuzz.WRatio, limit=5)` in the same run.

Times are wall-clock, beside the matcher's own CPU time (`time.thread_time`): on a shared
machine the difference is time spent waiting for a core. Two loads: single items (the dev set's items, `match_item`), and spoken lists of five items
in one breath without "och" (`match` on the utterance, its time divided by its items; the
baseline is five extracts). Three rounds each: the first with cold caches (its p95 is shown
too), the others as a long-running app sees them (an index remembers its answers).

    .venv/bin/python bench/matcher.py
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

from catalog_matcher.catalog_files import load_products
from catalog_matcher.evaluate import read_phrases
from catalog_matcher.index import CatalogIndex
from catalog_matcher.product import Product
from catalog_matcher.quantities import NUMBER_WORDS

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("Eko", "Storpack", "Original", "Laktosfri", "Glutenfri", "Mini", "Extra", "Classic")
BRANDS = ("Garant", "Eldorado", "Coop", "Ica", "Zeta", "Felix", "Arla", "Pågen")
SPOKEN = ("två", "en", "tre", "ett paket", "fyra")


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


def spoken_lists(items: list[str]) -> list[tuple[str, int]]:
    """Five items a breath, each with a spoken amount, no "och": "två mellanmjölk en limpa …"."""
    words = [i for i in items if i and i.split()[0] not in NUMBER_WORDS]
    lists = []
    for start in range(0, len(words) - 4, 5):
        said = [f"{SPOKEN[k]} {words[start + k]}" for k in range(5)]
        lists.append((" ".join(said), 5))
    return lists


def timed(
    label: str, products: list[Product], work: list[tuple[str, int]], single: bool, rounds: int
) -> str:
    start = time.perf_counter()
    index = CatalogIndex(products)
    build = time.perf_counter() - start
    names = [p.name for p in products]
    call: Callable[[str], object] = index.match_item if single else index.match
    ours, cpu, naive = [], [], []
    for round_ in range(rounds):
        if round_ == 1:
            cold = percentile(ours, 0.95)
        for text, items in work:
            c = time.thread_time()
            t = time.perf_counter()
            call(text)
            ours.append((time.perf_counter() - t) * 1000 / items)
            cpu.append((time.thread_time() - c) * 1000 / items)
            t = time.perf_counter()
            for part in [text] if single else text.split(" ", items - 1)[:items]:
                process.extract(part, names, scorer=fuzz.WRatio, limit=5)
            naive.append((time.perf_counter() - t) * 1000 / items)
    p95, base95 = percentile(ours, 0.95), percentile(naive, 0.95)
    return (
        f"{label:>24} {len(products):>7} products  build {build:5.2f} s  "
        f"matcher p50 {statistics.median(ours):5.2f} ms p95 {p95:5.2f} ms "
        f"(cpu {percentile(cpu, 0.95):4.2f}, 1st round {cold:4.2f})  "
        f"naive p50 {statistics.median(naive):6.2f} ms p95 {base95:6.2f} ms  "
        f"p95 ratio {p95 / base95:.2f}"
    )


def main(rounds: int = 3) -> None:
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores")
    phrases = read_phrases(ROOT / "tests" / "data" / "phrases_dev.jsonl")
    speech = read_phrases(ROOT / "tests" / "data" / "speech.jsonl")
    willys = load_products(ROOT / "demo_catalog" / "willys_2023.csv")
    stores = load_products(ROOT / "demo_catalog" / "stores_2020.csv")
    probe = CatalogIndex(willys)
    items = [item.text for phrase in phrases for item in probe.match(phrase["utterance"])]
    lists = spoken_lists(
        [item.text for phrase in speech for item in probe.match(phrase["utterance"])]
    )
    grown = grow(willys, 50_000)
    catalogs = (("willys_2023", willys), ("stores_2020", stores), ("willys grown", grown))
    print(f"single items: {len(items)} dev-set items, {rounds} rounds; times per item")
    for label, products in catalogs:
        print(timed(label, products, [(i, 1) for i in items], True, rounds))
    print(f"spoken lists: {len(lists)} utterances of 5 items, {rounds} rounds; times per item")
    for label, products in catalogs:
        print(timed(label, products, lists, False, rounds))


if __name__ == "__main__":
    main()
