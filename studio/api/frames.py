"""Parsers for streamed replies: SSE events (WHATWG rules) and Waves SSE/WebSocket audio frames."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from studio.core.errors import ApiError, AuthError, ProtocolError, RateLimitedError, StudioError
from studio.core.untrusted import safe_text

MAX_LINE_BYTES = 8 * 1024 * 1024  # one base64 frame of a few seconds of 44.1 kHz audio fits


@dataclass(frozen=True)
class SSEEvent:
    """One dispatched server-sent event."""

    event: str
    data: str


class SSEParser:
    """Incremental SSE parser: feed bytes split anywhere, get whole events back.

    Follows the WHATWG rules the SDK uses (§3.3): CRLF/CR/LF line ends, `:` comments,
    `event`/`data`/`id`/`retry` fields, multi-line data joined with LF, a blank line dispatches.
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._event = ""
        self._data: list[str] = []
        self._pending_cr = False

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Parse more bytes; return the events they completed."""
        if not chunk:
            return []
        if self._pending_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the LF of a CRLF split across chunks
        self._pending_cr = chunk.endswith(b"\r")
        self._buffer += chunk
        events: list[SSEEvent] = []
        lines = self._buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        self._buffer = lines.pop()
        if len(self._buffer) > MAX_LINE_BYTES:
            raise ProtocolError("The server sent an event line that is far too long.")
        for raw in lines:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ProtocolError("The server sent an event stream that is not UTF-8.") from exc
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _line(self, line: str) -> SSEEvent | None:
        if not line:
            if not self._data:
                self._event = ""
                return None
            event = SSEEvent(self._event or "message", "\n".join(self._data))
            self._event, self._data = "", []
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        return None  # id, retry and unknown fields are ignored, as the spec says


@dataclass(frozen=True)
class AudioFrame:
    """What one streamed frame means: audio bytes, the end of the stream, or neither."""

    audio: bytes = b""
    done: bool = False


def _decode_audio(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ProtocolError("The server sent an audio frame without base64 audio.")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError("The server sent audio that is not valid base64.") from exc


def _load_object(text: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("The server sent a stream frame that is not JSON.") from exc
    if not isinstance(data, dict):
        raise ProtocolError("The server sent a stream frame that is not a JSON object.")
    return data


def stream_error(data: dict[str, Any]) -> StudioError:
    """The StudioError for an in-stream error frame (SSE legacy or WS shapes, §3.2/§4.3)."""
    error = data.get("error")
    message = data.get("message")
    code: Any = None
    if isinstance(error, dict):
        message = message or error.get("message")
        code = error.get("code")
    elif isinstance(error, str) and not message:
        message = error
    text = safe_text(message or "the stream reported an error", 300)
    code_text = str(code or "")
    if code_text in ("429", "rate_limited") or "concurren" in text.lower():
        return RateLimitedError()
    if code_text in ("401", "unauthorized"):
        return AuthError()
    numeric = code_text.isascii() and code_text.isdigit()
    status = int(code_text) if numeric and 400 <= int(code_text) < 600 else 500
    return ApiError(f"The server stopped the stream: {text}", status)


def parse_sse_frame(data: str) -> AudioFrame:
    """Interpret one SSE `data` payload: current shape, retired shape, or an error frame.

    Raises:
        ProtocolError: not a JSON object, or bad base64.
        StudioError: the frame reports an error.
    """
    obj = _load_object(data)
    if obj.get("status") == "error" or ("error" in obj and "audio" not in obj):
        raise stream_error(obj)
    audio = _decode_audio(obj["audio"]) if obj.get("audio") is not None else b""
    return AudioFrame(audio, bool(obj.get("done")))


@dataclass(frozen=True)
class WsFrame:
    """One WebSocket message: `chunk` audio, `complete`, a word timestamp, or something else."""

    status: str
    audio: bytes = b""
    request_id: str = ""
    external_request_id: str = ""


def parse_ws_message(message: str | bytes) -> WsFrame:
    """Interpret one WebSocket message (§4.3). Binary messages are raw audio.

    Raises:
        ProtocolError: not JSON, no status, or a chunk without audio.
        StudioError: an error frame.
    """
    if isinstance(message, bytes):
        return WsFrame("chunk", audio=message)
    obj = _load_object(message)
    status = obj.get("status")
    if not isinstance(status, str):
        raise ProtocolError("The server sent a WebSocket message without a status.")
    request_id = str(obj.get("request_id") or "")
    external_request_id = str(obj.get("external_request_id") or "")
    if status == "error":
        raise stream_error(obj)
    if status == "chunk":
        payload = obj.get("data")
        if not isinstance(payload, dict):
            raise ProtocolError("The server sent an audio chunk without data.")
        audio = _decode_audio(payload.get("audio"))
        return WsFrame("chunk", audio, request_id, external_request_id)
    return WsFrame(status, b"", request_id, external_request_id)
