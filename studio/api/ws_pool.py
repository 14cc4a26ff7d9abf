"""Idle WebSocket connections kept for reuse, so a render skips the TCP/TLS/upgrade handshake."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

# The server closes a socket after 60 s without a client message (§4.6); reuse well before.
MAX_IDLE_S = 45.0
MAX_IDLE_CONNECTIONS = 4


class WsPool:
    """Hands out open WebSocket connections and takes healthy ones back after `complete`.

    The contract leaves open whether the server keeps a socket after `complete` (§4.5); both
    cases work: a socket the server closed is noticed when it is taken (or on the first send,
    by the caller) and replaced by a new one.
    """

    def __init__(self, connect: Callable[[], ClientConnection]) -> None:
        self._connect = connect
        self._idle: list[tuple[float, ClientConnection]] = []
        self._lock = threading.Lock()

    def take(self) -> tuple[ClientConnection, bool]:
        """An open connection and whether it was reused (False = freshly connected)."""
        while True:
            with self._lock:
                if not self._idle:
                    break
                since, socket = self._idle.pop()
            if time.monotonic() - since < MAX_IDLE_S and _still_open(socket):
                return socket, True
            _close_quietly(socket)
        return self._connect(), False

    def give_back(self, socket: ClientConnection) -> None:
        """Keep a connection that finished a request cleanly (closes extras)."""
        with self._lock:
            if len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append((time.monotonic(), socket))
                return
        _close_quietly(socket)

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for _since, socket in idle:
            _close_quietly(socket)


def _still_open(socket: ClientConnection) -> bool:
    """True if the socket is open and nothing (an idle-timeout error, a close) is waiting."""
    try:
        message: Any = socket.recv(timeout=0)
    except TimeoutError:
        return True  # nothing pending: healthy
    except ConnectionClosed:
        return False
    del message  # an unsolicited frame on an idle socket (e.g. the idle-timeout error)
    return False


def _close_quietly(socket: ClientConnection) -> None:
    with contextlib.suppress(Exception):
        socket.close()
