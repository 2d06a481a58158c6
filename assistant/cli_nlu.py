"""`handla nlu lookups`: Rasa lookup tables (product kinds, brands, units) from the catalog files.

The lookup tables feed Rasa's RegexFeaturizer, so a product that appears in no training
example is still recognised as a product. They are kept to a few hundred entries each.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from assistant.config import PROJECT_ROOT
from catalog_matcher.catalog_files import load_products
from catalog_matcher.product import Product

LOOKUP_DIR = PROJECT_ROOT / "nlu_data" / "data" / "lookups"
CATALOG_DIR = PROJECT_ROOT / "demo_catalog"
MAX_KINDS = 400
MAX_BRANDS = 250
UNITS = [
    "liter",
    "l",
    "deciliter",
    "dl",
    "centiliter",
    "cl",
    "kilo",
    "kg",
    "hekto",
    "hg",
    "gram",
    "g",
    "stycken",
    "st",
    "styck",
    "paket",
    "pkt",
    "burk",
    "burkar",
    "flaska",
    "flaskor",
    "påse",
    "påsar",
    "förpackning",
    "förpackningar",
    "ask",
    "askar",
    "tub",
    "tuber",
    "låda",
    "lådor",
    "bunt",
    "knippe",
    "klase",
    "flak",
]
_WORD = re.compile(r"^[a-zåäöéü-]{3,}$")
# words that start a product name but are no kind of product
_NOT_KINDS = frozenset(
    [
        "original",
        "classic",
        "mini",
        "eko",
        "ekologisk",
        "färsk",
        "färska",
        "fryst",
        "frysta",
        "rökt",
        "stor",
        "små",
        "liten",
        "gourmet",
        "extra",
        "premium",
        "light",
        "naturell",
        "klass",
        "herrgård",
        "präst",
        "led",
    ]
)


def product_kinds(products: Iterable[Product], limit: int = MAX_KINDS) -> list[str]:
    """The most frequent first words of product names (their head nouns in Swedish)."""
    counts: Counter[str] = Counter()
    for product in products:
        words = product.name.lower().split()
        if words and _WORD.match(words[0]) and words[0] not in _NOT_KINDS:
            counts[words[0].strip("-")] += 1
    return sorted(word for word, _ in counts.most_common(limit))


def brands(products: Iterable[Product], limit: int = MAX_BRANDS) -> list[str]:
    counts = Counter(p.brand.strip() for p in products if len(p.brand.strip()) >= 2)
    return sorted({b for b, _ in counts.most_common(limit)}, key=str.lower)


def lookup_yaml(name: str, values: Iterable[str]) -> str:
    lines = ['version: "3.1"', "nlu:", f"- lookup: {name}", "  examples: |"]
    lines += [f"    - {value}" for value in values if ":" not in value and "#" not in value]
    return "\n".join(lines) + "\n"


def write_lookups(catalog_dir: Path = CATALOG_DIR, out_dir: Path = LOOKUP_DIR) -> dict[str, int]:
    products = [p for path in sorted(catalog_dir.glob("*.csv")) for p in load_products(path)]
    tables = {"product": product_kinds(products), "brand": brands(products), "unit": list(UNITS)}
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, values in tables.items():
        target = out_dir / f"{name}.yml"
        text = lookup_yaml(name, values)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return {name: len(values) for name, values in tables.items()}


def run_lookups(args: argparse.Namespace) -> int:
    sizes = write_lookups(args.catalog_dir, args.out)
    for name, size in sizes.items():
        print(f"{name}: {size} poster -> {args.out / (name + '.yml')}")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    nlu = subparsers.add_parser("nlu", help="Rasa-data för språkförståelsen")
    commands = nlu.add_subparsers(dest="nlu_command", required=True)
    lookups = commands.add_parser("lookups", help="Skriv uppslagslistor från katalogen")
    lookups.add_argument("--catalog-dir", type=Path, default=CATALOG_DIR)
    lookups.add_argument("--out", type=Path, default=LOOKUP_DIR)
    lookups.set_defaults(func=run_lookups)
