"""`python -m catalog_matcher --catalog FILE [--history FILE]`: one utterance a line on
standard input, one JSON object a line on standard output."""

from __future__ import annotations

import argparse
import json
import sys

from catalog_matcher.catalog_files import load_products
from catalog_matcher.history import read_history
from catalog_matcher.index import CatalogIndex


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m catalog_matcher")
    parser.add_argument("--catalog", required=True, help="katalogfil (CSV eller JSON)")
    parser.add_argument("--history", help="tidigare köp: CSV eller JSONL med key/name, count, date")
    args = parser.parse_args(argv)
    index = CatalogIndex(load_products(args.catalog))
    history = read_history(args.history) if args.history else None
    for line in sys.stdin:
        utterance = line.strip()
        if not utterance:
            continue
        items = [item.to_json() for item in index.match(utterance, history)]
        print(json.dumps({"utterance": utterance, "items": items}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
