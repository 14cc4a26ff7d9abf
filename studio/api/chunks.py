"""What a synthesis stream yields: audio chunks tagged with the reply's metadata."""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.models import SynthesisRequest
from studio.core.untrusted import safe_text


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


def stream_info(request: SynthesisRequest, server_request_id: str, transport: str) -> StreamInfo:
    """The StreamInfo of a reply to `request`."""
    return StreamInfo(
        request.output_format,
        request.sample_rate,
        request.request_id,
        request.session_id,
        safe_text(server_request_id, 100),
        transport,
    )
