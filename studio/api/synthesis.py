"""Speech synthesis over HTTP, SSE and WebSocket, yielding audio chunks as they arrive."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator

import requests

from studio.api.chunks import AudioChunk, StreamInfo, stream_info
from studio.api.frames import SSEParser, parse_sse_frame
from studio.api.guard import CallGuard
from studio.api.transport import Transport
from studio.api.ws_stream import LIVE_PATH, WsStreamer
from studio.core.contract import SYNTHESIS_DEADLINE_S
from studio.core.errors import (
    ApiError,
    CancelledError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    RequestTimeoutError,
    ResponseTooLargeError,
    StreamInterruptedError,
    StudioError,
)
from studio.core.models import AudioClip, SynthesisRequest
from studio.core.untrusted import safe_text

log = logging.getLogger(__name__)

TRANSPORTS = ("sse", "ws", "none")
TTS_PATH = "/waves/v1/tts"
AUDIO_EVENTS = ("message", "audio")  # the end frame has no event line, so it is "message"
# Statuses that mean "this server has no such streaming route": fall back to plain HTTP.
_NO_ROUTE_STATUSES = (404, 405, 410, 426, 501)


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
    if isinstance(exc, CancelledError | RateLimitedError | ResponseTooLargeError):
        return False
    if isinstance(exc, RequestTimeoutError):
        return False  # a stalled or slow server would only stall again over HTTP
    if isinstance(exc, ProtocolError | NetworkError):
        return True
    return isinstance(exc, ApiError) and exc.status in _NO_ROUTE_STATUSES


class Synthesizer:
    """Runs SynthesisRequests over the chosen transport.

    Attributes:
        transport: The HTTP transport (also gives the key and timeouts to the WebSocket path).
        total_timeout_s: Deadline for one whole synthesis request, retries and fallback included.
    """

    def __init__(
        self, transport: Transport, ws_base_url: str, total_timeout_s: float = SYNTHESIS_DEADLINE_S
    ):
        self.transport = transport
        self.total_timeout_s = total_timeout_s
        self._ws = WsStreamer(transport, ws_base_url, total_timeout_s)

    def stream(
        self,
        request: SynthesisRequest,
        mode: str = "sse",
        cancel: threading.Event | None = None,
        fallback: bool = True,
    ) -> Iterator[AudioChunk]:
        """Yield chunks over SSE ("sse"), WebSocket ("ws") or plain HTTP ("none").

        With `fallback`, a streaming failure before the first chunk (no route, broken
        connection, unparseable frames) retries the request once over plain HTTP. One deadline
        (`total_timeout_s` from the first call) covers the retries and the fallback.
        """
        deadline = time.monotonic() + self.total_timeout_s
        if mode == "none":
            yield from self.http(request, cancel, deadline)
            return
        if mode not in TRANSPORTS:
            raise ValueError(f"unknown streaming mode {mode!r}")
        started = False
        try:
            chunks = (
                self.sse(request, cancel, deadline)
                if mode == "sse"
                else self.ws(request, cancel, deadline)
            )
            for chunk in chunks:
                started = True
                yield chunk
        except StudioError as exc:
            if started or not fallback or not _can_fall_back(exc):
                raise
            log.warning("%s streaming failed (%s); falling back to HTTP", mode, exc.user_message)
            yield from self.http(request, cancel, deadline)

    def http(
        self,
        request: SynthesisRequest,
        cancel: threading.Event | None = None,
        deadline: float | None = None,
    ) -> Iterator[AudioChunk]:
        """POST /waves/v1/tts and yield the body as it arrives."""
        with self._post(TTS_PATH, request, "audio/wav", cancel, deadline) as (response, guard):
            content_type = safe_text(response.headers.get("Content-Type", "").lower(), 80)
            if content_type.startswith(("text/", "application/json")):
                raise ProtocolError(
                    f"The server sent '{content_type.split(';')[0]}' instead of audio."
                )
            info = stream_info(request, response.headers.get("X-Request-Id", ""), "http")
            index = 0
            for piece in self.transport.iter_body(response, guard):
                yield AudioChunk(piece, index, info)
                index += 1
            if index == 0:
                raise ProtocolError("The server answered without any audio. Try again.")

    def sse(
        self,
        request: SynthesisRequest,
        cancel: threading.Event | None = None,
        deadline: float | None = None,
    ) -> Iterator[AudioChunk]:
        """POST /waves/v1/tts/live and yield each SSE audio frame until `done: true`."""
        opened = self._post(LIVE_PATH, request, "text/event-stream", cancel, deadline)
        with opened as (response, guard):
            content_type = safe_text(response.headers.get("Content-Type", "").lower(), 80)
            if "text/event-stream" not in content_type:
                raise ProtocolError(
                    f"The server sent '{content_type or 'no content type'}' instead of an "
                    "event stream."
                )
            info = stream_info(request, response.headers.get("X-Request-Id", ""), "sse")
            parser = SSEParser()
            index = 0
            for piece in self.transport.iter_body(response, guard):
                for event in parser.feed(piece):
                    if event.event not in AUDIO_EVENTS:
                        continue  # pings and other events a client must ignore
                    frame = parse_sse_frame(event.data)
                    if frame.audio:
                        yield AudioChunk(frame.audio, index, info)
                        index += 1
                    if frame.done:
                        return
            raise StreamInterruptedError(
                "The audio stream ended before the server said it was complete. Try again."
            )

    def _post(
        self,
        path: str,
        request: SynthesisRequest,
        accept: str,
        cancel: threading.Event | None,
        deadline: float | None,
    ) -> contextlib.AbstractContextManager[tuple[requests.Response, CallGuard]]:
        """Open a synthesis POST (retried on 429/5xx before the reply starts, as it is safe)."""
        return self.transport.open(
            "POST",
            path,
            idempotent=True,
            cancel=cancel,
            total_timeout_s=self.total_timeout_s,
            deadline=deadline,
            json=request.to_body(),
            headers={"Accept": accept},
        )

    def ws(
        self,
        request: SynthesisRequest,
        cancel: threading.Event | None = None,
        deadline: float | None = None,
    ) -> Iterator[AudioChunk]:
        """Send the request over the WebSocket API and yield `chunk` frames until `complete`."""
        yield from self._ws.stream(request, cancel, deadline)

    def close(self) -> None:
        """Close idle WebSocket connections."""
        self._ws.close()
