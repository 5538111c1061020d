"""A time limit on a whole network exchange, not on each read.

A socket timeout bounds one read: a server that sends a byte a second never trips it and
holds a request for as long as it likes. A Deadline shuts down the sockets it watches
when its time is up, which wakes whatever thread is blocked on them, whatever library
(http.client, smtplib, ssl) is doing the reading.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from typing_extensions import Self

S = TypeVar("S", bound=socket.socket)


class Deadline:
    """`seconds` from now, or `until` (a time.monotonic() value) if that comes first.

    Use it as a context manager; leaving it stops the clock.
    """

    def __init__(self, seconds: float, until: float | None = None) -> None:
        now = time.monotonic()
        self.end = now + seconds if until is None else min(now + seconds, until)
        self.expired = False
        self._lock = threading.Lock()
        # Duplicates of the watched sockets' descriptors: they stay valid however the
        # library wraps (TLS), detaches or closes its own, so shutting one down at the
        # end never reaches a descriptor number that the system has handed to another.
        self._watched: list[socket.socket] = []
        self._timer = threading.Timer(max(0.0, self.end - now), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        """Seconds left (a socket timeout for what comes next); TimeoutError if none."""
        left = self.end - time.monotonic()
        if left <= 0 or self.expired:
            raise TimeoutError("timed out")
        return left

    def watch(self, sock: S) -> S:
        """Shut `sock` down when the time is up (at once if it is up already)."""
        dup = socket.fromfd(sock.fileno(), sock.family, sock.type, sock.proto)
        with self._lock:
            self._watched.append(dup)
            if self.expired:
                _shut(dup)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for dup in self._watched:
                _shut(dup)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            for dup in self._watched:
                dup.close()
            self._watched.clear()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer
        sock.shutdown(socket.SHUT_RDWR)
