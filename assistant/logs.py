"""Logging, configured once per process: `handla serve` (and `handla --debug …`), the action
server and the app's worker processes. Modules log through `logging.getLogger(__name__)`."""

from __future__ import annotations

import logging
import os

DEBUG_ENV = "HANDLA_DEBUG"
"""Set by `handla --debug` for the processes it starts (app workers, the action server)."""
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_handler: logging.Handler | None = None


def debug_wanted() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() in ("1", "true", "ja", "yes", "on")


def configure_logging(debug: bool | None = None) -> None:
    """INFO (DEBUG with `debug`, or HANDLA_DEBUG) to stderr for Handla's own loggers; other
    libraries' loggers stay at WARNING unless debugging. Calling it again changes nothing."""
    global _handler
    debug = debug_wanted() if debug is None else debug
    root = logging.getLogger()
    if _handler is None:
        _handler = logging.StreamHandler()
        _handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(_handler)
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    for name in ("assistant", "actions", "catalog_matcher"):
        logging.getLogger(name).setLevel(logging.DEBUG if debug else logging.INFO)
