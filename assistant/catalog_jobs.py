"""Catalog imports started from the browser. Each runs in a thread of its own (the web server
keeps answering while it works) and reads the uploaded file as it goes. Its progress and result
are a small JSON file under `$HANDLA_DATA_DIR/imports/<id>/`, written every second, so any app
worker on this machine can show them, and a job whose process died shows as stopped."""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session, sessionmaker

from assistant.catalog_import import CatalogFormatError, ImportReport, import_catalog

log = logging.getLogger(__name__)

SHOWN_REJECTIONS = 200
HEARTBEAT_SECONDS = 1.0
STALE_SECONDS = 30.0
"""A running job's status not written for this long belongs to a process that stopped."""
KEEP_SECONDS = 7 * 24 * 3600
JOB_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{8}")
_start_lock = threading.Lock()


@dataclass
class ImportStatus:
    id: str
    file_name: str
    state: str = "running"
    """"running", "done", "failed" or "stopped" (its process ended before it did)."""
    rows: int = 0
    fraction: float = 0.0
    summary: str = ""
    notes: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    rejected_count: int = 0
    error: str = ""
    heartbeat: float = 0.0

    @property
    def percent(self) -> int:
        return int(self.fraction * 100)

    @property
    def progress_text(self) -> str:
        return f"{self.percent} % av filen, {self.rows:_} rader lästa".replace("_", " ")


def imports_dir(data_dir: Path) -> Path:
    return data_dir / "imports"


def new_job(data_dir: Path) -> tuple[str, Path]:
    """A fresh job id (sortable by time) and its folder, where the upload is saved."""
    job_id = f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
    folder = imports_dir(data_dir) / job_id
    folder.mkdir(parents=True, mode=0o700)
    return job_id, folder


def read_status(data_dir: Path, job_id: str) -> ImportStatus | None:
    if not JOB_ID.fullmatch(job_id):
        return None
    try:
        raw = json.loads((imports_dir(data_dir) / job_id / "status.json").read_text())
    except (OSError, ValueError):
        return None
    status = ImportStatus(**raw)
    status.rejected = [(line, reason) for line, reason in status.rejected]
    if status.state == "running" and time.time() - status.heartbeat > STALE_SECONDS:
        status.state = "stopped"
    return status


def running_job(data_dir: Path) -> str | None:
    """The id of an import still running on this machine, if any."""
    folder = imports_dir(data_dir)
    for path in sorted(folder.glob("*/status.json"), reverse=True) if folder.exists() else []:
        status = read_status(data_dir, path.parent.name)
        if status and status.state == "running":
            return status.id
    return None


def _write(folder: Path, status: ImportStatus) -> None:
    status.heartbeat = time.time()
    tmp = folder / "status.json.part"
    tmp.write_text(json.dumps(asdict(status), ensure_ascii=False))
    tmp.replace(folder / "status.json")


def _forget_old_jobs(data_dir: Path) -> None:
    for path in imports_dir(data_dir).glob("*/status.json"):
        if time.time() - path.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(path.parent, ignore_errors=True)


def start_import(
    sessions: sessionmaker[Session], data_dir: Path, job_id: str, upload: Path, store: str | None
) -> bool:
    """Start importing `upload` (saved in the job's folder, deleted when done). False when
    another import is running (two at once would wait on each other's writes)."""
    folder = imports_dir(data_dir) / job_id
    with _start_lock:
        if running_job(data_dir):
            return False
        _forget_old_jobs(data_dir)
        status = ImportStatus(id=job_id, file_name=upload.name)
        _write(folder, status)
    threading.Thread(
        target=_supervise,
        args=(sessions, folder, upload, store, status),
        daemon=True,
        name=f"catalog-import-{job_id}",
    ).start()
    return True


def _supervise(
    sessions: sessionmaker[Session],
    folder: Path,
    upload: Path,
    store: str | None,
    status: ImportStatus,
) -> None:
    """Runs the import in a thread and writes its status every second until it ends."""
    outcome: dict[str, object] = {}

    def progress(rows: int, fraction: float) -> None:
        status.rows, status.fraction = rows, fraction

    def work() -> None:
        try:
            outcome["report"] = import_catalog(sessions, upload, store, on_progress=progress)
        except (CatalogFormatError, UnicodeDecodeError, OSError) as error:
            outcome["error"] = f"Filen gick inte att läsa: {error}. Inget ändrades."
        except Exception:
            log.exception("catalog import %s failed", folder.name)
            outcome["error"] = (
                "Importen misslyckades av ett oväntat fel (se loggen). Inget ändrades."
            )

    worker = threading.Thread(target=work, daemon=True, name=f"{folder.name}-work")
    worker.start()
    try:
        while worker.is_alive():
            _write(folder, status)
            worker.join(HEARTBEAT_SECONDS)
    finally:
        upload.unlink(missing_ok=True)
    report = outcome.get("report")
    if isinstance(report, ImportReport):
        status.state, status.fraction = "done", 1.0
        status.summary = report.summary()
        status.notes = report.notes
        status.rejected = [(row.line, row.reason) for row in report.rejected[:SHOWN_REJECTIONS]]
        status.rejected_count = len(report.rejected)
    else:
        status.state, status.error = "failed", str(outcome.get("error", "Importen avbröts."))
    _write(folder, status)


def save_upload(source: BinaryIO, folder: Path, name: str) -> Path:
    """Copy an uploaded file object into the job's folder (in a worker thread: a large file
    is copied block by block)."""
    path = folder / name
    with path.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    os.chmod(path, 0o600)
    return path
