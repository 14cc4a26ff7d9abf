"""What waves-local refuses before any route runs: foreign Host/Origin values and big bodies.

DNS rebinding: a web page can re-point its own domain at 127.0.0.1 and then drive a loopback
server from the user's browser. The browser still sends the page's domain as `Host` and the
page's origin as `Origin`, so a server that listens on loopback answers only requests whose
`Host` is a loopback name or address with its own port (421 otherwise), and refuses any
`Origin` that is not loopback (403). Both checks are off with `--allow-remote` on a
non-loopback interface, where remote clients use the machine's own name.

Bodies are counted while they are read, before anything parses them: a `Content-Length` over
the limit is answered 413 at once, a chunked body that passes it gets 413 as soon as it does.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from starlette.types import Message, Receive, Scope

from studio.core import contract as c
from studio.local.config import is_loopback
from studio.local.wire import WireError, status_error

JSON_BODY_MAX_BYTES = 1024 * 1024
# The contract's 5 MB clip plus its form fields and multipart framing.
UPLOAD_BODY_MAX_BYTES = c.CLONE_MAX_BYTES + 1024 * 1024
UPLOAD_PATH = "/waves/v1/voice-cloning"


class BodyTooLargeError(Exception):
    """A request body passed its limit while being read (answered 413, connection closed)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def body_limit(path: str) -> int:
    """The most bytes a request body on `path` may hold."""
    return UPLOAD_BODY_MAX_BYTES if path == UPLOAD_PATH else JSON_BODY_MAX_BYTES


def too_large(path: str, limit: int) -> WireError:
    """The 413 for a body over `limit`; the connection closes after it (the rest is unread)."""
    error = status_error(
        path,
        413,
        f"The request body is larger than {limit // (1024 * 1024)} MB, this route's limit.",
    )
    error.headers["Connection"] = "close"
    return error


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length, or None when it has none (chunked) or it does not parse."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() and len(value) <= 18 else None
    return None


def capped_receive(receive: Receive, limit: int) -> Receive:
    """`receive`, raising BodyTooLargeError once the body read so far passes `limit` bytes."""
    seen = 0

    async def capped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLargeError(limit)
        return message

    return capped


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


def _split_host(value: str) -> tuple[str, int | None] | None:
    """(host, port) of a Host header or netloc; None when it does not parse."""
    try:
        parts = urlsplit(f"//{value}")
        return parts.hostname or "", parts.port
    except ValueError:
        return None


@functools.lru_cache(maxsize=64)
def _is_loopback_host(host: str, port: int | None, default_port: int) -> bool:
    """True for a Host value naming a loopback address with `port` (cached: clients repeat
    the same one or two values on every request)."""
    parsed = _split_host(host)
    return parsed is not None and is_loopback(parsed[0]) and (parsed[1] or default_port) == port


def foreign_request(scope: Scope, guarded: bool) -> WireError | None:
    """The 421/403 for a request a web page could have sent through DNS rebinding, else None."""
    if not guarded:
        return None
    error = _foreign(scope)
    if error is not None:
        error.headers["Connection"] = "close"
    return error


def _foreign(scope: Scope) -> WireError | None:
    path = scope["path"]
    host = _header(scope, b"host")
    if host is not None:
        port = scope["server"][1] if scope.get("server") else None
        default = 443 if scope.get("scheme") in ("https", "wss") else 80
        if not _is_loopback_host(host.strip(), port, default):
            return status_error(
                path,
                421,
                f"waves-local serves this machine only: the Host header {host[:100]!r} is not "
                f"a loopback address with port {port}. Connect to http://127.0.0.1:{port}.",
            )
    origin = _header(scope, b"origin")
    if origin is not None:
        parsed = _split_host(urlsplit(origin.strip()).netloc) if origin.strip() else None
        if parsed is None or not is_loopback(parsed[0]):
            return status_error(
                path,
                403,
                f"waves-local does not answer web pages from {origin[:100]!r}: only pages "
                "served from this machine (a loopback origin) may call it.",
            )
    return None
