"""Property tests: arbitrary JSON and Unicode on every waves-local synthesis route (HTTP, SSE,
WebSocket) get a 2xx, a 4xx JSON error or a clean close; never a 500, a traceback or a drop."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosedOK

from studio.local.server import LocalServer
from tests.local.helpers import AUTH, TIMEOUT, parse_sse, tts, ws_connect

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIELDS = [
    "text", "voice_id", "model", "language", "speed", "sample_rate", "output_format",
    "pronunciation_dicts", "session_id", "request_id", "number_pronunciation_language",
    "continue", "flush", "max_buffer_flush_ms", "complete_backoff_ms", "word_timestamps",
]  # fmt: skip
BASE = {
    "text": "Hello there.",
    "voice_id": "tone-alto",
    "sample_rate": 8000,
    "output_format": "pcm",
}


class Literal(str):
    """A JSON literal written as is (json.dumps cannot write a 5,000-digit integer)."""


# Every code point, lone surrogates and controls included.
unicode_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and infinities are written as the non-JSON literals NaN/Infinity
    st.integers(4000, 6000).map(lambda n: Literal("9" * n)),
    st.sampled_from(["tone-alto", "lightning_v3.1", "en", "wav", "mp3", "ulaw"]),
    unicode_text,
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(unicode_text, children, max_size=4)
    ),
    max_leaves=8,
)
bodies = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4).map(lambda d: {**BASE, **d}),
    unicode_text.map(lambda text: {**BASE, "text": text}),
)


def dump(value: Any) -> str:
    """JSON text of `value`, Literal values written raw (surrogates escaped, as JSON allows)."""
    if isinstance(value, Literal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{dump(str(k))}:{dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    return json.dumps(value)


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail if anything logged an error or a traceback while the test ran."""
    with caplog.at_level(logging.WARNING):
        yield
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [r.getMessage() for r in bad]


def _assert_error_json(reply: requests.Response) -> None:
    assert 400 <= reply.status_code < 500, (reply.status_code, reply.text[:300])
    assert reply.headers["content-type"].startswith("application/json")
    assert isinstance(reply.json(), dict)


def _still_serves(server: LocalServer) -> None:
    assert tts(server, text="Still here.").status_code == 200


@FUZZ
@given(body=bodies)
def test_http_tts_never_fails_on_any_body(
    waves_local: LocalServer, no_tracebacks: None, body: Any
) -> None:
    """POST /waves/v1/tts: 200 audio or a 4xx JSON error for any JSON body."""
    headers = {**AUTH, "Accept": "audio/wav", "Content-Type": "application/json"}
    reply = requests.post(
        f"{waves_local.base_url}/waves/v1/tts",
        data=dump(body).encode(),
        headers=headers,
        timeout=TIMEOUT,
    )
    if reply.status_code != 200:
        _assert_error_json(reply)
    _still_serves(waves_local)


@FUZZ
@given(body=bodies)
def test_sse_never_fails_on_any_body(
    waves_local: LocalServer, no_tracebacks: None, body: Any
) -> None:
    """POST /waves/v1/tts/live: a stream ending in `done`, or a 4xx JSON error."""
    reply = requests.post(
        f"{waves_local.base_url}/waves/v1/tts/live",
        data=dump(body).encode(),
        headers={**AUTH, "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    if reply.status_code != 200:
        _assert_error_json(reply)
    else:
        last = json.loads(parse_sse(reply.content)[-1][1])
        assert last.get("done") is True, last
    _still_serves(waves_local)


@FUZZ
@given(message=bodies)
def test_websocket_never_drops_on_any_message(
    waves_local: LocalServer, no_tracebacks: None, message: Any
) -> None:
    """WS /waves/v1/tts/live: chunks, `complete` or an error frame, and the socket keeps
    answering (a normal request after the fuzzed one completes), or closes cleanly."""
    with ws_connect(waves_local, "?timeout=30") as ws:
        ws.send(dump(message))
        ws.send(json.dumps({**BASE, "request_id": "probe"}))
        try:
            while True:
                frame = json.loads(ws.recv(timeout=TIMEOUT))
                assert frame["status"] in ("chunk", "complete", "error"), frame
                if frame.get("error"):
                    assert 400 <= frame["error"]["code"] < 500, frame
                if frame["status"] == "complete" and frame.get("external_request_id") == "probe":
                    break
        except ConnectionClosedOK:
            pass  # a clean close (a close frame with 1000) is allowed; a drop raises


@FUZZ
@given(
    body=bodies | st.fixed_dictionaries({"items": json_values}),
    method=st.sampled_from(["POST", "PUT", "DELETE"]),
)
def test_dictionary_routes_never_fail_on_any_body(
    waves_local: LocalServer, no_tracebacks: None, body: Any, method: str
) -> None:
    """POST/PUT/DELETE /waves/v1/pronunciation-dicts: 2xx or a 4xx JSON error."""
    reply = requests.request(
        method,
        f"{waves_local.base_url}/waves/v1/pronunciation-dicts",
        data=dump(body).encode(),
        headers={**AUTH, "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    if not reply.ok:
        _assert_error_json(reply)


query_values = st.one_of(
    st.text(max_size=40),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.integers().map(str),
    st.integers(4000, 6000).map(lambda n: "9" * n),
)


@FUZZ
@given(
    route=st.sampled_from(["logs", "usage/timeseries", "concurrency/timeseries"]),
    query=st.dictionaries(
        st.sampled_from(["from", "to", "granularity", "page", "pageSize"]), query_values
    ),
)
def test_analytics_routes_never_fail_on_any_query(
    waves_local: LocalServer, no_tracebacks: None, route: str, query: dict[str, str]
) -> None:
    """GET /waves/v1/analytics/tts/*: 200 or a 4xx JSON error for any query values."""
    reply = requests.get(
        f"{waves_local.base_url}/waves/v1/analytics/tts/{route}",
        params=query,
        headers=AUTH,
        timeout=TIMEOUT,
    )
    if not reply.ok:
        _assert_error_json(reply)


def test_dump_writes_the_hostile_literals() -> None:
    """The fuzz bodies carry lone surrogates escaped and 5,000-digit integers raw."""
    assert dump({"text": "\ud800", "speed": Literal("9" * 5000)}) == (
        '{"text":"\\ud800","speed":' + "9" * 5000 + "}"
    )
