"""waves-local at the wire: body limits, DNS-rebinding checks, stalled connections and the
WebSocket message limit (issue 18, items 3-5)."""

from __future__ import annotations

import contextlib
import json
import socket
from typing import Any

import pytest
import requests
from websockets.exceptions import ConnectionClosedError, InvalidStatus
from websockets.sync.client import connect

from studio.local.server import LocalServer
from tests.local.helpers import AUTH, KEY, TIMEOUT, tts, ws_connect, ws_turn


def _exchange(server: LocalServer, request: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes, read until the server closes (or `timeout`)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
        return reply


def test_a_declared_huge_body_is_413_before_it_is_sent(waves_local: LocalServer) -> None:
    """Content-Length 300 MB: 413 JSON at once, connection closed, no byte of the body read."""
    head = (
        f"POST /waves/v1/tts HTTP/1.1\r\nHost: 127.0.0.1:{waves_local.port}\r\n"
        f"Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {300 * 1024 * 1024}\r\n\r\n"
    )
    reply = _exchange(waves_local, head.encode())
    assert reply.startswith(b"HTTP/1.1 413")
    assert b'"PayloadTooLarge"' in reply and b"1 MB" in reply


def test_a_chunked_body_is_cut_off_at_the_limit(waves_local: LocalServer) -> None:
    """A chunked body with no length gets 413 once it passes 1 MB, not after reading it all."""

    def body() -> Any:
        for _ in range(64):  # 64 MB offered; the server stops after ~1 MB
            yield b" " * (1024 * 1024)

    headers = {**AUTH, "Content-Type": "application/json", "Accept": "audio/wav"}
    try:
        reply = requests.post(
            f"{waves_local.base_url}/waves/v1/tts", data=body(), headers=headers, timeout=TIMEOUT
        )
    except requests.ConnectionError:
        return  # the server closed while the client was still sending: also refused early
    assert reply.status_code == 413


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Host": "evil.example:{port}"}, 421),
        ({"Host": "127.0.0.1:1"}, 421),
        ({"Host": "127.0.0.1"}, 421),
        ({"Host": "localhost:{port}"}, 200),
        ({"Host": "[::1]:{port}"}, 200),
        ({"Origin": "https://evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Origin": "http://localhost:3000"}, 200),
    ],
)
def test_dns_rebinding_is_refused(
    waves_local: LocalServer, headers: dict[str, str], status: int
) -> None:
    """Only loopback Host values with the server's port, and only loopback browser origins."""
    sent = {k: v.format(port=waves_local.port) for k, v in headers.items()}
    url = f"{waves_local.base_url}/waves/v1/analytics/tts/logs"
    reply = requests.get(url, headers={**AUTH, **sent}, timeout=TIMEOUT)
    assert reply.status_code == status
    if status != 200:
        assert "waves-local" in reply.json()["message"]


def test_dns_rebinding_is_refused_on_the_websocket(waves_local: LocalServer) -> None:
    """A WebSocket upgrade with a foreign Host is refused with 421 before it opens."""
    # A socket to loopback, a URI naming another host: the Host header a rebound page sends.
    with (
        socket.create_connection(("127.0.0.1", waves_local.port), timeout=5) as sock,
        pytest.raises(InvalidStatus) as caught,
    ):
        connect(
            f"ws://evil.example:{waves_local.port}/waves/v1/tts/live",
            sock=sock,
            additional_headers=AUTH,
            open_timeout=5,
        )
    assert caught.value.response.status_code == 421


def test_stalled_and_dripping_connections_are_dropped(make_waves_local: Any) -> None:
    """Clients that never finish their headers or body are closed after the read deadline."""
    server = make_waves_local(read_timeout_s=0.5)
    partial_head = b"GET /waves/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    partial_body = (
        f"POST /waves/v1/tts HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Authorization: Bearer {KEY}\r\nAccept: audio/wav\r\n"
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    ).encode()
    with contextlib.ExitStack() as stack:
        sockets = []
        for request in [b""] * 20 + [partial_head] * 20 + [partial_body] * 20:
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", server.port), 5))
            sock.sendall(request)
            sockets.append(sock)
        for sock in sockets:  # recv returns b"" once the server closed it (else it times out)
            assert sock.recv(1024) == b""
    assert requests.get(f"{server.base_url}/waves/v1/health", timeout=TIMEOUT).ok


def test_a_slow_response_is_not_cut_by_the_read_deadline(make_waves_local: Any) -> None:
    """The deadline covers what the client sends, never a reply still being made."""
    server = make_waves_local(read_timeout_s=0.2, latency_ms=600)
    assert tts(server, text="Still whole.").status_code == 200


def test_websocket_messages_over_1_mib_get_a_close_frame(waves_local: LocalServer) -> None:
    """A 2 MiB message is refused with close code 1009 (a close frame, not a drop)."""
    with ws_connect(waves_local) as ws:
        ws.send(json.dumps({"text": "x" * (2 * 1024 * 1024), "voice_id": "tone-alto"}))
        with pytest.raises(ConnectionClosedError) as caught:
            ws.recv(timeout=TIMEOUT)
    assert caught.value.rcvd is not None and caught.value.rcvd.code == 1009


def test_clone_uploads_have_their_own_larger_limit(waves_local: LocalServer) -> None:
    """A 5 MB clip fits the 6 MB upload limit (its own 400 says so); 7 MB is a 413."""
    url = f"{waves_local.base_url}/waves/v1/voice-cloning"
    fields = {"displayName": "Big"}
    fits = ("a.wav", bytes(5 * 1024 * 1024 + 1), "audio/wav")
    reply = requests.post(url, files={"file": fits}, data=fields, headers=AUTH, timeout=TIMEOUT)
    assert reply.status_code == 400 and "larger than 5 MB" in reply.json()["error"]
    big = ("a.wav", bytes(7 * 1024 * 1024), "audio/wav")
    reply = requests.post(url, files={"file": big}, data=fields, headers=AUTH, timeout=TIMEOUT)
    assert reply.status_code == 413 and "6 MB" in reply.json()["error"]


def test_a_foreign_origin_cannot_open_a_websocket(waves_local: LocalServer) -> None:
    """A page on another site cannot open the streaming socket (403 before the upgrade)."""
    with pytest.raises(InvalidStatus) as caught:
        connect(
            f"{waves_local.ws_url}/waves/v1/tts/live",
            additional_headers={**AUTH, "Origin": "https://evil.example"},
            open_timeout=5,
        )
    assert caught.value.response.status_code == 403


@pytest.mark.parametrize("host", ["localhost", "::1"])
def test_loopback_names_and_ipv6_keep_working(make_waves_local: Any, host: str) -> None:
    """Servers on localhost and [::1] answer clients that use those names (HTTP and WS)."""
    server = make_waves_local(host=host)
    name = "localhost" if host == "localhost" else "[::1]"
    url = f"http://{name}:{server.port}/waves/v1/analytics/tts/logs"
    assert requests.get(url, headers=AUTH, timeout=TIMEOUT).status_code == 200
    with connect(
        f"ws://{name}:{server.port}/waves/v1/tts/live", additional_headers=AUTH, open_timeout=5
    ) as ws:
        ws.send(json.dumps({"text": "Hi.", "voice_id": "tone-alto"}))
        assert json.loads(ws.recv(timeout=TIMEOUT))["status"] == "chunk"


def test_the_read_deadline_never_closes_an_open_websocket(make_waves_local: Any) -> None:
    """A WebSocket outlives the HTTP read deadline: after a quiet spell it still answers."""
    server = make_waves_local(read_timeout_s=0.2)
    with ws_connect(server) as ws:
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.6)  # three deadlines pass with nothing to say
        ws.send(json.dumps({"text": "Still open.", "voice_id": "tone-alto"}))
        assert ws_turn(ws)[-1]["status"] == "complete"
