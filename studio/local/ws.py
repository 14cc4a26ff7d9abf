"""The streaming WebSocket `/waves/v1/tts/live` (§4): upgrade, idle timeout, one session loop.

Interpretations of the open points (§4.5, §14.9–11):
- The socket stays open after `complete`; one connection can carry many requests.
- A message without `continue: true` is a whole request: its chunks are followed at once by
  `complete`. With `continue: true` the text is buffered; it is synthesized on `flush`, on a
  message without `continue`, or after `max_buffer_flush_ms` without new text (when > 0).
  `complete_backoff_ms` is how long the server then waits for more text before `complete`.
- `request_id` ("task_…") is new for each turn (the text up to a `complete`); `session_id`
  ("ws_…") lives as long as the connection.
- `output_format` and `pronunciation_dicts` are accepted in messages.
- Errors are `{"status":"error","message":...,"error":{"message","code"}}`: the documented
  idle-timeout frame's key plus the schema's nested object, so either reading works. A
  request over the concurrency limit gets such a frame with code 429; the socket stays open.
- `word_timestamps` is accepted and ignored: no offline engine reports word timings.
"""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from studio.core import contract as c
from studio.local.auth import is_authorized
from studio.local.middleware import request_id_of
from studio.local.route_support import server_state
from studio.local.wire import invalid_request, unauthorized
from studio.local.ws_session import WsSession

MAX_IDLE_TIMEOUT_S = 86_400  # a day; larger values overflow the idle timer

router = APIRouter()


@router.websocket("/waves/v1/tts/live")
async def tts_live_socket(websocket: WebSocket) -> None:
    """Check the key and `?timeout=`, accept, then run the session until either side closes."""
    state = server_state(websocket)
    if not is_authorized(websocket.headers, state.config.api_key):
        await websocket.send_denial_response(unauthorized(websocket.url.path).response())
        return
    raw_timeout = websocket.query_params.get("timeout")
    idle_timeout = c.WS_IDLE_TIMEOUT_S
    if raw_timeout is not None:
        if not (raw_timeout.isascii() and raw_timeout.isdigit() and len(raw_timeout) < 10) or not (
            1 <= int(raw_timeout) <= MAX_IDLE_TIMEOUT_S
        ):
            message = f"timeout must be a whole number of seconds from 1 to {MAX_IDLE_TIMEOUT_S}."
            await websocket.send_denial_response(invalid_request(message).response())
            return
        idle_timeout = int(raw_timeout)
    request_id = request_id_of(websocket.scope)
    await websocket.accept(headers=[(b"x-request-id", request_id.encode("ascii"))])
    state.usage.ws_connection()
    await WsSession(state, websocket, idle_timeout).run()
