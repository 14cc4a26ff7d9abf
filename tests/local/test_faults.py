"""Fault injection: the grammar, and each fault kind as a raw client sees it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
import requests
import urllib3
from websockets.exceptions import ConnectionClosedError
from websockets.sync.client import ClientConnection

from studio.core.errors import ValidationError
from studio.local.faults import FaultPlan
from studio.local.server import LocalServer
from tests.local.helpers import AUTH, TIMEOUT, parse_sse, sse, sse_audio, tts, ws_connect, ws_turn

TEXT = "The first sentence is here. A second one follows! And a third?"
SetFaults = Callable[[str], None]


def _read_into(reply: requests.Response, received: bytearray) -> None:
    for piece in reply.raw.stream(4096, decode_content=False):
        received += piece


def _collect_statuses(ws: ClientConnection, statuses: list[str]) -> None:
    while True:
        statuses.append(json.loads(ws.recv(timeout=TIMEOUT))["status"])


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "status=429@nth=2@retry_after=2",
        "status=503@rate=0.3@seed=7@path=/waves/v1/tts",
        "latency=100~50, stall=5000@path=/waves/v1/tts/live",
        "cut=0.5,drop,ctype=text/plain,garbage@every=3",
    ],
)
def test_valid_specs_parse(spec: str) -> None:
    """The documented examples parse."""
    FaultPlan(spec)


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("explode", "unknown kind 'explode'"),
        ("status=abc", "'abc' is not a number"),
        ("status=42", "between 200 and 599"),
        ("status=101", "between 200 and 599"),
        ("cut=1.5", "between 0 and 1"),
        ("status=500@when=now", "unknown option 'when'"),
        ("status=500@nth=0", "count from 1"),
        ("latency=-5", "negative"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec: str, fragment: str) -> None:
    """A spec that does not parse raises ValidationError naming the problem."""
    with pytest.raises(ValidationError) as caught:
        FaultPlan(spec)
    assert fragment in caught.value.user_message


def test_rates_are_reproducible_from_the_seed() -> None:
    """The same spec fires on the same requests every time; jitter stays in its range."""
    first, second = FaultPlan("status=500@rate=0.5@seed=3"), FaultPlan("status=500@rate=0.5@seed=3")
    a = [first.decide("/x").status for _ in range(40)]
    b = [second.decide("/x").status for _ in range(40)]
    assert a == b and 5 < a.count(500) < 35
    jittered = FaultPlan("latency=100~50")
    delays = [jittered.decide("/x").latency_s for _ in range(50)]
    assert all(0.05 <= d <= 0.15 for d in delays) and len(set(delays)) > 1


def test_status_on_the_nth_request(waves_local: LocalServer, waves_local_faults: SetFaults) -> None:
    """status=429@nth=2: only the second request gets 429, with Retry-After and a JSON body."""
    waves_local_faults("status=429@nth=2@path=/waves/v1/tts")
    replies = [tts(waves_local, text="Hi.") for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 429, 200]
    assert replies[1].headers["Retry-After"] == "1"
    assert replies[1].json()["error"] == "TooManyRequests"


def test_status_every_nth_with_retry_after(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """status=503@every=2@retry_after=2 hits requests 2 and 4 and says Retry-After: 2."""
    waves_local_faults("status=503@every=2@retry_after=2@path=/waves/v1/tts")
    replies = [tts(waves_local, text="Hi.") for _ in range(4)]
    assert [r.status_code for r in replies] == [200, 503, 200, 503]
    assert replies[1].headers["Retry-After"] == "2"
    assert replies[1].json() == {
        "error": "ServiceUnavailable",
        "message": "waves-local injected HTTP 503 (fault injection is on).",
    }


def test_status_at_a_seeded_rate_matches_the_plan(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """rate=0.5@seed=3 over HTTP fails exactly the requests the same plan predicts."""
    spec = "status=500@rate=0.5@seed=3@path=/waves/v1/tts"
    predicted = FaultPlan(spec)
    expected = [predicted.decide("/waves/v1/tts").status or 200 for _ in range(12)]
    waves_local_faults(spec)
    assert [tts(waves_local, text="Hi.").status_code for _ in range(12)] == expected


def test_a_path_filter_keeps_other_routes_healthy(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """A dictionary-only fault leaves synthesis alone and uses the dictionary error shape."""
    waves_local_faults("status=500@path=/waves/v1/pronunciation-dicts")
    assert tts(waves_local, text="Hi.").status_code == 200
    reply = requests.get(
        f"{waves_local.base_url}/waves/v1/pronunciation-dicts", headers=AUTH, timeout=TIMEOUT
    )
    assert reply.status_code == 500
    assert set(reply.json()) == {"error"}


def test_latency_delays_the_first_byte(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """latency=300 holds the reply back at least 300 ms."""
    waves_local_faults("latency=300@path=/waves/v1/tts")
    started = time.monotonic()
    assert tts(waves_local, text="Hi.").status_code == 200
    assert time.monotonic() - started >= 0.29


def test_cut_http_body_stops_short_of_its_content_length(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """cut=0.5 on /waves/v1/tts: half the promised bytes arrive, then the connection ends."""
    waves_local_faults("cut=0.5@path=/waves/v1/tts")
    reply = requests.post(
        f"{waves_local.base_url}/waves/v1/tts",
        json={"text": TEXT, "voice_id": "tone-alto", "output_format": "wav"},
        headers={**AUTH, "Accept": "audio/wav"},
        stream=True,
        timeout=TIMEOUT,
    )
    promised = int(reply.headers["Content-Length"])
    received = bytearray()
    with pytest.raises(urllib3.exceptions.ProtocolError):
        _read_into(reply, received)
    assert len(received) == promised // 2


def test_cut_sse_ends_without_the_done_frame(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """cut=0.5 on SSE: some audio frames, a clean end, and no done:true frame."""
    full = parse_sse(sse(waves_local, text=TEXT, output_format="wav").content)
    waves_local_faults("cut=0.5@path=/waves/v1/tts/live")
    reply = sse(waves_local, text=TEXT, output_format="wav")
    events = parse_sse(reply.content)
    assert reply.status_code == 200
    assert 0 < len(events) < len(full) - 1
    assert all(event == "audio" for event, _ in events)
    assert sse_audio(events) == sse_audio(full)[: len(events)]


def test_drop_sse_leaves_the_chunked_body_unterminated(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """drop on SSE: the first frame arrives, then the body breaks off."""
    waves_local_faults("drop@path=/waves/v1/tts/live")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        sse(waves_local, text=TEXT)


def test_drop_http_body_stops_after_the_first_piece(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """drop on /waves/v1/tts: the first 64 KiB arrive, then the connection closes."""
    waves_local_faults("drop@path=/waves/v1/tts")
    reply = requests.post(
        f"{waves_local.base_url}/waves/v1/tts",
        json={"text": TEXT, "voice_id": "tone-alto"},
        headers={**AUTH, "Accept": "audio/wav"},
        stream=True,
        timeout=TIMEOUT,
    )
    received = bytearray()
    with pytest.raises(urllib3.exceptions.ProtocolError):
        _read_into(reply, received)
    assert len(received) == 64 * 1024 < int(reply.headers["Content-Length"])


def test_stall_pauses_after_the_first_frame(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """stall=800: the first SSE frame comes at once, the second after the stall."""
    waves_local_faults("stall=800@path=/waves/v1/tts/live")
    with requests.post(
        f"{waves_local.base_url}/waves/v1/tts/live",
        json={"text": TEXT, "voice_id": "tone-alto"},
        headers=AUTH,
        stream=True,
        timeout=TIMEOUT,
    ) as reply:
        lines = reply.iter_lines()
        assert next(lines).startswith(b"event: audio")
        next(lines), next(lines)  # data line and blank line of the first frame
        first_at = time.monotonic()
        assert next(lines).startswith(b"event: audio")
        assert time.monotonic() - first_at >= 0.75


def test_a_client_cancel_during_a_stall_frees_the_slot(
    make_waves_local: Callable[..., LocalServer],
) -> None:
    """Closing the stream mid-stall ends the synthesis and gives its slot back."""
    server = make_waves_local(max_concurrency=1, faults="stall=20000@path=/waves/v1/tts/live")
    reply = requests.post(
        f"{server.base_url}/waves/v1/tts/live",
        json={"text": TEXT, "voice_id": "tone-alto"},
        headers=AUTH,
        stream=True,
        timeout=TIMEOUT,
    )
    lines = reply.iter_lines()  # keep the iterator: dropping it makes urllib3 hang up
    assert next(lines).startswith(b"event: audio")
    assert tts(server, text="Hi.").status_code == 429
    reply.close()
    assert server.wait_idle(timeout=10)
    assert tts(server, text="Hi.").status_code == 200


def test_wrong_content_type(waves_local: LocalServer, waves_local_faults: SetFaults) -> None:
    """ctype=text/html relabels synthesis replies; the bytes stay the same."""
    clean = tts(waves_local, text="Hi.").content
    waves_local_faults("ctype=text/html@path=/waves/v1/tts")
    reply = tts(waves_local, text="Hi.")
    assert reply.headers["Content-Type"] == "text/html"
    assert reply.content == clean
    assert sse(waves_local, text="Hi.").headers["Content-Type"] == "text/html"


def test_garbage_lines_are_skipped_by_a_conforming_parser(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """garbage adds comments, unknown fields and a non-JSON ping event around the frames."""
    clean = parse_sse(sse(waves_local, text=TEXT).content)
    waves_local_faults("garbage@path=/waves/v1/tts/live")
    raw = sse(waves_local, text=TEXT).content
    assert b"\n: waves-local fault injection" in b"\n" + raw
    events = parse_sse(raw)
    assert ("ping", "this is not JSON") in events
    assert [e for e in events if e[0] != "ping"] == clean


def test_websocket_drop_closes_without_a_close_frame(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """drop on WS: one chunk, then the TCP connection dies with no close frame."""
    waves_local_faults("drop@path=/waves/v1/tts/live")
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": TEXT, "voice_id": "tone-alto"}))
        assert json.loads(ws.recv(timeout=TIMEOUT))["status"] == "chunk"
        with pytest.raises(ConnectionClosedError) as caught:
            ws.recv(timeout=TIMEOUT)
    assert caught.value.rcvd is None


def test_websocket_cut_closes_with_1011_before_complete(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """cut on WS: part of the chunks, then close code 1011 and no complete."""
    waves_local_faults("cut=0.5@path=/waves/v1/tts/live")
    statuses = []
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": TEXT, "voice_id": "tone-alto"}))
        with pytest.raises(ConnectionClosedError) as caught:
            _collect_statuses(ws, statuses)
    assert caught.value.rcvd is not None and caught.value.rcvd.code == 1011
    assert statuses and set(statuses) == {"chunk"}


def test_websocket_status_fault_is_an_error_frame(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """status=429@nth=1 on WS: the first request gets an error frame with code 429."""
    waves_local_faults("status=429@nth=1@path=/waves/v1/tts/live")
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": "Hi.", "voice_id": "tone-alto"}))
        error = ws_turn(ws)[-1]
        ws.send(json.dumps({"text": "Hi.", "voice_id": "tone-alto"}))
        assert ws_turn(ws)[-1]["status"] == "complete"
    assert error["status"] == "error"
    assert error["error"]["code"] == 429


def test_set_faults_rejects_a_bad_spec_and_keeps_the_old_one(
    waves_local: LocalServer, waves_local_faults: SetFaults
) -> None:
    """A bad spec raises and leaves the running plan as it was."""
    waves_local_faults("status=418@path=/waves/v1/tts")
    with pytest.raises(ValidationError):
        waves_local_faults("status=")
    assert tts(waves_local, text="Hi.").status_code == 418
