"""`handla serve` in a subprocess on free 127.0.0.1 ports with a fresh data directory: the web
app, the real Rasa server and the real action server, as `./script/run` starts them.

Used by the conversation evaluation in the test suite and by bench/chat_turn.py.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "utvardering"
PASSWORD = "utvärderingens-lösenord"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveHandla:
    url: str
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    user: str = ADMIN
    password: str = PASSWORD

    @property
    def rasa_url(self) -> str:
        return self.env["HANDLA_RASA_URL"]

    @property
    def rasa_token(self) -> str:
        return self.env["HANDLA_RASA_TOKEN"]

    @property
    def action_server_url(self) -> str:
        return self.env["HANDLA_ACTION_SERVER_URL"]

    def child(self, name: str) -> int:
        """The pid of the child `handla serve` started as `name` ("rasa" or "action-server")."""
        marker = {"rasa": "rasa run", "action-server": "actions.server"}[name]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, ValueError):
                continue  # it ended while we looked
            if parent == self.process.pid and marker in command:
                return int(stat.parent.name)
        raise LookupError(f"handla serve has no {name} child")

    def logs(self) -> str:
        folder = self.data_dir / "logs"
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in folder.glob("*.log"))


def _wait(live: LiveHandla, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=live.url, timeout=5, follow_redirects=True) as http:
        while time.monotonic() < deadline:
            if live.process.poll() is not None:
                raise RuntimeError(
                    f"handla serve exited ({live.process.returncode})\n{live.logs()}"
                )
            try:
                if http.get("/api/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
    raise TimeoutError(f"handla serve did not answer within {timeout} s\n{live.logs()}")


@contextmanager
def live_handla(
    tmp: Path, catalogs: tuple[str, ...] = ("willys_2023.csv",), **extra_env: str
) -> Iterator[LiveHandla]:
    """Start Handla with the given bundled catalogs and an admin account; stop it after."""
    catalog_dir = tmp / "catalog"
    catalog_dir.mkdir(parents=True, exist_ok=True)
    for name in catalogs:
        (catalog_dir / name).symlink_to(ROOT / "demo_catalog" / name)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HANDLA_")},
        "HANDLA_DATA_DIR": str(tmp / "data"),
        "HANDLA_CATALOG_DIR": str(catalog_dir),
        "HANDLA_PORT": str(port),
        "HANDLA_RASA_URL": f"http://127.0.0.1:{free_port()}",
        "HANDLA_ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}",
        "HANDLA_MODELS_DIR": str(tmp / "no-models"),
        "HANDLA_RASA_TOKEN": secrets.token_urlsafe(24),  # for Rasa's HTTP API in the tests
        **extra_env,
    }
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "staff", "add", ADMIN, "--admin"],
        env={**env, "HANDLA_PASSWORD": PASSWORD},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    logs = tmp / "data" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / "app.log").open("ab") as app_log:  # beside Rasa's and the action server's
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve"],
            env=env,
            cwd=ROOT,
            stdout=app_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    live = LiveHandla(f"http://127.0.0.1:{port}", tmp / "data", env, process)
    try:
        _wait(live, 120)
        yield live
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
