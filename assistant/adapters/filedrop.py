"""File-drop adapter: the order sheet as CSV and PDF in the store's folder.

Each file is written to a hidden temporary file in the same folder, flushed to disk and renamed
into place, so a reader never sees half a file. The name comes from the order id and its
idempotency key: a repeat after a crash overwrites the same two files instead of making a
second order.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from assistant.adapters.sheet_pdf import sheet_pdf
from assistant.orders.sheet import DeliveryFailed, OrderSheet

_SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def file_stem(order_id: int, key: str) -> str:
    """ "bestallning-17-<key>" (a hash of the key when it is long or has other characters)."""
    part = key if _SAFE_KEY.match(key) else hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"bestallning-{order_id}-{part}"


def _write_atomically(path: Path, content: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)  # the renames themselves survive a power cut
    finally:
        os.close(fd)


def deliver_file(folder: Path, sheet: OrderSheet, key: str) -> list[Path]:
    """Write <stem>.pdf and <stem>.csv (UTF-8 with BOM for spreadsheet programs) into `folder`
    (created, mode 0700: the sheets carry names and addresses); returns the two paths."""
    stem = file_stem(sheet.order_id, key)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for leftover in folder.glob(f".{stem}.*.tmp"):  # a crash in the middle of a write
            leftover.unlink(missing_ok=True)
        written = []
        for suffix, content in (
            (".pdf", sheet_pdf(sheet)),
            (".csv", sheet.as_csv().encode("utf-8-sig")),
        ):
            path = folder / f"{stem}{suffix}"
            _write_atomically(path, content)
            written.append(path)
        _sync_folder(folder)
    except OSError as error:
        raise DeliveryFailed(
            f"Kunde inte skriva beställningen i mappen {folder}: {error}"
        ) from error
    return written
