"""WavesClient synthesis over real loopback HTTP, SSE and WebSocket against waves-local."""

import time

import numpy as np
import pytest

from studio.audio.decode import decode
from studio.core.errors import (
    StudioError,
)
from tests.api.helpers import MODES, make_request


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fmt", ["pcm", "wav", "mp3", "ulaw", "alaw"])
def test_every_transport_and_format_gives_decodable_audio(client, mode, fmt) -> None:
    """Each transport yields audio in the asked format and rate that decodes to real sound."""
    clip = client.synthesize(make_request(output_format=fmt), mode)
    assert (clip.output_format, clip.sample_rate) == (fmt, 16000)
    chunks_ok = clip.data[:4] == b"RIFF" if fmt == "wav" else True
    assert chunks_ok
    audio = decode(clip.data, fmt, 16000)
    assert audio.sample_rate == 16000
    assert 1.0 < audio.duration_s < 15.0
    assert float(np.sqrt(np.mean(audio.samples**2))) > 0.01


@pytest.mark.parametrize("mode", ["sse", "ws"])
def test_streams_arrive_in_several_chunks_with_ids(client, mode) -> None:
    """Streaming yields more than one chunk, each tagged with our ids and the server's."""
    request = make_request()
    chunks = list(client.stream(request, mode))
    assert len(chunks) > 1
    info = chunks[0].info
    assert info.transport == mode and info.request_id == request.request_id
    assert info.server_request_id
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_http_reports_server_request_id(client) -> None:
    """The server's X-Request-Id is kept for support tickets."""
    chunks = list(client.stream(make_request(), "none"))
    assert len(chunks[0].info.server_request_id) >= 32


def test_speed_changes_duration(client) -> None:
    """Speed 2.0 renders about half as long as speed 1.0."""
    slow = decode(client.synthesize(make_request(speed=1.0)).data, "pcm", 16000).duration_s
    fast = decode(client.synthesize(make_request(speed=2.0)).data, "pcm", 16000).duration_s
    assert 0.4 < fast / slow < 0.6


def test_first_chunk_arrives_before_the_stream_ends(client, waves_local_faults) -> None:
    """With a stall after the first chunk, the first chunk is in hand long before the end."""
    waves_local_faults("stall=600@path=/waves/v1/tts/live")
    start = time.monotonic()
    stream = client.stream(make_request(), "sse")
    next(stream)
    first = time.monotonic() - start
    list(stream)
    total = time.monotonic() - start
    assert first < 0.3 and total > 0.55


def test_sse_garbage_lines_are_skipped(client, waves_local_faults) -> None:
    """Comments, retry fields, unknown fields and non-JSON ping events do not break parsing."""
    plain = client.synthesize(make_request(), "sse").data
    waves_local_faults("garbage@path=/waves/v1/tts/live")
    chunks = list(client.stream(make_request(), "sse", fallback=False))
    assert chunks[0].info.transport == "sse"  # parsed as SSE, not rescued by the HTTP fallback
    assert b"".join(c.data for c in chunks) == plain


@pytest.mark.parametrize("mode", ["sse", "ws"])
def test_streaming_falls_back_to_http_when_the_stream_is_broken(
    client, waves_local_faults, waves_local, mode
) -> None:
    """A stream that fails before any audio is retried once over plain HTTP."""
    # SSE: HTML instead of an event stream. WS: the route answers "not here" (404).
    fault = "ctype=text/html" if mode == "sse" else "status=404"
    waves_local_faults(f"{fault}@path=/waves/v1/tts/live")
    chunks = list(client.stream(make_request(), mode))
    assert chunks and chunks[0].info.transport == "http"
    with pytest.raises(StudioError):
        list(client.stream(make_request(), mode, fallback=False))


def test_websocket_connection_is_reused_between_renders(client) -> None:
    """A second WebSocket render goes out on the same open socket (no new handshake)."""
    client.synthesize(make_request(text="First."), "ws")
    pool = client.synthesizer._ws._pool
    first_socket = pool._idle[-1][1]
    client.synthesize(make_request(text="Second."), "ws")
    assert pool._idle[-1][1] is first_socket


def test_a_dead_pooled_socket_is_replaced(client) -> None:
    """If the kept socket died while idle, the next render opens a new one and succeeds."""
    import socket as socket_module

    client.synthesize(make_request(text="First."), "ws")
    pool = client.synthesizer._ws._pool
    dead = pool._idle[-1][1]
    dead.socket.shutdown(socket_module.SHUT_RDWR)
    assert client.synthesize(make_request(text="Second."), "ws").data
    assert pool._idle[-1][1] is not dead
