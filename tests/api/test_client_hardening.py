"""Hostile servers: endless and dripping bodies, silence, absurd Retry-After, other-origin
redirects and terminal escapes in error text. The client stays bounded and says what happened."""

import json
import threading

import pytest

from studio.api.client import WavesClient
from studio.api.transport import RetryPolicy
from studio.core.contract import RESPONSE_MAX_BYTES
from studio.core.errors import (
    AuthError,
    RateLimitedError,
    RedirectError,
    RequestTimeoutError,
    ResponseTooLargeError,
    StudioError,
)
from tests.api import hostile as h
from tests.api.helpers import KEY, MODES, make_request

CAP_MB = RESPONSE_MAX_BYTES // (1024 * 1024)


def _client(base_url: str, **overrides) -> WavesClient:
    overrides.setdefault("retry", RetryPolicy(max_attempts=3, base_delay_s=0.01))
    return WavesClient(base_url, KEY, **overrides)


@pytest.mark.parametrize("mode", MODES)
def test_an_endless_reply_stops_at_the_cap(hostile, mode) -> None:
    """A body that never ends fails with "more than N MB" on every transport, without fallback."""
    server = hostile(h.endless_by_route)
    client = _client(server.base_url)
    try:
        with pytest.raises(ResponseTooLargeError) as caught:
            client.synthesize(make_request(), mode)
    finally:
        client.close()
    assert f"more than {CAP_MB} MB" in caught.value.user_message
    assert len(server.requests) == 1  # no fallback to HTTP, no retry: the answer is the same


def test_an_endless_json_reply_stops_at_the_cap(hostile) -> None:
    """The voice list (a JSON route) is capped too."""
    server = hostile(h.endless("application/json", b"[" * 65536))
    client = _client(server.base_url)
    try:
        with pytest.raises(ResponseTooLargeError):
            client.voices()
    finally:
        client.close()


@pytest.mark.parametrize("mode", MODES)
def test_a_silent_server_fails_after_the_stall_time_it_names(hostile, mode) -> None:
    """No byte for read_timeout_s: one attempt, no fallback, and the message gives that figure."""
    server = hostile(h.silent_websocket if mode == "ws" else h.silent)
    client = _client(server.base_url, read_timeout_s=0.3, connect_timeout_s=5.0)
    try:
        with pytest.raises(RequestTimeoutError) as caught:
            client.synthesize(make_request(), mode)
    finally:
        client.close()
    assert "for 0.3 s" in caught.value.user_message
    assert "for 5 s" not in caught.value.user_message  # the connect timeout is not the figure
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", ["none", "sse"])
def test_a_dripping_server_meets_one_deadline_for_the_whole_request(hostile, mode) -> None:
    """A byte every 50 ms never trips the stall detector; the one deadline ends it, no fallback."""
    server = hostile(h.drip(0.05))
    client = _client(server.base_url, read_timeout_s=0.5, synthesis_timeout_s=0.8)
    try:
        with pytest.raises(RequestTimeoutError) as caught:
            client.synthesize(make_request(), mode)
    finally:
        client.close()
    assert "within 0.8 s" in caught.value.user_message
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "retry_after", ["999999", "Fri, 01 Jan 2100 00:00:00 GMT"], ids=["seconds", "date"]
)
def test_a_retry_after_beyond_the_cap_fails_at_once_quoting_the_server(
    hostile, retry_after
) -> None:
    """Retry-After far past the cap is not waited for; the message gives the server's figure."""
    server = hostile(h.error_json(429, {"error": "rate_limited"}, **{"Retry-After": retry_after}))
    client = _client(server.base_url, retry=RetryPolicy(max_attempts=3, max_delay_s=30.0))
    try:
        with pytest.raises(RateLimitedError) as caught:
            client.synthesize(make_request(), "none")
    finally:
        client.close()
    message = caught.value.user_message
    assert "the server asks to wait" in message
    assert ("11 days" in message) if retry_after == "999999" else ("days" in message)
    assert len(server.requests) == 1
    assert caught.value.retry_after is not None and caught.value.retry_after <= 60


def test_retry_after_fault_from_waves_local_is_not_waited_for(
    waves_local, waves_local_faults
) -> None:
    """waves-local's 429 fault with an absurd Retry-After gives the readable figure at once."""
    waves_local_faults("status=429@retry_after=999999@path=/waves/v1/tts")
    client = _client(waves_local.base_url)
    cancel = threading.Event()
    timer = threading.Timer(20.0, cancel.set)  # a regression waits 30 s: cancel, do not hang
    timer.start()
    try:
        with pytest.raises(RateLimitedError) as caught:
            client.synthesize(make_request(), "none", cancel)
    finally:
        timer.cancel()
        client.close()
    assert "11 days" in caught.value.user_message


@pytest.mark.parametrize("mode", MODES)
def test_a_redirect_to_another_origin_is_never_followed(hostile, mode) -> None:
    """307 (HTTP/SSE) or 302 (WebSocket upgrade) to another port: nothing is sent there."""
    elsewhere = hostile(h.error_json(401, {"error": "Unauthorized"}))
    scheme = "ws" if mode == "ws" else "http"
    target = f"{scheme}://127.0.0.1:{elsewhere.port}/steal"
    server = hostile(h.redirect(302 if mode == "ws" else 307, target))
    client = _client(server.base_url)
    try:
        with pytest.raises(RedirectError) as caught:
            client.synthesize(make_request(), mode)
    finally:
        client.close()
    assert caught.value.user_message == (
        f"The server redirected to {target}, which is not the Waves API; check the server address."
    )
    assert elsewhere.requests == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_on_a_json_route_is_not_a_key_problem(hostile, status) -> None:
    """302/307 from the voice list says where it pointed, not "refused the API key"."""
    elsewhere = hostile(h.error_json(401, {"error": "Unauthorized"}))
    server = hostile(h.redirect(status, f"https://127.0.0.1:{elsewhere.port}/v"))
    client = _client(server.base_url)
    try:
        with pytest.raises(StudioError) as caught:
            client.voices()
    finally:
        client.close()
    assert isinstance(caught.value, RedirectError) and not isinstance(caught.value, AuthError)
    assert "which is not the Waves API" in caught.value.user_message


def test_a_redirect_within_the_server_is_followed(hostile) -> None:
    """A moved route on the same origin still works (method and key kept)."""
    voices = json.dumps({"voices": [{"voiceId": "v1", "displayName": "One"}]}).encode()
    server = hostile(
        h.reply_by_path(
            {
                "/waves/v1/lightning-v3.1/get_voices": h.reply("307 Moved", {"Location": "/moved"}),
                "/moved": h.reply("200 OK", {"Content-Type": "application/json"}, voices),
            },
            h.reply("404 Not Found", {}),
        )
    )
    client = _client(server.base_url)
    try:
        assert [v.voice_id for v in client.voices()] == ["v1"]
    finally:
        client.close()
    assert b"authorization: bearer" in server.requests[-1].lower()


HOSTILE_TEXT = "\x1b]52;c;SGVsbG8=\x07\x1b[2J\x1b]0;pwned\x07\x9b31mred\u202eevil" + "A" * 5000


def test_hostile_error_text_arrives_inert_and_short(hostile) -> None:
    """An error message with OSC 52, screen clears and C1 codes is shown defanged and capped."""
    server = hostile(h.error_json(400, {"message": HOSTILE_TEXT}, **{"X-Request-Id": "\x1b[5mx"}))
    client = _client(server.base_url)
    try:
        with pytest.raises(StudioError) as caught:
            client.synthesize(make_request(), "none")
    finally:
        client.close()
    message = caught.value.user_message
    assert not any(ch in message for ch in "\x1b\x07\x9b\u202e")
    assert "pwned" in message and len(message) < 700


@pytest.mark.parametrize("mode", MODES)
def test_waves_local_stall_fault_is_reported_with_its_true_figure(
    waves_local, waves_local_faults, mode
) -> None:
    """waves-local stops 3 s after the first chunk: the client gives up after 0.3 s, saying so."""
    waves_local_faults("stall=3000")
    client = _client(waves_local.base_url, read_timeout_s=0.3)
    try:
        with pytest.raises(RequestTimeoutError) as caught:
            client.synthesize(make_request(), mode)
    finally:
        client.close()
    assert "for 0.3 s" in caught.value.user_message
