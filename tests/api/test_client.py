"""WavesClient over real loopback HTTP, SSE and WebSocket against waves-local (tone engine)."""

import os
import socket
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from studio.api.client import WavesClient
from studio.api.transport import RetryPolicy
from studio.audio.decode import decode
from studio.core.errors import (
    ApiError,
    AuthError,
    CancelledError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    RequestTimeoutError,
    StreamInterruptedError,
    StudioError,
    ValidationError,
)
from studio.core.models import PronunciationItem, SynthesisRequest
from tests.conftest import WAVES_LOCAL_TEST_KEY as KEY

MODES = ("none", "sse", "ws")
TEXT = "Hello there. This is the studio speaking, one sentence at a time."


@pytest.fixture
def client(waves_local):
    """A client with fast retries, closed after the test."""
    c = WavesClient(
        waves_local.base_url,
        KEY,
        read_timeout_s=5.0,
        retry=RetryPolicy(max_attempts=3, base_delay_s=0.02),
    )
    yield c
    c.close()


def _request(**fields) -> SynthesisRequest:
    fields.setdefault("voice_id", "tone-alto")
    fields.setdefault("sample_rate", 16000)
    return SynthesisRequest(fields.pop("text", TEXT), **fields)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fmt", ["pcm", "wav", "mp3", "ulaw", "alaw"])
def test_every_transport_and_format_gives_decodable_audio(client, mode, fmt) -> None:
    """Each transport yields audio in the asked format and rate that decodes to real sound."""
    clip = client.synthesize(_request(output_format=fmt), mode)
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
    request = _request()
    chunks = list(client.stream(request, mode))
    assert len(chunks) > 1
    info = chunks[0].info
    assert info.transport == mode and info.request_id == request.request_id
    assert info.server_request_id
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_http_reports_server_request_id(client) -> None:
    """The server's X-Request-Id is kept for support tickets."""
    chunks = list(client.stream(_request(), "none"))
    assert len(chunks[0].info.server_request_id) >= 32


def test_speed_changes_duration(client) -> None:
    """Speed 2.0 renders about half as long as speed 1.0."""
    slow = decode(client.synthesize(_request(speed=1.0)).data, "pcm", 16000).duration_s
    fast = decode(client.synthesize(_request(speed=2.0)).data, "pcm", 16000).duration_s
    assert 0.4 < fast / slow < 0.6


def test_first_chunk_arrives_before_the_stream_ends(client, waves_local_faults) -> None:
    """With a stall after the first chunk, the first chunk is in hand long before the end."""
    waves_local_faults("stall=600@path=/waves/v1/tts/live")
    start = time.monotonic()
    stream = client.stream(_request(), "sse")
    next(stream)
    first = time.monotonic() - start
    list(stream)
    total = time.monotonic() - start
    assert first < 0.3 and total > 0.55


def test_sse_garbage_lines_are_skipped(client, waves_local_faults) -> None:
    """Comments, retry fields, unknown fields and non-JSON ping events do not break parsing."""
    plain = client.synthesize(_request(), "sse").data
    waves_local_faults("garbage@path=/waves/v1/tts/live")
    assert client.synthesize(_request(), "sse").data == plain


@pytest.mark.parametrize("mode", ["sse", "ws"])
def test_streaming_falls_back_to_http_when_the_stream_is_broken(
    client, waves_local_faults, waves_local, mode
) -> None:
    """A stream that fails before any audio is retried once over plain HTTP."""
    # SSE: HTML instead of an event stream. WS: the route answers "not here" (404).
    fault = "ctype=text/html" if mode == "sse" else "status=404"
    waves_local_faults(f"{fault}@path=/waves/v1/tts/live")
    chunks = list(client.stream(_request(), mode))
    assert chunks and chunks[0].info.transport == "http"
    with pytest.raises(StudioError):
        list(client.stream(_request(), mode, fallback=False))


# --- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_wrong_key_is_an_auth_error(waves_local, mode) -> None:
    """A refused key gives AuthError with advice, on every transport and on voices."""
    bad = WavesClient(waves_local.base_url, "sk_wrong_key_123456")
    with pytest.raises(AuthError) as info:
        bad.synthesize(_request(), mode)
    assert "API key" in info.value.user_message
    with pytest.raises(AuthError):
        bad.voices(refresh=True)


@pytest.mark.parametrize("mode", MODES)
def test_unknown_voice_and_dictionary_show_the_server_reason(client, mode) -> None:
    """A 400 carries the server's message; an unknown dictionary hints at the picker."""
    with pytest.raises(ApiError) as info:
        client.synthesize(_request(voice_id="nobody"), mode)
    assert info.value.status == 400 and "nobody" in info.value.user_message
    with pytest.raises(ApiError) as info:
        client.synthesize(_request(pronunciation_dicts=("0" * 24,)), mode)
    assert "dictionar" in info.value.user_message.lower()


def test_429_waits_per_retry_after_then_succeeds(client, waves_local, waves_local_faults) -> None:
    """One 429 with Retry-After is retried after the wait and the render succeeds."""
    waves_local_faults("status=429@nth=1@retry_after=1@path=/waves/v1/tts")
    waves_local.stats.reset()
    start = time.monotonic()
    clip = client.synthesize(_request(), "none")
    assert clip.data and time.monotonic() - start >= 0.95
    assert waves_local.stats.requests("/waves/v1/tts") == 2


def test_persistent_429_gives_rate_limited_error(client, waves_local, waves_local_faults) -> None:
    """Retries are bounded: after max attempts the user sees RateLimitedError."""
    waves_local_faults("status=429@retry_after=0@path=/waves/v1/tts")
    waves_local.stats.reset()
    with pytest.raises(RateLimitedError):
        client.synthesize(_request(), "none")
    assert waves_local.stats.requests("/waves/v1/tts") == 3


def test_5xx_is_retried_for_reads_but_not_for_creates(
    client, waves_local, waves_local_faults
) -> None:
    """A 503 on a GET is retried; a 500 on a dictionary create is not (it may have happened)."""
    waves_local_faults("status=503@nth=1@path=/waves/v1/lightning-v3.1/get_voices")
    waves_local.stats.reset()
    assert client.voices(refresh=True)
    assert waves_local.stats.requests("/waves/v1/lightning-v3.1/get_voices") == 2
    waves_local_faults("status=500@path=/waves/v1/pronunciation-dicts")
    waves_local.stats.reset()
    with pytest.raises(ApiError) as info:
        client.create_dictionary([PronunciationItem("SQL", "sequel")])
    assert info.value.status == 500 and "try again" in info.value.user_message.lower()
    assert waves_local.stats.requests("/waves/v1/pronunciation-dicts") == 1


@pytest.mark.parametrize("mode", MODES)
def test_body_cut_off_is_a_stream_interruption(client, waves_local_faults, mode) -> None:
    """A reply that stops part-way raises StreamInterruptedError, never a short clip."""
    waves_local_faults("cut=0.5@path=/waves/v1/tts")
    with pytest.raises(StreamInterruptedError):
        client.synthesize(_request(), mode)


def test_websocket_dropped_without_close_frame(client, waves_local_faults) -> None:
    """A WebSocket aborted after the first chunk is reported as an interrupted stream."""
    waves_local_faults("drop@path=/waves/v1/tts/live")
    with pytest.raises(StreamInterruptedError):
        client.synthesize(_request(), "ws")


def test_wrong_content_type_is_a_protocol_error(client, waves_local_faults) -> None:
    """HTML where audio was expected is refused, not saved as a clip."""
    waves_local_faults("ctype=text/html@path=/waves/v1/tts")
    with pytest.raises(ProtocolError):
        client.synthesize(_request(), "none")


def test_connection_refused_names_the_local_server() -> None:
    """Nothing listening on the port gives NetworkError saying so."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = WavesClient(
        f"http://127.0.0.1:{port}", KEY, retry=RetryPolicy(max_attempts=2, base_delay_s=0.01)
    )
    with pytest.raises(NetworkError, match="not running"):
        client.voices()


def test_dns_failure_is_explained(monkeypatch) -> None:
    """A host name that does not resolve gives 'Could not find'. (The OS resolver is faked.)"""

    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    client = WavesClient("https://waves.example.test", KEY, retry=RetryPolicy(max_attempts=1))
    with pytest.raises(NetworkError, match="Could not find"):
        client.voices()


def test_tls_failure_is_explained(waves_local) -> None:
    """https to a plain-http server fails the TLS handshake with a clear message."""
    client = WavesClient(
        waves_local.base_url.replace("http://", "https://"), KEY, retry=RetryPolicy(max_attempts=1)
    )
    with pytest.raises(NetworkError, match="secure connection"):
        client.voices()


def test_connect_timeout() -> None:
    """A server that never accepts the connection hits the connect timeout, not a hang."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        filler = socket.create_connection(("127.0.0.1", port))  # fills the backlog
        client = WavesClient(
            f"http://127.0.0.1:{port}",
            KEY,
            connect_timeout_s=0.3,
            retry=RetryPolicy(max_attempts=1),
        )
        start = time.monotonic()
        with pytest.raises(RequestTimeoutError):
            client.voices()
        assert time.monotonic() - start < 3
        filler.close()


@pytest.mark.parametrize("mode", MODES)
def test_read_timeout_when_the_server_goes_quiet(waves_local, waves_local_faults, mode) -> None:
    """A server silent for longer than the read timeout gives RequestTimeoutError."""
    waves_local_faults("stall=3000@path=/waves/v1/tts")
    client = WavesClient(
        waves_local.base_url, KEY, read_timeout_s=0.5, retry=RetryPolicy(max_attempts=1)
    )
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        client.synthesize(_request(), mode)
    assert time.monotonic() - start < 2.5


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fault", ["stall=5000", "latency=5000"])
def test_cancel_stops_within_200_ms_and_frees_the_connection(
    client, waves_local, waves_local_faults, mode, fault
) -> None:
    """Setting the cancel event ends a stalled call in under 200 ms; the server goes idle."""
    waves_local_faults(f"{fault}@path=/waves/v1/tts")
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    start = time.monotonic()
    with pytest.raises(CancelledError):
        list(client.stream(_request(), mode, cancel, fallback=False))
    assert cancel.is_set() and time.monotonic() - start < 0.3 + 0.2
    waves_local_faults("")
    assert waves_local.wait_idle(2.0)
    timer.join()


def test_cancel_latency_is_measured_from_the_event(client, waves_local_faults) -> None:
    """The time from cancel.set() to the CancelledError is below 200 ms."""
    waves_local_faults("stall=5000@path=/waves/v1/tts/live")
    cancel = threading.Event()
    set_at: list[float] = []

    def fire() -> None:
        set_at.append(time.monotonic())
        cancel.set()

    threading.Timer(0.2, fire).start()
    with pytest.raises(CancelledError):
        list(client.stream(_request(), "sse", cancel))
    assert time.monotonic() - set_at[0] < 0.2


def test_no_sockets_leak_over_many_requests(client) -> None:
    """Fifty renders reuse pooled connections: open file descriptors do not grow with them."""
    client.synthesize(_request(text="Warm up."), "none")
    before = len(os.listdir("/proc/self/fd"))
    for i in range(50):
        client.synthesize(_request(text=f"Line {i}."), ("none", "sse", "ws")[i % 3])
    after = len(os.listdir("/proc/self/fd"))
    assert after - before <= 4


# --- voices, clones, dictionaries -----------------------------------------------------------------
def test_voices_are_cached_until_refreshed(waves_local) -> None:
    """A second voices() within the TTL makes no request; refresh=True and TTL expiry do."""
    client = WavesClient(waves_local.base_url, KEY, voices_ttl_s=60)
    waves_local.stats.reset()
    path = "/waves/v1/lightning-v3.1/get_voices"
    first = client.voices()
    assert client.voices() == first and waves_local.stats.requests(path) == 1
    client.voices(refresh=True)
    assert waves_local.stats.requests(path) == 2
    expiring = WavesClient(waves_local.base_url, KEY, voices_ttl_s=0)
    expiring.voices()
    expiring.voices()
    assert waves_local.stats.requests(path) == 4
    assert {"tone-alto", "tone-bass", "tone-soprano"} <= {v.voice_id for v in first}


def _wav_file(path: Path, seconds: float = 6.0, rate: int = 16000) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    pcm = (np.sin(2 * np.pi * 220 * t) * 12000).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def test_clone_upload_reports_progress_and_lists(client, tmp_path) -> None:
    """Creating a clone uploads with progress up to 100 % and it then appears in the list."""
    progress: list[tuple[int, int]] = []
    clone = client.create_clone(
        "My narrator",
        _wav_file(tmp_path / "me.wav"),
        language="en",
        tags=("warm", "test"),
        progress=lambda d, t: progress.append((d, t)),
    )
    assert clone.is_clone and clone.voice_id.startswith("voice_")
    assert progress and progress[-1][0] == progress[-1][1] > 100_000
    assert clone.voice_id in {v.voice_id for v in client.clones()}
    clip = client.synthesize(_request(voice_id=clone.voice_id, text="Cloned hello."))
    assert clip.data


def test_clone_validation_happens_before_upload(client, waves_local, tmp_path) -> None:
    """An oversized or unnamed sample is refused locally, without a request."""
    big = tmp_path / "big.wav"
    big.write_bytes(b"\0" * (5 * 1024 * 1024 + 1))
    waves_local.stats.reset()
    with pytest.raises(ValidationError, match="5 MB"):
        client.create_clone("Big", big)
    with pytest.raises(ValidationError):
        client.create_clone("  ", _wav_file(tmp_path / "x.wav"))
    assert waves_local.stats.requests("/waves/v1/voice-cloning") == 0


def test_dictionary_lifecycle_and_effect(client) -> None:
    """Create, list, update, apply (audio changes) and delete a dictionary."""
    text = "Say SQL again."
    plain = client.synthesize(_request(text=text)).data
    created = client.create_dictionary([PronunciationItem("SQL", "sequel")])
    assert created.id in {d.id for d in client.dictionaries()}
    ruled = client.synthesize(_request(text=text, pronunciation_dicts=(created.id,))).data
    assert ruled != plain
    updated = client.update_dictionary(
        created.id, [PronunciationItem("SQL", "ess queue ell"), PronunciationItem("GUI", "gooey")]
    )
    assert [i.word for i in updated.items] == ["SQL", "GUI"]
    client.delete_dictionary(created.id)
    assert created.id not in {d.id for d in client.dictionaries()}
    with pytest.raises(ApiError):
        client.update_dictionary(created.id, [PronunciationItem("A", "b")])
    with pytest.raises(ValidationError):
        client.create_dictionary([])


def test_health_needs_no_key(waves_local) -> None:
    """Health answers without a key."""
    assert WavesClient(waves_local.base_url, None).health()["status"] == "ok"


def test_key_never_appears_in_errors(waves_local, waves_local_faults) -> None:
    """Whatever fails, the key is in no exception text, message or repr."""
    secret = "sk_this_is_secret_987654321"
    client = WavesClient(waves_local.base_url, secret, retry=RetryPolicy(max_attempts=1))
    failures: list[BaseException] = []
    for call in (
        lambda: client.voices(refresh=True),
        lambda: client.synthesize(_request()),
        lambda: client.synthesize(_request(), "ws"),
    ):
        try:
            call()
        except StudioError as exc:
            failures.append(exc)
    waves_local_faults("status=500")
    good = WavesClient(waves_local.base_url, KEY, retry=RetryPolicy(max_attempts=1))
    try:
        good.voices(refresh=True)
    except StudioError as exc:
        failures.append(exc)
    assert len(failures) == 4
    for exc in failures:
        for text in (str(exc), repr(exc), exc.user_message, str(exc.__cause__ or "")):
            assert secret not in text and KEY not in text


def test_websocket_connection_is_reused_between_renders(client) -> None:
    """A second WebSocket render goes out on the same open socket (no new handshake)."""
    client.synthesize(_request(text="First."), "ws")
    pool = client.synthesizer._ws._pool
    first_socket = pool._idle[-1][1]
    client.synthesize(_request(text="Second."), "ws")
    assert pool._idle[-1][1] is first_socket


def test_a_dead_pooled_socket_is_replaced(client) -> None:
    """If the kept socket died while idle, the next render opens a new one and succeeds."""
    import socket as socket_module

    client.synthesize(_request(text="First."), "ws")
    pool = client.synthesizer._ws._pool
    dead = pool._idle[-1][1]
    dead.socket.shutdown(socket_module.SHUT_RDWR)
    assert client.synthesize(_request(text="Second."), "ws").data
    assert pool._idle[-1][1] is not dead
