"""The client's past purchases, used as a prior: "som vanligt", or a bare "mjölk" they always buy.

`--history FILE`: CSV with a header holding `key` or `name` (optional `count`, `date`), or
JSON lines with the same fields. A name is looked up in the catalog by exact name.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Purchase:
    key: str = ""
    name: str = ""
    count: int = 1
    date: str = ""


def read_history(path: str | Path) -> list[Purchase]:
    """Purchases from a CSV or JSONL file; rows without key or name are skipped."""
    text = Path(path).read_text(encoding="utf-8-sig")
    if text.lstrip().startswith("{"):
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        records = list(csv.DictReader(text.splitlines()))
    purchases = []
    for record in records:
        if not isinstance(record, dict):
            continue
        key = str(record.get("key") or "").strip()
        name = str(record.get("name") or "").strip()
        if not key and not name:
            continue
        try:
            count = max(1, int(record.get("count") or 1))
        except (TypeError, ValueError):
            count = 1
        purchases.append(Purchase(key, name, count, str(record.get("date") or "")))
    return purchases


def purchase_counts(
    history: Sequence[Purchase | str] | None, key_by_name: dict[str, str]
) -> Counter[str]:
    """Product key -> times bought. Plain strings are keys (or names) bought once."""
    counts: Counter[str] = Counter()
    for entry in history or ():
        if isinstance(entry, str):
            entry = Purchase(key=entry, name=entry)
        key = key_by_name.get(entry.name.lower(), "") if entry.name else ""
        key = key or entry.key
        if key:
            counts[key] += entry.count
    return counts
