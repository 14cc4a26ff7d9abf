"""A tiny raw-socket server that misbehaves in ways waves-local never does, for hardening tests.

Each connection's request head (and body, by Content-Length) is read, then handed to a
behaviour function that writes whatever it likes to the socket. Behaviours below cover endless
and dripping bodies, silence, redirects and hostile error text, on HTTP, SSE and WebSocket.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import threading
from collections.abc import Callable

Behaviour = Callable[[socket.socket, bytes], None]
_WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class HostileServer:
    """Serves `behaviour` on 127.0.0.1 (a free port) until closed.

    Attributes:
        base_url: http://127.0.0.1:PORT
        requests: The request heads received, in order (thread-safe append).
    """

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.requests: list[bytes] = []
        self._connections: list[socket.socket] = []
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self._connections.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            while not self._closed.is_set():  # keep-alive: one request after another
                head = _read_request(conn)
                if head is None:
                    return
                self.requests.append(head)
                self.behaviour(conn, head)

    def close(self) -> None:
        """Stop accepting and cut every open connection."""
        self._closed.set()
        self._listener.close()
        for conn in self._connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_request(conn: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return None
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:  # read the body, so closing never resets the connection
        piece = conn.recv(65536)
        if not piece:
            break
        body += piece
    return head


def path_of(head: bytes) -> str:
    """The request path of a request head."""
    return head.split(b" ", 2)[1].decode()


def reply(status: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """An HTTP/1.1 reply with Content-Length."""
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def endless(content_type: str, piece: bytes) -> Behaviour:
    """A 200 whose body never ends: `piece` again and again until the client goes away."""

    def run(conn: socket.socket, head: bytes) -> None:
        conn.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n".encode()
        )
        while True:
            conn.sendall(piece)

    return run


def sse_audio_frame(size: int = 48000) -> bytes:
    """One SSE audio frame of `size` bytes of silence (never `done`)."""
    audio = base64.b64encode(bytes(size)).decode()
    return f"data: {json.dumps({'audio': audio, 'done': False})}\n\n".encode()


def endless_by_route(conn: socket.socket, head: bytes) -> None:
    """Endless audio on every synthesis route: WAV bytes, SSE frames or WebSocket messages."""
    if b"upgrade: websocket" in head.lower():
        endless_websocket(conn, head)
    elif path_of(head).endswith("/live"):
        endless("text/event-stream", sse_audio_frame())(conn, head)
    else:
        endless("audio/wav", bytes(65536))(conn, head)


def endless_websocket(conn: socket.socket, head: bytes) -> None:
    """Accept the upgrade, then send 1 MB binary messages forever."""
    accept_websocket(conn, head)
    message = bytes(1024 * 1024)
    frame = b"\x82\x7f" + len(message).to_bytes(8, "big") + message
    while True:
        conn.sendall(frame)


def accept_websocket(conn: socket.socket, head: bytes) -> None:
    """Answer a WebSocket upgrade with 101."""
    key = b""
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            key = value.strip()
    accept = base64.b64encode(hashlib.sha1(key + _WS_GUID).digest()).decode()  # noqa: S324
    conn.sendall(
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
        ).encode()
    )


def drip(interval_s: float) -> Behaviour:
    """A 200 whose body comes one byte per `interval_s`, forever (never silent for long)."""

    def run(conn: socket.socket, head: bytes) -> None:
        content_type = "text/event-stream" if path_of(head).endswith("/live") else "audio/wav"
        conn.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n".encode()
        )
        while True:
            conn.sendall(b":" if content_type == "text/event-stream" else b"\0")
            threading.Event().wait(interval_s)

    return run


def silent(conn: socket.socket, head: bytes) -> None:
    """Read the request and never answer (until the client hangs up)."""
    while conn.recv(65536):
        pass
    raise OSError("client went away")


def redirect(status: int, location: str) -> Behaviour:
    """Answer every request with a redirect to `location`."""

    def run(conn: socket.socket, head: bytes) -> None:
        conn.sendall(reply(f"{status} Redirect", {"Location": location}))

    return run


def error_json(status: int, body: dict[str, object], **headers: str) -> Behaviour:
    """Answer every request with `status` and a JSON body."""
    data = json.dumps(body).encode()

    def run(conn: socket.socket, head: bytes) -> None:
        conn.sendall(
            reply(f"{status} Error", {"Content-Type": "application/json", **headers}, data)
        )

    return run


def silent_websocket(conn: socket.socket, head: bytes) -> None:
    """Accept the upgrade, then say nothing more."""
    accept_websocket(conn, head)
    silent(conn, head)


def reply_by_path(routes: dict[str, bytes], default: bytes) -> Behaviour:
    """Send the reply for the request's path (`routes`), else `default`."""

    def run(conn: socket.socket, head: bytes) -> None:
        conn.sendall(routes.get(path_of(head), default))

    return run
