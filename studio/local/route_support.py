"""What every waves-local route starts with: its server state, the 401 check, the JSON body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import HTTPConnection, Request

from studio.local.auth import require_auth
from studio.local.jsonbody import BodyError, decode_json
from studio.local.state import ServerState
from studio.local.wire import WireError, invalid_request


def server_state(request: HTTPConnection) -> ServerState:
    """The ServerState of the app that serves `request`."""
    state: ServerState = request.app.state.waves
    return state


def authorized_state(request: HTTPConnection) -> ServerState:
    """The ServerState, once the request has passed the bearer-token check (else 401)."""
    state = server_state(request)
    require_auth(request.headers, state.config.api_key, request.scope["path"])  # no URL object
    return state


async def read_json_body(
    request: Request, error: Callable[[str], WireError] = invalid_request
) -> Any:
    """The decoded JSON body (`jsonbody.decode_json`); 400 (built by `error`) for a wrong
    content type, malformed JSON, or a string that is not valid Unicode."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise error("Send the body as JSON with the header 'Content-Type: application/json'.")
    try:
        return decode_json(await request.body())
    except BodyError as exc:
        raise error(str(exc)) from None
