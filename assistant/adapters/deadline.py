"""A total deadline for one hand-off (connect, send and read together, not per read).

A store's server that trickles its answer a byte every few seconds never trips a per-read
timeout; every socket operation here gets the time that is left instead, and fails once it is
gone. `within(seconds)` sets the calling thread's deadline; `DeadlineBackend` is an httpcore
network backend that honours it (the webhook), `cut_at_deadline` cuts a plain socket at the
deadline (SMTP).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import httpcore

_local = threading.local()
CHUNK = 16 * 1024


class DeadlinePassed(TimeoutError):
    pass


@contextmanager
def within(seconds: float) -> Iterator[float]:
    """Everything in the block shares one deadline `seconds` from now (per thread)."""
    previous = getattr(_local, "at", None)
    _local.at = time.monotonic() + seconds
    try:
        yield _local.at
    finally:
        _local.at = previous


def time_left(timeout: float | None = None) -> float | None:
    """The smaller of `timeout` and the time to the deadline; DeadlinePassed when none is left."""
    at: float | None = getattr(_local, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("tidsgränsen för överlämningen passerades")
    return left if timeout is None else min(timeout, left)


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    try:
        return time_left(timeout)
    except DeadlinePassed as passed:
        raise error(str(passed)) from None


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), CHUNK):  # a slow reader gets no fresh timeout
            chunk = buffer[start : start + CHUNK]
            self._inner.write(chunk, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own blocking backend, with every operation bounded by the thread's deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def cut_at_deadline(sock: socket.socket) -> threading.Timer | None:
    """Shut `sock` down when the thread's deadline passes, so a read blocked on a trickling
    server returns at once; cancel the returned timer when done with the socket."""
    left = time_left()
    if left is None:
        return None
    timer = threading.Timer(left, _cut, (sock,))
    timer.daemon = True
    timer.start()
    return timer


def _cut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)
