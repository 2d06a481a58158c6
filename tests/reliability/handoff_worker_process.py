"""The app's outbox workers alone in a process, configured from HANDLA_* like the app (the
reliability tests kill it with SIGKILL at each step of a hand-off). SIGTERM stops it the way
the app's shutdown does: hand-offs under way finish first."""

from __future__ import annotations

import signal
import sys
import threading

from assistant.adapters.channels import Channels
from assistant.config import load_settings
from assistant.db import make_engine, make_sessionmaker
from assistant.orders import start_outbox_worker


def main() -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    worker = start_outbox_worker(
        make_sessionmaker(engine),
        interval=0.05,
        channels=Channels.from_settings(settings),
        workers=settings.outbox_workers,
    )
    print("ready", flush=True)
    stopping.wait()
    worker.stop()
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
