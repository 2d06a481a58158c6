"""Import a synthetic 50,000-row generic feed into a fresh SQLite database (or the URL given
with --database-url) and print rows/s and peak memory. Run: .venv/bin/python bench/import_catalog.py"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
from pathlib import Path

from assistant.catalog_import import import_catalog
from assistant.db import make_engine, make_sessionmaker, upgrade_database

DEPARTMENTS = ["Mejeri", "Frukt & grönt", "Bröd", "Kött", "Dryck", "Fryst"]
SIZES = ["1l", "500g", "1,5kg", "4x125g", "12p/50g", "10-pack", "ca: 1kg", "33cl"]


def write_feed(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["article_number", "name", "brand", "size", "price", "department",
                         "offer_label", "offer_price"])  # fmt: skip
        for i in range(rows):
            offer = ("2 för 25:-", "") if i % 10 == 0 else ("", "")
            writer.writerow([f"{i:013d}", f"Vara {i} naturell", f"Märke {i % 300}",
                             SIZES[i % len(SIZES)], f"{(i % 9000) / 100 + 5:.2f}",
                             DEPARTMENTS[i % len(DEPARTMENTS)], *offer])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "benchbutiken.csv"
        write_feed(feed, args.rows)
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        upgrade_database(url)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        for label in ("first import", "re-import"):
            start = time.perf_counter()
            report = import_catalog(sessions, feed)
            elapsed = time.perf_counter() - start
            print(
                f"{label}: {args.rows / elapsed:,.0f} rows/s ({elapsed:.1f} s); {report.summary()}"
            )
        engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
