"""--max-concurrency: HTTP, SSE and WebSocket syntheses share the slots; over the limit is 429."""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Callable

import pytest
import requests

from studio.local.cli import build_parser
from studio.local.config import TONE_SLOTS, ServerConfig
from studio.local.server import LocalServer
from tests.local.helpers import AUTH, TIMEOUT, sse, tts, ws_connect, ws_turn

TEXT = "The first sentence is here. A second one follows!"
STALL = "stall=20000@path=/waves/v1/tts/live"


def test_a_held_sse_slot_makes_every_transport_wait(
    make_waves_local: Callable[..., LocalServer],
) -> None:
    """With one slot held by a stream: HTTP and SSE get 429 + Retry-After, WS an error frame."""
    server = make_waves_local(max_concurrency=1, faults=STALL)
    with requests.Session() as session:
        stream = session.post(
            f"{server.base_url}/waves/v1/tts/live",
            json={"text": TEXT, "voice_id": "tone-alto"},
            headers=AUTH,
            stream=True,
            timeout=TIMEOUT,
        )
        lines = stream.iter_lines()
        assert next(lines).startswith(b"event: audio")

        busy = tts(server, text="Hi.")
        assert busy.status_code == 429
        assert busy.headers["Retry-After"] == "1"
        assert busy.json()["error"] == "TooManyRequests"
        assert "slots" in busy.json()["message"]
        assert sse(server, text="Hi.").status_code == 429
        with ws_connect(server) as ws:
            ws.send(json.dumps({"text": "Hi.", "voice_id": "tone-alto"}))
            frame = ws_turn(ws)[-1]
            assert frame["status"] == "error"
            assert frame["error"]["code"] == 429

            stream.close()
            assert server.wait_idle(timeout=10)
            server.set_faults("")
            ws.send(json.dumps({"text": "Hi.", "voice_id": "tone-alto"}))
            assert ws_turn(ws)[-1]["status"] == "complete"  # the same socket works again
    assert tts(server, text="Hi.").status_code == 200


def test_a_websocket_synthesis_holds_a_slot_too(
    make_waves_local: Callable[..., LocalServer],
) -> None:
    """While a WebSocket request streams, an HTTP request over the limit gets 429."""
    server = make_waves_local(max_concurrency=1, faults=STALL)
    with ws_connect(server) as ws:
        ws.send(json.dumps({"text": TEXT, "voice_id": "tone-alto"}))
        assert json.loads(ws.recv(timeout=TIMEOUT))["status"] == "chunk"
        assert tts(server, text="Hi.").status_code == 429
    assert server.wait_idle(timeout=10)
    assert tts(server, text="Hi.").status_code == 200


def test_requests_within_the_limit_all_succeed(
    make_waves_local: Callable[..., LocalServer],
) -> None:
    """Two streams held open on a two-slot server leave no room for a third."""
    server = make_waves_local(max_concurrency=2, faults=STALL)
    with requests.Session() as first, requests.Session() as second:
        streams = [
            session.post(
                f"{server.base_url}/waves/v1/tts/live",
                json={"text": TEXT, "voice_id": "tone-alto"},
                headers=AUTH,
                stream=True,
                timeout=TIMEOUT,
            )
            for session in (first, second)
        ]
        assert [stream.status_code for stream in streams] == [200, 200]
        assert tts(server, text="Hi.").status_code == 429
        for stream in streams:
            stream.close()
    assert server.wait_idle(timeout=10)


@pytest.mark.parametrize("route", ["/waves/v1/tts", "/waves/v1/tts/live"])
def test_back_to_back_requests_within_the_limit_never_get_429(
    make_waves_local: Callable[..., LocalServer], route: str
) -> None:
    """Clients that each send their next request as soon as a reply ends fit the limit.

    A reply ends at its last body byte (HTTP) or at the `done` event (SSE, as the SDK reads
    it). The slot is free by then, so none of the clients meets a 429 on the way.
    """
    clients, each = 4, 40
    server = make_waves_local(max_concurrency=clients)
    statuses: list[int] = []

    def client() -> None:
        with requests.Session() as session:
            for _ in range(each):
                with session.post(
                    f"{server.base_url}{route}",
                    json={"text": "Hello there.", "voice_id": "tone-alto"},
                    headers={**AUTH, "Accept": "audio/wav"},
                    stream=True,
                    timeout=TIMEOUT,
                ) as reply:
                    if route.endswith("/live"):
                        next(line for line in reply.iter_lines() if b'"done": true' in line)
                    else:
                        reply.content  # noqa: B018 - read the whole body
                    statuses.append(reply.status_code)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(200) == clients * each, Counter(statuses)


@pytest.mark.parametrize(
    ("engine", "expected"),
    [
        ("tone", TONE_SLOTS),
        ("piper", max(2, os.cpu_count() or 2)),
        ("auto", max(2, os.cpu_count() or 2)),
    ],
)
def test_default_concurrency_is_sized_from_the_engine(engine: str, expected: int) -> None:
    """No --max-concurrency: tone takes many at once, Piper/espeak-ng one per core."""
    assert build_parser().parse_args([]).max_concurrency is None
    assert ServerConfig(engine=engine).slots() == expected
    assert ServerConfig(engine=engine, max_concurrency=3).slots() == 3


def test_eight_polite_clients_get_no_429_from_the_default_tone_server(
    make_waves_local: Callable[..., LocalServer],
) -> None:
    """8 clients, each holding a slot through a 200 ms first-byte latency: none refused."""
    server = make_waves_local(latency_ms=200)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(8)

    def client() -> None:
        start.wait()
        status = tts(server, text="Hello.").status_code
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == Counter({200: 8})
