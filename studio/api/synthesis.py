"""Speech synthesis over HTTP, SSE and WebSocket, yielding audio chunks as they arrive."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from studio.api.frames import SSEParser, parse_sse_frame, parse_ws_message
from studio.api.transport import Transport
from studio.api.wire_errors import error_from_response
from studio.core.errors import (
    ApiError,
    CancelledError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    RequestTimeoutError,
    StreamInterruptedError,
    StudioError,
)
from studio.core.models import AudioClip, SynthesisRequest

log = logging.getLogger(__name__)

TRANSPORTS = ("sse", "ws", "none")
TTS_PATH = "/waves/v1/tts"
LIVE_PATH = "/waves/v1/tts/live"
# Statuses that mean "this server has no such streaming route": fall back to plain HTTP.
_NO_ROUTE_STATUSES = (404, 405, 410, 426, 501)


@dataclass(frozen=True)
class StreamInfo:
    """Metadata of one synthesis reply.

    Attributes:
        output_format, sample_rate: What the audio bytes are.
        request_id, session_id: Our ids, as sent.
        server_request_id: The server's X-Request-Id (HTTP/SSE) or request_id (WS).
        transport: "http", "sse" or "ws": how the audio actually came.
    """

    output_format: str
    sample_rate: int
    request_id: str
    session_id: str
    server_request_id: str
    transport: str


@dataclass(frozen=True)
class AudioChunk:
    """A piece of encoded audio, in arrival order (`index` from 0)."""

    data: bytes
    index: int
    info: StreamInfo

    def __repr__(self) -> str:
        return f"AudioChunk(#{self.index}, {len(self.data)} bytes, {self.info.transport})"


def collect_clip(chunks: Iterator[AudioChunk]) -> AudioClip:
    """Join a whole stream into one AudioClip (bytes concatenated as they came)."""
    parts: list[bytes] = []
    info: StreamInfo | None = None
    for chunk in chunks:
        parts.append(chunk.data)
        info = chunk.info
    if info is None:
        raise ProtocolError("The server finished without sending any audio.")
    return AudioClip(
        b"".join(parts),
        info.output_format,
        info.sample_rate,
        info.request_id,
        info.server_request_id,
    )


def _can_fall_back(exc: StudioError) -> bool:
    if isinstance(exc, CancelledError | RateLimitedError):
        return False
    if isinstance(exc, ProtocolError | NetworkError):
        return True
    return isinstance(exc, ApiError) and exc.status in _NO_ROUTE_STATUSES


class Synthesizer:
    """Runs SynthesisRequests over the chosen transport.

    Attributes:
        transport: The HTTP transport (also gives the key and timeouts to the WebSocket path).
        ws_base_url: ws(s):// origin of the server.
        total_timeout_s: Deadline for one whole synthesis.
    """

    def __init__(self, transport: Transport, ws_base_url: str, total_timeout_s: float = 120.0):
        self.transport = transport
        self.ws_base_url = ws_base_url
        self.total_timeout_s = total_timeout_s

    def stream(
        self,
        request: SynthesisRequest,
        mode: str = "sse",
        cancel: threading.Event | None = None,
        fallback: bool = True,
    ) -> Iterator[AudioChunk]:
        """Yield chunks over SSE ("sse"), WebSocket ("ws") or plain HTTP ("none").

        With `fallback`, a streaming failure before the first chunk (no route, broken
        connection, unparseable frames) retries the request once over plain HTTP.
        """
        if mode == "none":
            yield from self.http(request, cancel)
            return
        if mode not in TRANSPORTS:
            raise ValueError(f"unknown streaming mode {mode!r}")
        started = False
        try:
            for chunk in self.sse(request, cancel) if mode == "sse" else self.ws(request, cancel):
                started = True
                yield chunk
        except StudioError as exc:
            if started or not fallback or not _can_fall_back(exc):
                raise
            log.warning("%s streaming failed (%s); falling back to HTTP", mode, exc.user_message)
            yield from self.http(request, cancel)

    def http(
        self, request: SynthesisRequest, cancel: threading.Event | None = None
    ) -> Iterator[AudioChunk]:
        """POST /waves/v1/tts and yield the body as it arrives."""
        with self.transport.open(
            "POST",
            TTS_PATH,
            idempotent=True,
            cancel=cancel,
            total_timeout_s=self.total_timeout_s,
            json=request.to_body(),
            headers={"Accept": "audio/wav"},
        ) as (response, guard):
            content_type = response.headers.get("Content-Type", "").lower()
            if content_type.startswith(("text/", "application/json")):
                raise ProtocolError(
                    f"The server sent '{content_type.split(';')[0]}' instead of audio."
                )
            info = self._info(request, response.headers.get("X-Request-Id", ""), "http")
            index = 0
            for piece in self.transport.iter_body(response, guard):
                yield AudioChunk(piece, index, info)
                index += 1
            if index == 0:
                raise ProtocolError("The server answered without any audio. Try again.")

    def sse(
        self, request: SynthesisRequest, cancel: threading.Event | None = None
    ) -> Iterator[AudioChunk]:
        """POST /waves/v1/tts/live and yield each SSE audio frame until `done: true`."""
        with self.transport.open(
            "POST",
            LIVE_PATH,
            idempotent=True,
            cancel=cancel,
            total_timeout_s=self.total_timeout_s,
            json=request.to_body(),
            headers={"Accept": "text/event-stream"},
        ) as (response, guard):
            content_type = response.headers.get("Content-Type", "").lower()
            if "text/event-stream" not in content_type:
                raise ProtocolError(
                    f"The server sent '{content_type or 'no content type'}' instead of an "
                    "event stream."
                )
            info = self._info(request, response.headers.get("X-Request-Id", ""), "sse")
            parser = SSEParser()
            index = 0
            for piece in self.transport.iter_body(response, guard):
                for event in parser.feed(piece):
                    frame = parse_sse_frame(event.data)
                    if frame.audio:
                        yield AudioChunk(frame.audio, index, info)
                        index += 1
                    if frame.done:
                        return
            raise StreamInterruptedError(
                "The audio stream ended before the server said it was complete. Try again."
            )

    def ws(
        self, request: SynthesisRequest, cancel: threading.Event | None = None
    ) -> Iterator[AudioChunk]:
        """Send the request over the WebSocket API and yield `chunk` frames until `complete`."""
        attempt = 0
        while True:
            attempt += 1
            try:
                yield from self._ws_once(request, cancel)
                return
            except RateLimitedError:
                if attempt >= self.transport.retry.max_attempts:
                    raise
                delay = self.transport.retry.backoff(attempt)
                if cancel is not None and cancel.wait(delay):
                    raise CancelledError() from None
                if cancel is None:
                    time.sleep(delay)

    def _ws_once(
        self, request: SynthesisRequest, cancel: threading.Event | None
    ) -> Iterator[AudioChunk]:
        from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidStatus
        from websockets.sync.client import connect

        deadline = time.monotonic() + self.total_timeout_s
        url = f"{self.ws_base_url}{LIVE_PATH}"
        host = self.transport.host
        stack = contextlib.ExitStack()
        try:
            socket = stack.enter_context(
                connect(
                    url,
                    additional_headers=self.transport.auth_headers(),
                    open_timeout=self.transport.connect_timeout_s,
                    close_timeout=1.0,
                    max_size=8 * 1024 * 1024,
                    user_agent_header=str(self.transport.session.headers.get("User-Agent", "")),
                )
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            raise error_from_response(
                status, exc.response.headers, bytes(exc.response.body or b""), host
            ) from exc
        except TimeoutError as exc:
            raise RequestTimeoutError(f"{host} did not open the stream in time.") from exc
        except Exception as exc:
            raise NetworkError(f"Could not open a WebSocket to {host}. Check the address.") from exc
        info = self._info(request, "", "ws")
        index = 0
        last_message = time.monotonic()
        try:
            socket.send(json.dumps(request.to_body()))
            while True:
                if cancel is not None and cancel.is_set():
                    raise CancelledError()
                now = time.monotonic()
                if now >= deadline or now - last_message > self.transport.read_timeout_s:
                    raise RequestTimeoutError(f"{host} stopped sending audio. Try again.")
                try:
                    message = socket.recv(timeout=0.05)
                except TimeoutError:
                    continue
                last_message = time.monotonic()
                frame = parse_ws_message(message)
                if frame.external_request_id and frame.external_request_id != request.request_id:
                    continue  # a reply to another request on this connection
                if frame.status == "chunk" and frame.audio:
                    if index == 0 and frame.request_id:
                        info = self._info(request, frame.request_id, "ws")
                    yield AudioChunk(frame.audio, index, info)
                    index += 1
                elif frame.status == "complete":
                    return
        except ConnectionClosedOK as exc:
            raise StreamInterruptedError(
                f"{host} closed the stream before the audio was complete. Try again."
            ) from exc
        except ConnectionClosed as exc:
            raise StreamInterruptedError(
                f"The connection to {host} dropped in the middle of the audio. Try again."
            ) from exc
        finally:
            stack.close()

    @staticmethod
    def _info(request: SynthesisRequest, server_request_id: str, transport: str) -> StreamInfo:
        return StreamInfo(
            request.output_format,
            request.sample_rate,
            request.request_id,
            request.session_id,
            server_request_id[:100],
            transport,
        )
