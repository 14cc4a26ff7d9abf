"""A streamed reply that can stall or stop part-way on purpose (fault injection)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from enum import Enum

from starlette.responses import Response
from starlette.types import Receive, Scope, Send


class Abort(Enum):
    """When to close the connection without finishing the body."""

    NEVER = "never"
    AFTER_FIRST = "after_first"
    AT_END = "at_end"


async def stream_of(pieces: list[bytes]) -> AsyncIterator[bytes]:
    """A list of pieces as an async stream."""
    for piece in pieces:
        yield piece


async def pieces_of(data: bytes, size: int) -> AsyncIterator[bytes]:
    """`data` as an async stream of `size`-byte pieces."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


class StreamReply(Response):
    """Send body pieces as they come; notice a client that goes away and stop early.

    Returning from an ASGI app without the final body message makes uvicorn close the
    connection: that is how a body is cut off (the Content-Length or chunked terminator is
    then never satisfied). `on_close` runs exactly once, however the reply ends.
    """

    def __init__(
        self,
        status_code: int,
        headers: dict[str, str],
        pieces: AsyncIterator[bytes],
        on_close: Callable[[], None],
        *,
        stall_s: float = 0.0,
        abort: Abort = Abort.NEVER,
    ) -> None:
        self.status_code = status_code
        self.background = None
        self.raw_headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in headers.items()
        ]
        self._pieces = pieces
        self._on_close = on_close
        self._stall_s = stall_s
        self._abort = abort

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gone = asyncio.Event()

        async def listen() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        listener = asyncio.create_task(listen())
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            if await self._send_pieces(send, gone) and self._abort is not Abort.AT_END:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            if isinstance(self._pieces, AsyncGenerator):  # stop the synthesis behind it
                await self._pieces.aclose()
            self._on_close()

    async def _send_pieces(self, send: Send, gone: asyncio.Event) -> bool:
        """Send every piece; False if the reply must end here without finishing."""
        first = True
        async for piece in self._pieces:
            if gone.is_set():
                return False
            await send({"type": "http.response.body", "body": piece, "more_body": True})
            # send() rarely yields; give the disconnect listener a turn so a client that left
            # is noticed before the next piece goes to a dead socket.
            await asyncio.sleep(0)
            if first:
                first = False
                if self._abort is Abort.AFTER_FIRST:
                    return False
                if self._stall_s:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(gone.wait(), self._stall_s)
        return not gone.is_set()
