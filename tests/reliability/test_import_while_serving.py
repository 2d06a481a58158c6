"""A catalog upload is imported beside the running app (a real uvicorn process): /api/health and
pages keep answering during the import, the page's progress moves, a second upload meanwhile
is refused, and a file over the row limit imports nothing."""

from __future__ import annotations

import csv
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from security_app import PASSWORD, seed
from sqlalchemy import func, select

from assistant.catalog_import import CatalogFormatError, import_catalog
from assistant.config import PROJECT_ROOT
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import Product

ROWS = 60_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_feed(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["article_number", "name", "brand", "size", "price", "department"])
        for i in range(rows):
            writer.writerow([f"{i:013d}", f"Vara {i} naturell", f"Märke {i % 300}", "500g",
                             f"{(i % 9000) / 100 + 5:.2f}", "Skafferi"])  # fmt: skip
    return path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """The app under uvicorn in its own process, on a free port; its base URL."""
    url = f"sqlite:///{tmp_path / 'handla.sqlite3'}"
    upgrade_database(url)
    seed(url)
    (tmp_path / "catalog").mkdir()
    port = _free_port()
    env = {
        **os.environ,
        "HANDLA_DATA_DIR": str(tmp_path / "data"),
        "HANDLA_DATABASE_URL": url,
        "HANDLA_CATALOG_DIR": str(tmp_path / "catalog"),
        "HANDLA_RASA_URL": f"http://127.0.0.1:{_free_port()}",
        "HANDLA_MODELS_DIR": str(tmp_path / "no-models"),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "assistant.web.app:create_app",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "--ws", "wsproto"]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/api/health", timeout=2)
            break
        except httpx.HTTPError:
            assert process.poll() is None and time.monotonic() < deadline, "the app did not start"
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _admin(base: str) -> httpx.Client:
    browser = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)
    browser.post("/login", data={"username": "chef", "password": PASSWORD, "csrf_token": token})
    return browser


def _upload(browser: httpx.Client, path: Path) -> httpx.Response:
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/admin/catalog").text)
    with path.open("rb") as file:
        return browser.post("/admin/catalog", data={"csrf_token": token.group(1)},
                            files={"file": (path.name, file, "text/csv")})  # fmt: skip


def test_the_app_answers_while_a_large_catalog_is_imported(served: str, tmp_path: Path) -> None:
    browser = _admin(served)
    tiny = write_feed(tmp_path / "andra.csv", 10)
    started = _upload(browser, write_feed(tmp_path / "storbutiken.csv", ROWS))
    assert started.status_code == 303
    page = started.headers["location"]
    assert "Läser in" in browser.get(page).text and "<progress" in browser.get(page).text

    answered_during, refused_during, fractions = 0, 0, []
    while (before := browser.get(f"{page}/status").json())["state"] == "running":
        fractions.append(before["fraction"])
        health = httpx.get(f"{served}/api/health", timeout=10)
        assert health.status_code == 200 and health.json()["writable"] is True
        assert browser.get("/staff/clients").status_code == 200
        second = None if refused_during else _upload(browser, tiny)
        if browser.get(f"{page}/status").json()["state"] != "running":
            break
        answered_during += 1  # health and a page were answered while the import ran
        if second is not None:  # and a second upload meanwhile was refused: on SQLite a form
            # post takes the write lock first, so it waits for the import and is told "busy"
            assert (
                second.status_code,
                second.status_code == 409
                and "läses redan in" in second.text
                or "upptagen" in second.text,
            ) in ((409, True), (503, True))
            refused_during += 1
        time.sleep(0.2)

    assert answered_during >= 1 and refused_during == 1
    assert fractions == sorted(fractions) and any(0 < f < 1 for f in fractions)
    report = browser.get(page).text
    assert "Klart" in report and f"{ROWS} nya" in report


def test_a_file_over_the_row_limit_imports_nothing(migrated_url: str, tmp_path: Path) -> None:
    engine = make_engine(migrated_url)
    sessions = make_sessionmaker(engine)
    feed = write_feed(tmp_path / "butiken.csv", 1200)  # over the limit after two written batches
    with pytest.raises(CatalogFormatError, match="fler än 1 000 rader"):
        import_catalog(sessions, feed, max_rows=1000)
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count(Product.id))) == 0
    assert import_catalog(sessions, feed, max_rows=1200).added == 1200
    engine.dispose()
