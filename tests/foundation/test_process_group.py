"""The children `handla serve` starts beside the web app: one that dies is started again after a
pause that grows while it keeps dying, and nothing starts again once the group stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from assistant.process_group import ProcessGroup, ProcessSpec

SLEEPER = "import os, time; print('started', os.getpid(), flush=True); time.sleep(600)"
QUITTER = "print('started', flush=True)"


def _spec(tmp_path: Path, code: str) -> ProcessSpec:
    return ProcessSpec("child", [sys.executable, "-c", code], dict(os.environ), tmp_path / "c.log")


def _starts(spec: ProcessSpec) -> list[str]:
    if not spec.log_file.exists():
        return []
    return [line for line in spec.log_file.read_text().splitlines() if line.startswith("started")]


def _wait_for(check: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_a_killed_child_is_started_again_and_stopping_ends_it(tmp_path: Path) -> None:
    spec = _spec(tmp_path, SLEEPER)
    with ProcessGroup([spec], restart_delays=(0.2,)):
        _wait_for(lambda: len(_starts(spec)) == 1)
        first = int(_starts(spec)[0].split()[1])
        os.kill(first, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        _wait_for(lambda: len(_starts(spec)) == 2)
        second = int(_starts(spec)[1].split()[1])
        assert second != first and _alive(second)
    assert not _alive(second)
    time.sleep(1)  # longer than the pause and the watch interval: nothing comes back
    assert len(_starts(spec)) == 2


def test_a_child_that_keeps_exiting_waits_longer_each_time(tmp_path: Path) -> None:
    spec = _spec(tmp_path, QUITTER)
    with ProcessGroup([spec], restart_delays=(0.1, 0.2, 600)):
        _wait_for(lambda: len(_starts(spec)) == 3)
        time.sleep(1.5)  # the third exit waits 600 s
        assert len(_starts(spec)) == 3


PARENT = """
import sys, time
from pathlib import Path
from assistant.process_group import ProcessGroup, ProcessSpec
spec = ProcessSpec("child", [sys.executable, "-c", sys.argv[1]], {}, Path(sys.argv[2]))
with ProcessGroup([spec]):
    time.sleep(600)
"""


def test_children_end_when_the_parent_is_killed(tmp_path: Path) -> None:
    """SIGKILL leaves `handla serve` no time to stop its children: they stop by themselves
    (an orphaned Rasa would hold its port with the old run's secrets)."""
    spec = _spec(tmp_path, SLEEPER)
    parent = subprocess.Popen([sys.executable, "-c", PARENT, SLEEPER, str(spec.log_file)])
    try:
        _wait_for(lambda: len(_starts(spec)) == 1)
        child = int(_starts(spec)[0].split()[1])
        parent.kill()
        parent.wait()
        _wait_for(lambda: not _alive(child))
    finally:
        parent.kill()
