"""Starts the Rasa server and the action server beside the web app, and stops them together."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy.engine import make_url

from assistant.config import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)
NLU_DIR = PROJECT_ROOT / "nlu_data"
RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
ACTION_TOKEN_ENV = "HANDLA_ACTION_TOKEN"
CHANNEL_SECRET_ENV = "HANDLA_RASA_CHANNEL_SECRET"
TRACKER_PASSWORD_ENV = "HANDLA_TRACKER_PASSWORD"


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_file: Path


def trained_model() -> Path | None:
    models = sorted((NLU_DIR / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def _endpoints_file(settings: Settings, rasa_workers: int) -> Path:
    """Rasa's endpoints: the action server and its token; when several Rasa processes share
    the conversations, the conversations in the app's PostgreSQL database (SQL tracker store)
    and Redis as the lock store. One Rasa process keeps them in memory: everything the assistant
    asked lives in the basket, and Rasa's SQL tracker store queries the database synchronously,
    stalling every other conversation while it waits. Secrets are read from the environment by
    Rasa (unquoted ${VAR}), so the file holds none."""
    lines = [
        "action_endpoint:",
        f'  url: "{settings.action_server_url}/webhook"',
        f"  token: ${{{ACTION_TOKEN_ENV}}}",
    ]
    url = make_url(settings.database_url)
    if rasa_workers > 1:  # only with PostgreSQL and Redis (assistant_processes)
        socket_dir = url.query.get("host")
        lines += [
            "tracker_store:",
            "  type: SQL",
            '  dialect: "postgresql"',
            f'  url: "{socket_dir or url.host or "127.0.0.1"}"',
            f"  port: {url.port or 5432}",
            f'  db: "{url.database}"',
            f'  username: "{url.username or ""}"',
            f"  password: ${{{TRACKER_PASSWORD_ENV}}}",
        ]
        redis = make_url(settings.redis_url)
        lines += [
            "lock_store:",
            "  type: redis",
            f'  url: "{redis.host or "127.0.0.1"}"',
            f"  port: {redis.port or 6379}",
            f"  db: {redis.database or 0}",
        ]
    path = settings.data_dir / "rasa-endpoints.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def assistant_processes(settings: Settings) -> tuple[list[ProcessSpec], list[str]]:
    """The processes to start, and Swedish notes about what cannot start and why."""
    notes: list[str] = []
    logs = settings.data_dir / "logs"
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_HOST": "127.0.0.1",
        ACTION_TOKEN_ENV: settings.action_token,
        CHANNEL_SECRET_ENV: settings.rasa_channel_secret,
        TRACKER_PASSWORD_ENV: make_url(settings.database_url).password or "",
        "HANDLA_ACTION_WORKERS": str(settings.action_workers),
    }
    shared_store = make_url(settings.database_url).get_backend_name() == "postgresql"
    rasa_workers = settings.rasa_workers if settings.redis_url and shared_store else 1
    if settings.rasa_workers > 1 and not settings.redis_url:
        notes.append("HANDLA_RASA_WORKERS > 1 behöver HANDLA_REDIS_URL (Rasas låsning): en Rasa.")
    elif settings.rasa_workers > 1 and not shared_store:
        notes.append("HANDLA_RASA_WORKERS > 1 behöver PostgreSQL för samtalen: en Rasa.")
    action_port = str(urlparse(settings.action_server_url).port or 5055)
    specs = [
        ProcessSpec(
            "action-server",
            [sys.executable, "-m", "actions.server", "--port", action_port],
            env,
            logs / "action-server.log",
        )
    ]
    model = trained_model()
    if not RASA.exists():
        notes.append(
            "Rasa är inte installerat (.venv-rasa saknas): chatten är avstängd, bildflödet fungerar."
        )
    elif model is None:
        notes.append(
            "Ingen tränad Rasa-modell (kör ./script/setup): chatten är avstängd, bildflödet fungerar."
        )
    else:
        rasa_port = str(urlparse(settings.rasa_url).port or 5005)
        argv = [str(RASA), "run", "--enable-api", "-i", "127.0.0.1", "-p", rasa_port]
        argv += ["--model", str(model), "--endpoints", str(_endpoints_file(settings, rasa_workers))]
        argv += ["--credentials", str(NLU_DIR / "credentials.yml")]
        if settings.rasa_token:
            argv += ["--auth-token", settings.rasa_token]
        rasa_env = {**env, "SANIC_WORKERS": str(rasa_workers)}
        specs.append(ProcessSpec("rasa", argv, rasa_env, logs / "rasa.log"))
    return specs, notes


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with suppress(ProcessLookupError):  # the group is already gone
        os.killpg(process.pid, sig)


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM are ignored inside (main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in held.items():
            signal.signal(sig, handler)


# A child gets SIGTERM when `handla serve` dies, even by SIGKILL: an orphaned Rasa would keep its
# port with the old run's secrets, and the next start's chat would fail (util-linux's setpriv).
_SETPRIV = shutil.which("setpriv")
_ENDS_WITH_PARENT = [_SETPRIV, "--pdeathsig", "TERM", "--"] if _SETPRIV else []
RESTART_DELAYS = (1.0, 5.0, 15.0, 60.0)  # seconds before a child that exited starts again
STEADY_SECONDS = 120.0  # a child that ran this long before exiting starts from the first delay
WATCH_SECONDS = 0.5


@dataclass
class _Child:
    spec: ProcessSpec
    process: subprocess.Popen[bytes]
    started: float
    exits: int = 0  # exits in a row, each within STEADY_SECONDS of its start
    due: float | None = None  # when an exited child starts again


class ProcessGroup:
    """Child processes in their own process groups, so that stopping reaches their children too.

    A child that exits while the group runs (Rasa killed for memory, say) is started again after
    a pause that grows while it keeps exiting: the chat comes back without anyone restarting the
    service, and the basket never depended on the child (open choices live in the database)."""

    def __init__(
        self, specs: list[ProcessSpec], restart_delays: tuple[float, ...] = RESTART_DELAYS
    ) -> None:
        self._specs = specs
        self._delays = restart_delays
        self._children: list[_Child] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        with self._lock:
            for spec in self._specs:
                self._children.append(self._launch(spec))
        if self._specs:
            self._watcher = threading.Thread(target=self._watch, name="children", daemon=True)
            self._watcher.start()

    def _launch(self, spec: ProcessSpec, exits: int = 0) -> _Child:
        spec.log_file.parent.mkdir(parents=True, exist_ok=True)
        with spec.log_file.open("ab") as log_file:
            process = subprocess.Popen(
                [*_ENDS_WITH_PARENT, *spec.argv],
                env=spec.env,
                cwd=PROJECT_ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        log.info("started %s (pid %d), log in %s", spec.name, process.pid, spec.log_file)
        return _Child(spec, process, time.monotonic(), exits)

    def _watch(self) -> None:
        while not self._stopping.wait(WATCH_SECONDS):
            with self._lock:
                if self._stopping.is_set():
                    return
                for index, child in enumerate(self._children):
                    if child.process.poll() is None:
                        continue
                    now = time.monotonic()
                    if child.due is None:
                        _signal_group(child.process, signal.SIGKILL)  # what it left holds ports
                        steady = now - child.started >= STEADY_SECONDS
                        child.exits = 1 if steady else child.exits + 1
                        delay = self._delays[min(child.exits, len(self._delays)) - 1]
                        child.due = now + delay
                        log.warning(
                            "%s exited (code %s); starting it again in %.0f s, log in %s",
                            child.spec.name, child.process.returncode, delay,
                            child.spec.log_file,
                        )  # fmt: skip
                    elif now >= child.due:
                        try:
                            self._children[index] = self._launch(child.spec, child.exits)
                        except OSError:  # e.g. the disk full for its log: try again later
                            log.exception("could not start %s again", child.spec.name)
                            child.due = now + self._delays[-1]

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM to each child's process group, SIGKILL after `timeout`; a second Ctrl-C or
        SIGTERM meanwhile does not cut this short (that would leave children holding ports)."""
        with _signals_held():
            with self._lock:  # no child starts again from here on
                self._stopping.set()
            if self._watcher is not None and self._watcher is not threading.current_thread():
                self._watcher.join()
            self._watcher = None
            for child in self._children:
                if child.process.poll() is None:
                    _signal_group(child.process, signal.SIGTERM)
            for child in self._children:
                try:
                    child.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    log.warning("%s did not stop in %.0f s; killing it", child.spec.name, timeout)
                    _signal_group(child.process, signal.SIGKILL)
                    child.process.wait()
                else:  # whatever the child left in its group goes with it
                    _signal_group(child.process, signal.SIGKILL)
            self._children.clear()

    def __enter__(self) -> ProcessGroup:
        try:
            self.start()
        except BaseException:  # a signal while starting: stop what did start
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
