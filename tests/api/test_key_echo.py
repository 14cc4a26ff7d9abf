"""A server that echoes the API key back never gets it into an error, a message or a repr."""

from __future__ import annotations

import socket

import pytest

from studio.api.client import WavesClient
from studio.api.transport import RetryPolicy
from studio.core.errors import StudioError
from tests.api import hostile as h
from tests.api.helpers import MODES, make_request

# Not key-shaped (no sk_ prefix): only the exact-value redaction can catch it.
ECHOED_KEY = "plain-looking-key-4c1e9a77d2"


def _echo_key(status: int) -> h.Behaviour:
    """Answer with an error whose message quotes the request's Authorization header."""

    def run(conn: socket.socket, head: bytes) -> None:
        auth = next(
            (line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")
             if line.lower().startswith(b"authorization:")),
            b"",
        )  # fmt: skip
        body = b'{"error": "bad_request", "message": "You sent ' + auth + b'"}'
        conn.sendall(h.reply(f"{status} Error", {"Content-Type": "application/json"}, body))

    return run


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [400, 403, 500])
def test_an_echoed_key_never_reaches_the_error(hostile, mode, status) -> None:
    """The key the server quotes back is replaced in the user message, str() and repr()."""
    server = hostile(_echo_key(status))
    client = WavesClient(
        server.base_url, ECHOED_KEY, retry=RetryPolicy(max_attempts=1, base_delay_s=0.01)
    )
    try:
        with pytest.raises(StudioError) as caught:
            client.synthesize(make_request(), mode)
    finally:
        client.close()
    error = caught.value
    assert server.requests and ECHOED_KEY.encode() in server.requests[0]  # it was echoed
    for shown in (error.user_message, str(error), repr(error)):
        assert ECHOED_KEY not in shown
