"""The outermost layer: count arrivals, tag replies with X-Request-Id, inject HTTP faults."""

from __future__ import annotations

import asyncio
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from studio.local.faults import FaultDecision
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
    HTTP replies carry it as `X-Request-Id`. For HTTP, the fault plan is consulted here: an
    injected latency waits before anything else, an injected status answers at once.
    """

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        self.state.stats.record(path)
        request_id = str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "x-request-id" not in headers:
                    headers["X-Request-Id"] = request_id
            await send(message)

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
