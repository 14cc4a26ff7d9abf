"""What every waves-local route starts with: its server state, the 401 check, the JSON body."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import HTTPConnection, Request

from studio.local.auth import require_auth
from studio.local.state import ServerState
from studio.local.wire import WireError, invalid_request


def server_state(request: HTTPConnection) -> ServerState:
    """The ServerState of the app that serves `request`."""
    state: ServerState = request.app.state.waves
    return state


def authorized_state(request: HTTPConnection) -> ServerState:
    """The ServerState, once the request has passed the bearer-token check (else 401)."""
    state = server_state(request)
    require_auth(request.headers, state.config.api_key, request.url.path)
    return state


async def read_json_body(
    request: Request, error: Callable[[str], WireError] = invalid_request
) -> Any:
    """The decoded JSON body; 400 (built by `error`) for a wrong type or malformed JSON."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise error("Send the body as JSON with the header 'Content-Type: application/json'.")
    try:
        return json.loads(await request.body())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"The request body is not valid JSON ({exc}).") from None
    except RecursionError:
        raise error("The request body is nested too deeply.") from None
