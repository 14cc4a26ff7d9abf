"""The outermost layer: count arrivals, refuse foreign hosts and big bodies, tag replies with
X-Request-Id, inject HTTP faults."""

from __future__ import annotations

import asyncio

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from studio.local.config import is_loopback
from studio.local.faults import FaultDecision
from studio.local.guard import (
    body_limit,
    capped_receive,
    declared_length,
    foreign_request,
    too_large,
)
from studio.local.ids import new_uuid
from studio.local.state import ServerState
from studio.local.wire import status_error


def request_faults(scope: Scope) -> FaultDecision:
    """The faults the middleware decided for this HTTP request (none for other scopes)."""
    decision = scope.get("state", {}).get("faults")
    return decision if isinstance(decision, FaultDecision) else FaultDecision()


def request_id_of(scope: Scope) -> str:
    """The X-Request-Id given to this request."""
    return str(scope.get("state", {}).get("request_id", ""))


class WavesMiddleware:
    """Pure ASGI middleware (no buffering, so streams stay streams).

    Every HTTP request and WebSocket upgrade is counted on arrival and gets a UUID request id;
    HTTP replies carry it as `X-Request-Id`. A request a web page could have sent through DNS
    rebinding is refused here (`guard.foreign_request`), and HTTP bodies are capped while they
    are read (`guard.capped_receive`). For HTTP, the fault plan is consulted here: an
    injected latency waits before anything else, an injected status answers at once.
    """

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app = app
        self.state = state
        # On loopback, only loopback Host/Origin values; --allow-remote elsewhere turns it off.
        self.guarded = is_loopback(state.config.host)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        self.state.stats.record(path)
        request_id = new_uuid()
        scope.setdefault("state", {})["request_id"] = request_id
        refusal = foreign_request(scope, self.guarded)
        if scope["type"] == "websocket":
            if refusal is not None:
                websocket = WebSocket(scope, receive, send)
                await websocket.send_denial_response(refusal.response())
                return
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "x-request-id" not in headers:
                    headers["X-Request-Id"] = request_id
            await send(message)

        limit = body_limit(path)
        length = declared_length(scope)
        if refusal is None and length is not None and length > limit:
            refusal = too_large(path, limit)
        if refusal is not None:
            await refusal.response()(scope, receive, send_with_id)
            return
        receive = capped_receive(receive, limit)
        decision = self.state.decide_faults(path)
        scope["state"]["faults"] = decision
        if decision.latency_s:
            await asyncio.sleep(decision.latency_s)
        if decision.status is not None:
            error = status_error(
                path,
                decision.status,
                f"waves-local injected HTTP {decision.status} (fault injection is on).",
                decision.retry_after,
                decision.error_code,
            )
            await error.response()(scope, receive, send_with_id)
            return
        await self.app(scope, receive, send_with_id)
