"""`handla catalog import FILE [--store NAME]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.catalog_import import CatalogFormatError, import_catalog
from assistant.config import load_settings, prepare_data_dir
from assistant.db import make_engine, make_sessionmaker, upgrade_database

MAX_LISTED = 50


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    catalog = subparsers.add_parser("catalog", help="Varukatalogen")
    commands = catalog.add_subparsers(dest="catalog_command", required=True)
    imp = commands.add_parser("import", help="Läs in en katalogfil (CSV eller JSON)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--store", help="butikens namn (eller en butik ur en fil med flera butiker)")
    imp.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    settings = prepare_data_dir(load_settings())
    upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    try:
        if sys.stderr.isatty():
            from rich.progress import Progress

            with Progress(transient=True) as progress:
                task = progress.add_task("Läser in", total=1.0)
                report = import_catalog(
                    sessions,
                    args.file,
                    args.store,
                    on_progress=lambda _rows, done: progress.update(task, completed=done),
                )
        else:
            report = import_catalog(sessions, args.file, args.store)
    except (CatalogFormatError, OSError) as error:
        print(f"Fel: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    for note in report.notes:
        print(f"Obs: {note}")
    for row in report.rejected[:MAX_LISTED]:
        print(f"rad {row.line}: {row.reason}")
    if len(report.rejected) > MAX_LISTED:
        print(f"… och {len(report.rejected) - MAX_LISTED} rader till")
    print(report.summary())
    return 0
