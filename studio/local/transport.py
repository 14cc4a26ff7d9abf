"""uvicorn's WebSocket protocol, extended so fault injection can drop a connection for real.

ASGI has no way to close a socket without a close frame. This subclass puts a function that
aborts the TCP connection into the scope's extensions; `abort_connection` calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.types import Scope
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
