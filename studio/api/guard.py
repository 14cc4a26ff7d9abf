"""Cancel and deadlines for blocking HTTP calls: a watcher shuts the call's socket down."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from studio.core.errors import CancelledError, RequestTimeoutError


def seconds_text(seconds: float) -> str:
    """A time limit as written in a message: "45 s", "0.5 s"."""
    return f"{seconds:.0f} s" if seconds >= 1 else f"{seconds:.2g} s"


# How often the watcher looks at the cancel flag; well under the 200 ms cancel promise.
WATCH_INTERVAL_S = 0.02
_local = threading.local()


class CallGuard:
    """Watches one call: on cancel or deadline, shuts its socket down so blocked reads return.

    Attributes:
        cancel: The caller's cancel flag (may be None).
        deadline: time.monotonic() value after which the call is abandoned.
        budget_s: The whole time the request was allowed (quoted when it runs out).
        reason: "cancelled" or "deadline" once the guard has fired, else "".
    """

    def __init__(
        self, cancel: threading.Event | None, deadline: float, budget_s: float = 0.0
    ) -> None:
        self.cancel = cancel
        self.deadline = deadline
        self.budget_s = budget_s or max(deadline - time.monotonic(), 0.0)
        self.reason = ""
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="call-guard", daemon=True)

    def attach(self, sock: socket.socket | None) -> None:
        """Register the socket the call is using (called from the connection)."""
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            fired = bool(self.reason)
        if fired:
            _shutdown(sock)

    def check(self) -> None:
        """Raise CancelledError/RequestTimeoutError if the guard fired or should have."""
        if self.cancel is not None and self.cancel.is_set():
            raise CancelledError()
        if time.monotonic() >= self.deadline or self.reason == "deadline":
            raise RequestTimeoutError(
                f"The server did not finish within {seconds_text(self.budget_s)}, the time "
                "allowed for one request, and was stopped. Try again (or allow more time)."
            )

    def _watch(self) -> None:
        while not self._done.wait(WATCH_INTERVAL_S):
            cancelled = self.cancel is not None and self.cancel.is_set()
            if cancelled or time.monotonic() >= self.deadline:
                with self._lock:
                    self.reason = "cancelled" if cancelled else "deadline"
                    sockets = list(self._sockets)
                for sock in sockets:
                    _shutdown(sock)
                return

    def __enter__(self) -> CallGuard:
        _local.guard = self
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        _local.guard = None
        self._done.set()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing left to free
        sock.shutdown(socket.SHUT_RDWR)


class _Tracked:
    """Mixin for urllib3 connections: tells the thread's CallGuard which socket a request
    goes out on, once the socket exists and before any reply is awaited."""

    sock: socket.socket | None

    def request(self, *args: Any, **kwargs: Any) -> None:
        """Connect if needed, register the socket, then send the request."""
        if self.sock is None:
            self.connect()  # type: ignore[attr-defined]  # the connection class provides it
        guard: CallGuard | None = getattr(_local, "guard", None)
        if guard is not None:
            guard.attach(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _TrackedHTTPConnection(_Tracked, HTTPConnection):
    """HTTP connection reporting its socket to the CallGuard."""


class _TrackedHTTPSConnection(_Tracked, HTTPSConnection):
    """HTTPS connection reporting its socket to the CallGuard."""


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


class TrackedAdapter(HTTPAdapter):
    """A requests adapter whose connections report their sockets to the current CallGuard."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _TrackedHTTPPool,
            "https": _TrackedHTTPSPool,
        }
