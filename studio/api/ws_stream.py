"""Synthesis over the Waves WebSocket API (§4), on reused connections."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from studio.api.chunks import AudioChunk, stream_info
from studio.api.frames import parse_ws_message
from studio.api.transport import Transport, interruptible_sleep
from studio.api.wire_errors import error_from_response
from studio.api.ws_pool import WsPool
from studio.core.errors import (
    CancelledError,
    NetworkError,
    RateLimitedError,
    RequestTimeoutError,
    StreamInterruptedError,
)
from studio.core.models import SynthesisRequest

LIVE_PATH = "/waves/v1/tts/live"
RECV_POLL_S = 0.05  # how often a waiting receive looks at the cancel flag


class _StaleSocketError(Exception):
    """A reused socket turned out closed before the reply began: try a fresh one."""


class WsStreamer:
    """Sends one request per turn on a pooled socket and yields its chunks until `complete`.

    A socket goes back to the pool only after a clean `complete`; cancel, errors and
    interruptions close it, so a half-read reply can never leak into the next request.
    """

    def __init__(self, transport: Transport, ws_base_url: str, total_timeout_s: float) -> None:
        self.transport = transport
        self.url = f"{ws_base_url}{LIVE_PATH}"
        self.total_timeout_s = total_timeout_s
        self._pool = WsPool(self._connect)

    def close(self) -> None:
        """Close idle connections."""
        self._pool.close()

    def stream(
        self, request: SynthesisRequest, cancel: threading.Event | None
    ) -> Iterator[AudioChunk]:
        """Yield the chunks of one request; 429 error frames are retried with backoff."""
        attempt = 0
        while True:
            attempt += 1
            try:
                try:
                    yield from self._once(request, cancel, reuse=True)
                except _StaleSocketError:
                    yield from self._once(request, cancel, reuse=False)
                return
            except RateLimitedError:
                if attempt >= self.transport.retry.max_attempts:
                    raise
                interruptible_sleep(self.transport.retry.backoff(attempt), cancel)

    def _connect(self) -> ClientConnection:
        host = self.transport.host
        try:
            socket = connect(
                self.url,
                additional_headers=self.transport.auth_headers(),
                open_timeout=self.transport.connect_timeout_s,
                close_timeout=1.0,
                max_size=8 * 1024 * 1024,
                user_agent_header=str(self.transport.session.headers.get("User-Agent", "")),
            )
        except InvalidStatus as exc:
            response = exc.response
            body = bytes(response.body or b"")
            raise error_from_response(response.status_code, response.headers, body, host) from exc
        except TimeoutError as exc:
            raise RequestTimeoutError(f"{host} did not open the stream in time.") from exc
        except Exception as exc:
            raise NetworkError(f"Could not open a WebSocket to {host}. Check the address.") from exc
        # Entering marks the connection as managed (websockets >= 17.1 warns otherwise); we
        # close it ourselves, through the pool.
        return socket.__enter__()

    def _send(self, request: SynthesisRequest, reuse: bool) -> tuple[ClientConnection, bool]:
        """Send on a pooled (or, without `reuse`, a new) socket; returns it and if it was reused."""
        socket, reused = self._pool.take() if reuse else (self._connect(), False)
        try:
            socket.send(json.dumps(request.to_body()))
        except ConnectionClosed as exc:
            socket.close()
            if reused:
                raise _StaleSocketError() from exc
            raise
        return socket, reused

    def _once(
        self, request: SynthesisRequest, cancel: threading.Event | None, reuse: bool
    ) -> Iterator[AudioChunk]:
        host = self.transport.host
        deadline = time.monotonic() + self.total_timeout_s
        info = stream_info(request, "", "ws")
        index = 0
        clean = False
        socket: ClientConnection | None = None
        reused = False
        try:
            socket, reused = self._send(request, reuse)
            last_message = time.monotonic()
            while True:
                if cancel is not None and cancel.is_set():
                    raise CancelledError()
                now = time.monotonic()
                if now >= deadline or now - last_message > self.transport.read_timeout_s:
                    raise RequestTimeoutError(f"{host} stopped sending audio. Try again.")
                try:
                    message = socket.recv(timeout=RECV_POLL_S)
                except TimeoutError:
                    continue
                last_message = time.monotonic()
                frame = parse_ws_message(message)
                if frame.external_request_id and frame.external_request_id != request.request_id:
                    continue  # a late reply to another request on this connection
                if frame.status == "chunk" and frame.audio:
                    if index == 0 and frame.request_id:
                        info = stream_info(request, frame.request_id, "ws")
                    yield AudioChunk(frame.audio, index, info)
                    index += 1
                elif frame.status == "complete":
                    clean = True
                    return
        except ConnectionClosed as exc:
            if reused and index == 0:
                raise _StaleSocketError() from exc  # the server closed it after its last reply
            if isinstance(exc, ConnectionClosedOK):
                raise StreamInterruptedError(
                    f"{host} closed the stream before the audio was complete. Try again."
                ) from exc
            raise StreamInterruptedError(
                f"The connection to {host} dropped in the middle of the audio. Try again."
            ) from exc
        finally:
            if socket is not None:
                if clean:
                    self._pool.give_back(socket)
                else:
                    socket.close()
