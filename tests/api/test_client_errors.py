"""WavesClient turns every wire failure into a StudioError a creator understands."""

import socket
import time

import pytest

from studio.api.client import WavesClient
from studio.api.transport import RetryPolicy
from studio.core.errors import (
    ApiError,
    AuthError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    RequestTimeoutError,
    StreamInterruptedError,
)
from studio.core.models import PronunciationItem
from tests.api.helpers import KEY, MODES, make_request


# --- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_wrong_key_is_an_auth_error(waves_local, mode) -> None:
    """A refused key gives AuthError with advice, on every transport and on voices."""
    bad = WavesClient(waves_local.base_url, "sk_wrong_key_123456")
    with pytest.raises(AuthError) as info:
        bad.synthesize(make_request(), mode)
    assert "API key" in info.value.user_message
    with pytest.raises(AuthError):
        bad.voices(refresh=True)


@pytest.mark.parametrize("mode", MODES)
def test_unknown_voice_and_dictionary_show_the_server_reason(client, mode) -> None:
    """A 400 carries the server's message; an unknown dictionary hints at the picker."""
    with pytest.raises(ApiError) as info:
        client.synthesize(make_request(voice_id="nobody"), mode)
    assert info.value.status == 400 and "nobody" in info.value.user_message
    with pytest.raises(ApiError) as info:
        client.synthesize(make_request(pronunciation_dicts=("0" * 24,)), mode)
    assert "dictionar" in info.value.user_message.lower()
    assert ".." not in info.value.user_message  # the server's sentence and the hint, joined


def test_429_waits_per_retry_after_then_succeeds(client, waves_local, waves_local_faults) -> None:
    """One 429 with Retry-After is retried after the wait and the render succeeds."""
    waves_local_faults("status=429@nth=1@retry_after=1@path=/waves/v1/tts")
    waves_local.stats.reset()
    start = time.monotonic()
    clip = client.synthesize(make_request(), "none")
    assert clip.data and time.monotonic() - start >= 0.95
    assert waves_local.stats.requests("/waves/v1/tts") == 2


def test_persistent_429_gives_rate_limited_error(client, waves_local, waves_local_faults) -> None:
    """Retries are bounded: after max attempts the user sees RateLimitedError."""
    waves_local_faults("status=429@retry_after=0@path=/waves/v1/tts")
    waves_local.stats.reset()
    with pytest.raises(RateLimitedError):
        client.synthesize(make_request(), "none")
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
        client.synthesize(make_request(), mode)


def test_websocket_dropped_without_close_frame(client, waves_local_faults) -> None:
    """A WebSocket aborted after the first chunk is reported as an interrupted stream."""
    waves_local_faults("drop@path=/waves/v1/tts/live")
    with pytest.raises(StreamInterruptedError):
        client.synthesize(make_request(), "ws")


def test_wrong_content_type_is_a_protocol_error(client, waves_local_faults) -> None:
    """HTML where audio was expected is refused, not saved as a clip."""
    waves_local_faults("ctype=text/html@path=/waves/v1/tts")
    with pytest.raises(ProtocolError):
        client.synthesize(make_request(), "none")


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
