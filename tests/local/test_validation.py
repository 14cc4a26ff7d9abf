"""Every rejected synthesis request gets 400 and the TTS-family `{"error","message"}` body."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from studio.local.server import LocalServer
from tests.local.helpers import AUTH, TIMEOUT, TTS_HEADERS

OK: dict[str, Any] = {"text": "Hello.", "voice_id": "tone-alto"}
ROUTES = ("/waves/v1/tts", "/waves/v1/tts/live")

# (case id, body, substring the message must contain)
BODY_CASES: list[tuple[str, Any, str]] = [
    ("no-text", {"voice_id": "tone-alto"}, "The 'text' field is required."),
    ("no-voice", {"text": "Hello."}, "The 'voice_id' field is required."),
    ("text-not-string", {**OK, "text": 42}, "'text' field must be a string"),
    ("blank-text", {**OK, "text": "   "}, "no text to speak"),
    ("text-over-250", {**OK, "text": "a" * 251}, "at most 250 characters"),
    ("speed-too-low", {**OK, "speed": 0.4}, "Speed must be between 0.5 and 2.0"),
    ("speed-too-high", {**OK, "speed": 2.1}, "Speed must be between 0.5 and 2.0"),
    ("speed-not-number", {**OK, "speed": "fast"}, "'speed' field must be a number"),
    ("speed-bool", {**OK, "speed": True}, "'speed' field must be a number"),
    ("rate-not-allowed", {**OK, "sample_rate": 22050}, "Sample rate must be one of"),
    ("rate-fraction", {**OK, "sample_rate": 8000.5}, "must be a whole number"),
    ("unknown-language", {**OK, "language": "xx"}, "does not speak 'xx'"),
    ("pro-only-language", {**OK, "language": "ja"}, "does not speak 'ja'"),
    ("bad-number-language", {**OK, "number_pronunciation_language": "xx"}, "'xx'"),
    ("unknown-format", {**OK, "output_format": "flac"}, "Output format must be one of"),
    ("hyphen-model", {**OK, "model": "lightning-v3.1"}, "Unknown model 'lightning-v3.1'"),
    ("retired-model", {**OK, "model": "lightning-v2"}, "Unknown model 'lightning-v2'"),
    ("unknown-voice", {**OK, "voice_id": "nobody"}, "Invalid input data: voice_id 'nobody'"),
    (
        "unknown-dictionary",
        {**OK, "pronunciation_dicts": ["0123456789abcdef01234567"]},
        "Invalid input data: pronunciation dictionary '0123456789abcdef01234567'",
    ),
    ("dicts-not-list", {**OK, "pronunciation_dicts": "abc"}, "must be an array of ids"),
    ("request-id-pattern", {**OK, "request_id": "bad id!"}, "'request_id' field must be"),
    ("request-id-length", {**OK, "request_id": "a" * 129}, "'request_id' field must be"),
    ("session-id-pattern", {**OK, "session_id": "a/b"}, "'session_id' field must be"),
    ("body-array", [OK], "must be a JSON object"),
]


def _post(server: LocalServer, route: str, **kwargs: Any) -> requests.Response:
    return requests.post(f"{server.base_url}{route}", timeout=TIMEOUT, **kwargs)


def _assert_invalid(reply: requests.Response, fragment: str) -> None:
    assert reply.status_code == 400, reply.text
    body = reply.json()
    assert set(body) == {"error", "message"}
    assert body["error"] == "InvalidRequest"
    assert fragment in body["message"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("body", "fragment"), [c[1:] for c in BODY_CASES], ids=[c[0] for c in BODY_CASES]
)
def test_bad_bodies_are_rejected(
    waves_local: LocalServer, route: str, body: Any, fragment: str
) -> None:
    """Each invalid field gives 400 InvalidRequest with a message that names the problem."""
    _assert_invalid(_post(waves_local, route, json=body, headers=TTS_HEADERS), fragment)


@pytest.mark.parametrize("route", ROUTES)
def test_malformed_json_is_rejected(waves_local: LocalServer, route: str) -> None:
    """A body that is not JSON gives 400, not a crash."""
    headers = {**TTS_HEADERS, "Content-Type": "application/json"}
    reply = _post(waves_local, route, data=b'{"text": "Hi", ', headers=headers)
    _assert_invalid(reply, "not valid JSON")


@pytest.mark.parametrize("route", ROUTES)
def test_a_wrong_content_type_is_rejected(waves_local: LocalServer, route: str) -> None:
    """JSON sent as text/plain gives 400 and says which header to send."""
    headers = {**TTS_HEADERS, "Content-Type": "text/plain"}
    reply = _post(
        waves_local, route, data=b'{"text": "Hi.", "voice_id": "tone-alto"}', headers=headers
    )
    _assert_invalid(reply, "Content-Type: application/json")


def test_accept_is_required_on_the_sync_route(waves_local: LocalServer) -> None:
    """POST /waves/v1/tts without Accept gives 400; SSE needs none (§3.1)."""
    headers = {**AUTH, "Accept": None}
    _assert_invalid(
        _post(waves_local, "/waves/v1/tts", json=OK, headers=headers), "'Accept' header"
    )
    assert _post(waves_local, "/waves/v1/tts/live", json=OK, headers=headers).status_code == 200
    no_key = _post(waves_local, "/waves/v1/tts", json=OK, headers={"Accept": None})
    assert no_key.status_code == 401  # the key is checked first


def test_any_accept_value_is_accepted(waves_local: LocalServer) -> None:
    """The Accept value is not checked (the audio follows output_format)."""
    headers = {**AUTH, "Accept": "application/octet-stream"}
    assert _post(waves_local, "/waves/v1/tts", json=OK, headers=headers).status_code == 200


def test_number_language_sets_the_language_when_it_is_left_out(waves_local: LocalServer) -> None:
    """With language omitted, number_pronunciation_language picks it (ja fails on v3.1)."""
    body = {**OK, "number_pronunciation_language": "ja"}
    _assert_invalid(_post(waves_local, "/waves/v1/tts", json=body, headers=TTS_HEADERS), "'ja'")
    body["language"] = "en"
    _assert_invalid(_post(waves_local, "/waves/v1/tts", json=body, headers=TTS_HEADERS), "'ja'")
    body["number_pronunciation_language"] = "hi"
    assert _post(waves_local, "/waves/v1/tts", json=body, headers=TTS_HEADERS).status_code == 200


def test_absurd_numbers_nesting_and_timeouts_get_clear_400s(waves_local) -> None:
    """A 400-digit speed, 100k-deep JSON and a bad ?timeout= are 400s, never a 500 or a drop."""
    import json

    import requests
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    from tests.local.helpers import AUTH, TTS_HEADERS

    url = f"{waves_local.base_url}/waves/v1/tts"
    huge = '{"text": "Hi.", "voice_id": "tone-alto", "speed": ' + "9" * 400 + "}"
    reply = requests.post(
        url, data=huge, headers={**TTS_HEADERS, "Content-Type": "application/json"}, timeout=10
    )
    assert reply.status_code == 400 and "speed" in reply.json()["message"]
    deep = "[" * 100_000 + "]" * 100_000
    reply = requests.post(
        url, data=deep, headers={**TTS_HEADERS, "Content-Type": "application/json"}, timeout=10
    )
    assert reply.status_code == 400
    with connect(f"{waves_local.ws_url}/waves/v1/tts/live", additional_headers=AUTH) as ws:
        ws.send('{"text": "Hi.", "voice_id": "tone-alto", "speed": ' + "9" * 400 + "}")
        frame = json.loads(ws.recv(timeout=10))
        assert frame["status"] == "error"
        ws.send("[" * 100_000 + "]" * 100_000)
        assert json.loads(ws.recv(timeout=10))["status"] == "error"
    for bad in ("²", "99999999999999999999", "0"):
        with (
            pytest.raises(InvalidStatus) as refused,
            connect(
                f"{waves_local.ws_url}/waves/v1/tts/live?timeout={bad}", additional_headers=AUTH
            ),
        ):
            pass
        assert refused.value.response.status_code == 400
