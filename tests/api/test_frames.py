"""SSE and WebSocket frame parsing: both documented SSE shapes, errors, and fuzzed garbage."""

import base64
import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.api.frames import SSEParser, parse_sse_frame, parse_ws_message
from studio.api.wire_errors import error_from_response, parse_retry_after
from studio.core.errors import (
    ApiError,
    AuthError,
    ProtocolError,
    RateLimitedError,
    StudioError,
)

AUDIO = bytes(range(256)) * 4
B64 = base64.b64encode(AUDIO).decode()
CURRENT = (
    f'event: audio\ndata: {{"audio": "{B64}", "done": false, "status": "206"}}\n\n'
    'data: {"status": "200", "done": true}\n\n'
).encode()
RETIRED = f'data: {{"audio": "{B64}"}}\n\ndata: {{"done": true}}\n\n'.encode()


def _frames(stream: bytes, split: int) -> list:
    parser = SSEParser()
    events = parser.feed(stream[:split]) + parser.feed(stream[split:])
    return [parse_sse_frame(e.data) for e in events]


@pytest.mark.parametrize(
    "stream", [CURRENT, RETIRED, CURRENT.replace(b"\n", b"\r\n"), CURRENT.replace(b"\n", b"\r")]
)
def test_both_documented_shapes_parse_at_every_split(stream: bytes) -> None:
    """Current and retired SSE frames, any line ending, split at every byte, give the same audio."""
    for split in range(len(stream) + 1):
        frames = _frames(stream, split)
        assert [f.audio for f in frames] == [AUDIO, b""]
        assert [f.done for f in frames] == [False, True]


def test_comments_multiline_data_and_unknown_fields() -> None:
    """Comments and id/retry lines are ignored; multi-line data joins with a newline."""
    parser = SSEParser()
    events = parser.feed(b': keep-alive\nid: 7\nretry: 10\ndata: {"done":\ndata:  true}\n\n')
    assert len(events) == 1 and events[0].data == '{"done":\n true}'
    assert parse_sse_frame(events[0].data).done


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ("not json", ProtocolError),
        ('["a list"]', ProtocolError),
        ('{"audio": "%%%not base64"}', ProtocolError),
        ('{"audio": 42}', ProtocolError),
        ('{"status": "error", "message": "Too many concurrent requests"}', RateLimitedError),
        ('{"status": "error", "message": "boom", "errors": ["x"]}', ApiError),
    ],
)
def test_bad_sse_frames_raise_studio_errors(data: str, error: type) -> None:
    """Unparseable frames and error frames become the right StudioError."""
    with pytest.raises(error):
        parse_sse_frame(data)


def test_ws_messages() -> None:
    """WS chunk, complete, word_timestamp and both error shapes are understood."""
    chunk = parse_ws_message(
        json.dumps(
            {
                "status": "chunk",
                "request_id": "task_1",
                "external_request_id": "req-1",
                "data": {"audio": B64},
            }
        )
    )
    assert chunk.audio == AUDIO and chunk.external_request_id == "req-1"
    assert parse_ws_message('{"status": "complete"}').status == "complete"
    assert parse_ws_message('{"status": "word_timestamp", "data": {}}').status == "word_timestamp"
    assert parse_ws_message(b"\x01\x02").audio == b"\x01\x02"
    with pytest.raises(ApiError, match="inactivity"):
        parse_ws_message(
            '{"status":"error","message":"Connection timed out after 60 seconds of inactivity"}'
        )
    with pytest.raises(AuthError):
        parse_ws_message('{"status":"error","error":{"message":"bad key","code":"401"}}')
    with pytest.raises(ProtocolError):
        parse_ws_message('{"status": "chunk"}')


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=20))
def test_fuzzed_sse_bytes_only_raise_studio_errors(pieces: list[bytes]) -> None:
    """Random bytes through the SSE parser and frame decoder: StudioError or nothing."""
    parser = SSEParser()
    with contextlib.suppress(StudioError):
        for piece in pieces:
            for event in parser.feed(piece):
                parse_sse_frame(event.data)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "audio",
                    "done",
                    "status",
                    "data",
                    "error",
                    "message",
                    "code",
                    "request_id",
                    "external_request_id",
                    "details",
                    "errors",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_json_values)
def test_fuzzed_json_frames_only_raise_studio_errors(value: object) -> None:
    """Any JSON value as an SSE or WS frame gives a frame or a StudioError, never another error."""
    text = json.dumps(value)
    for parse in (parse_sse_frame, parse_ws_message):
        with contextlib.suppress(StudioError):
            parse(text)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(400, 599),
    st.binary(max_size=300) | _json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(
        st.sampled_from(["Retry-After", "X-Request-Id", "X-RateLimit-Reset"]),
        st.text(max_size=30),
        max_size=3,
    ),
)
def test_fuzzed_error_bodies_give_a_studio_error(status: int, body: bytes, headers: dict) -> None:
    """Any error status, body and headers turn into a StudioError with a user message."""
    error = error_from_response(status, headers, body)
    assert isinstance(error, StudioError) and error.user_message


def test_retry_after_forms() -> None:
    """Retry-After in seconds or as an HTTP date, X-RateLimit-Reset; the server's own figure."""
    assert parse_retry_after({"Retry-After": "2"}) == 2
    assert (
        parse_retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT"}, now=1445412480.0) == 10
    )
    assert parse_retry_after({"Retry-After": "9999"}) == 9999
    assert parse_retry_after({"Retry-After": "1e400"}) == 10 * 365 * 86400  # inf stays printable
    assert parse_retry_after({"X-RateLimit-Reset": "105"}, now=100.0) == 5
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


def test_error_messages_name_the_next_step() -> None:
    """Statuses map to the StudioError classes the UI acts on, with the server's reason."""
    assert isinstance(error_from_response(401, {}, b'{"error":"Unauthorized"}'), AuthError)
    bad_dict = error_from_response(
        400, {}, b'{"error":"InvalidRequest","message":"Invalid input data"}'
    )
    assert "dictionar" in bad_dict.user_message
    details = error_from_response(
        400,
        {},
        json.dumps(
            {
                "error": "Invalid request body",
                "details": [{"path": ["items", 0, "word"], "message": "Required"}],
            }
        ).encode(),
    )
    assert "items.0.word: Required" in details.user_message
    limited = error_from_response(429, {"Retry-After": "3"}, b"")
    assert isinstance(limited, RateLimitedError) and limited.retry_after == 3
    assert "request id abc" in error_from_response(500, {"X-Request-Id": "abc"}, b"").user_message


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _printable(text: str) -> bool:
    import unicodedata

    return not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


@settings(max_examples=200)
@given(
    st.integers(min_value=300, max_value=599),
    st.dictionaries(st.sampled_from(["message", "error", "details", "errors"]), _json_values),
    st.text(),
)
def test_any_error_body_gives_a_printable_bounded_message(status, body, request_id) -> None:
    """Whatever JSON and X-Request-Id a server sends, the message is inert and short."""
    error = error_from_response(status, {"X-Request-Id": request_id}, json.dumps(body).encode())
    assert _printable(error.user_message) and len(error.user_message) < 1000


@given(st.dictionaries(st.sampled_from(["message", "error", "status"]), _json_values))
def test_any_stream_error_frame_gives_a_printable_message(frame) -> None:
    """SSE/WS error frames with any content give an inert message."""
    from studio.api.frames import stream_error

    assert _printable(stream_error(frame).user_message)
