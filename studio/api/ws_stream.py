"""Synthesis over the Waves WebSocket API (§4), on reused connections."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

from websockets.exceptions import (
    ConnectionClosed,
    ConnectionClosedOK,
    InvalidStatus,
    SecurityError,
)
from websockets.frames import CloseCode
from websockets.sync.client import ClientConnection, reconnect

from studio.api.chunks import AudioChunk, stream_info
from studio.api.frames import parse_ws_message
from studio.api.guard import seconds_text
from studio.api.safety import check_redirect, origin
from studio.api.transport import Transport, interruptible_sleep
from studio.api.wire_errors import error_from_response, too_large
from studio.api.ws_pool import WsPool
from studio.core.contract import RESPONSE_MAX_BYTES
from studio.core.errors import (
    CancelledError,
    NetworkError,
    RateLimitedError,
    RedirectError,
    RequestTimeoutError,
    StreamInterruptedError,
    StudioError,
)
from studio.core.models import SynthesisRequest
from studio.core.untrusted import safe_text

LIVE_PATH = "/waves/v1/tts/live"
RECV_POLL_S = 0.05  # how often a waiting receive looks at the cancel flag
# One message may be a whole reply's audio as base64 JSON, never more than a whole reply.
MAX_MESSAGE_BYTES = 8 * 1024 * 1024


class _SameOriginConnect(reconnect):
    """websockets' connecter (which follows redirects) refusing any that leave the origin.

    Attributes:
        first_uri: The URL asked for; redirects must keep its scheme, host and port.
    """

    first_uri = ""

    def process_redirect(self, exc: Exception) -> Exception | str:
        """The next URL for a same-origin redirect, else the error to raise."""
        target = super().process_redirect(exc)
        if isinstance(target, str) and origin(target) != origin(self.first_uri):
            status = exc.response.status_code if isinstance(exc, InvalidStatus) else 0
            return RedirectError(safe_text(target, 120), status)
        return target


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
        self,
        request: SynthesisRequest,
        cancel: threading.Event | None,
        deadline: float | None = None,
    ) -> Iterator[AudioChunk]:
        """Yield the chunks of one request; 429 error frames are retried with backoff.

        `deadline` (time.monotonic()) covers the retries too; default `total_timeout_s`.
        """
        deadline = time.monotonic() + self.total_timeout_s if deadline is None else deadline
        attempt = 0
        while True:
            attempt += 1
            try:
                try:
                    yield from self._once(request, cancel, deadline, reuse=True)
                except _StaleSocketError:
                    yield from self._once(request, cancel, deadline, reuse=False)
                return
            except RateLimitedError:
                delay = self.transport.retry.backoff(attempt)
                if attempt >= self.transport.retry.max_attempts:
                    raise
                if time.monotonic() + delay >= deadline:
                    raise
                interruptible_sleep(delay, cancel)

    def _connect(self) -> ClientConnection:
        host = self.transport.host
        try:
            connecter = _SameOriginConnect(
                self.url,
                additional_headers=self.transport.auth_headers(),
                open_timeout=self.transport.connect_timeout_s,
                close_timeout=1.0,
                max_size=MAX_MESSAGE_BYTES,
                user_agent_header=str(self.transport.session.headers.get("User-Agent", "")),
            )
            connecter.first_uri = self.url
            socket = connecter.connect()
        except StudioError:
            raise  # a redirect to another origin, refused before anything was sent there
        except InvalidStatus as exc:
            response = exc.response
            body = bytes(response.body or b"")
            raise error_from_response(response.status_code, response.headers, body, host) from exc
        except SecurityError as exc:  # e.g. a redirect from wss:// down to ws://
            cause = exc.__cause__
            if isinstance(cause, InvalidStatus) and "Location" in cause.response.headers:
                location = cause.response.headers["Location"]
                status = cause.response.status_code
                check_redirect(self.url, self.url, location, status)  # raises RedirectError
            raise NetworkError(f"Could not open a WebSocket to {host}. Check the address.") from exc
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
        self,
        request: SynthesisRequest,
        cancel: threading.Event | None,
        deadline: float,
        reuse: bool,
    ) -> Iterator[AudioChunk]:
        host = self.transport.host
        info = stream_info(request, "", "ws")
        index = received = 0
        stall_s = self.transport.read_timeout_s
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
                if now >= deadline:
                    raise RequestTimeoutError(
                        f"{host} did not finish within {seconds_text(self.total_timeout_s)}, "
                        "the time allowed for one request. Try again (or allow more time)."
                    )
                if now - last_message > stall_s:
                    raise RequestTimeoutError(
                        f"{host} stopped sending for {seconds_text(stall_s)}. Try again."
                    )
                try:
                    message = socket.recv(timeout=RECV_POLL_S)
                except TimeoutError:
                    continue
                last_message = time.monotonic()
                received += len(message)
                if received > RESPONSE_MAX_BYTES:
                    raise too_large(host)
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
            if exc.sent is not None and exc.sent.code == CloseCode.MESSAGE_TOO_BIG:
                raise too_large(host) from exc
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
