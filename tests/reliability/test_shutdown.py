"""`handla serve` as a real process: SIGTERM (a service manager) and SIGINT (Ctrl-C) stop the web
app and every child it started (the action server, and Rasa where a trained model exists), and
each port can be bound again at once, so the next start works. Killed outright (SIGKILL, no time
to stop anything) its children stop by themselves and free their ports too."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, process group, state) of every live process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), int(fields[2]), fields[0])
    return found


def _family(pid: int) -> set[int]:
    """The children of `pid` and everything in their process groups (each child leads one)."""
    table = _processes()
    children = {p for p, (parent, _, _) in table.items() if parent == pid}
    return children | {p for p, (_, group, _) in table.items() if group in children}


def _alive(pids: set[int]) -> set[int]:
    table = _processes()
    return {p for p in pids if p in table and table[p][2] != "Z"}  # a zombie holds no port


def _port_free(port: int) -> bool:
    """Whether a server could listen on the port now (with SO_REUSEADDR, as servers bind)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _wait_for(check, what: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if process.poll() is not None:
            raise AssertionError(f"handla serve exited ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {seconds} s")
        time.sleep(0.2)


@pytest.mark.parametrize(
    "stop_signal", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["TERM", "INT", "KILL"]
)
def test_a_signal_stops_the_app_and_its_children_and_frees_the_ports(
    tmp_path: Path, stop_signal: int
) -> None:
    web, actions, rasa = _free_port(), _free_port(), _free_port()
    (tmp_path / "catalog").mkdir()
    env = {
        **os.environ,
        "HANDLA_DATA_DIR": str(tmp_path / "data"),
        "HANDLA_CATALOG_DIR": str(tmp_path / "catalog"),
        "HANDLA_ACTION_SERVER_URL": f"http://127.0.0.1:{actions}",
        "HANDLA_RASA_URL": f"http://127.0.0.1:{rasa}",
        "HANDLA_MODELS_DIR": str(tmp_path / "no-models"),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(web)]
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
    family: set[int] = set()
    try:
        _wait_for(lambda: _answers(f"http://127.0.0.1:{web}/api/health"), "web app", serve)
        _wait_for(lambda: _answers(f"http://127.0.0.1:{actions}/health"), "action server", serve)
        family = _family(serve.pid)
        assert family, "handla serve started no children"

        serve.send_signal(stop_signal)
        assert serve.wait(timeout=60) == (-signal.SIGKILL if stop_signal == signal.SIGKILL else 0)
        deadline = time.monotonic() + 30  # an orphan would stay; the others go within seconds
        while _alive(family) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(family), (tmp_path / "serve.log").read_text()[-2000:]
        for port in (web, actions, rasa):
            assert _port_free(port), f"port {port} is still taken"
    finally:
        if serve.poll() is None:
            serve.kill()
        for pid in _alive(family):  # leave no stray server behind a failed test
            os.kill(pid, signal.SIGKILL)
        log.close()
