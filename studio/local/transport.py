"""uvicorn's protocols, extended: a read deadline for HTTP, an abort hook for WebSockets.

uvicorn closes a connection that stays idle after a response (`timeout_keep_alive`), but a
client that never finishes its headers, or drips its body one byte at a time, holds a file
descriptor for ever. `ReadDeadlineProtocol` drops any connection whose client has not sent
a whole request (headers and body) within `read_timeout_s` of starting it.

ASGI has no way to close a socket without a close frame. The WebSocket subclass puts a
function that aborts the TCP connection into the scope's extensions; `abort_connection`
calls it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import h11
from starlette.types import Scope
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

ABORT_EXTENSION = "waves_local.abort"


class AbortableWebSocketProtocol(WebSocketsSansIOProtocol):
    """The websockets (sans-I/O) protocol with an abort hook in `scope["extensions"]`."""

    def handle_connect(self, event: Any) -> None:
        """Build the scope as usual, then add the hook (the app has not run yet)."""
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][ABORT_EXTENSION] = {"abort": self.transport.abort}


def abort_connection(scope: Scope) -> bool:
    """Abort the TCP connection behind a WebSocket scope; False if the server cannot."""
    hook: Callable[[], None] | None = (
        scope.get("extensions", {}).get(ABORT_EXTENSION, {}).get("abort")
    )
    if hook is None:
        return False
    hook()
    return True


class ReadDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, dropping clients that take too long to send a request.

    The clock starts when the connection opens, when a response completes (the next request
    may begin) and when a request's headers arrive (its body must follow in time). When it
    runs out while the client is still sending (waiting for, or in the middle of, headers or
    a body), the connection is closed. A response being streamed is never cut: the client
    has finished then.
    """

    read_timeout_s = 15.0
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock for the first request."""
        super().connection_made(transport)
        self._restart_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock."""
        if self._deadline is not None:
            self._deadline.cancel()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        """Process data as usual; a request that started here gets a fresh clock for its body."""
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:
            self._restart_clock()

    def on_response_complete(self) -> None:
        """The next request's clock starts now."""
        super().on_response_complete()
        self._restart_clock()

    def _restart_clock(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.read_timeout_s, self._on_deadline)

    def _on_deadline(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self.transport.get_protocol() is not self:
            return  # closed already, or upgraded to a WebSocket (which has its own timers)
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
            self.transport.close()


def read_deadline_protocol(read_timeout_s: float) -> type[ReadDeadlineProtocol]:
    """`ReadDeadlineProtocol` with its deadline set (uvicorn takes a class, not an instance)."""
    return type("ReadDeadlineProtocol", (ReadDeadlineProtocol,), {"read_timeout_s": read_timeout_s})
