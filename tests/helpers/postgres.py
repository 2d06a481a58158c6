"""A throw-away PostgreSQL cluster in a temp directory, reachable only through a unix socket
there (no TCP port): initdb/pg_ctl from /usr/lib/postgresql/*/bin. As root it runs as the
unprivileged user `nobody` (PostgreSQL refuses to run as root). Used by the test fixtures and
by the benchmarks that measure on PostgreSQL."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PostgresMissing(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def pg_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _as_cluster_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def postgres_cluster(max_connections: int = 50) -> Iterator[Path]:
    """Start a cluster; yields its socket directory; stops and removes it afterwards."""
    bin_dir = pg_bin()
    if bin_dir is None:
        raise PostgresMissing("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
    root = Path(tempfile.mkdtemp(prefix="handla-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="nobody")
    data = root / "data"

    def run(args: list[str]) -> None:
        subprocess.run(_as_cluster_user(args), check=True, capture_output=True, cwd=root, text=True)

    try:
        run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8"])  # fmt: skip
        options = f"-k {root} -c listen_addresses='' -F -c max_connections={max_connections}"
        run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
             "-l", str(root / "log"), "start"])  # fmt: skip
    except subprocess.CalledProcessError as error:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {error.stderr}") from error
    try:
        yield root
    finally:
        subprocess.run(
            _as_cluster_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            cwd=root,
        )
        shutil.rmtree(root, ignore_errors=True)


def new_database(socket_dir: Path, template: str | None = None) -> str:
    """Create a fresh database in the cluster (a copy of `template`, a database nobody is
    connected to, when given) and return its SQLAlchemy URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(f"host={socket_dir} user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"{copy}')
    return f"postgresql+psycopg://postgres@/{name}?host={socket_dir}"
