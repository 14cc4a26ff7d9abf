"""Health, analytics (§8) and the retired per-model routes (§1.6).

Retired routes answer 410 Gone with `{"error": "Gone", "message": ...}` naming the route that
replaced them. The contract leaves open what the real service returns (§14.1: the docs only
say those URLs "don't respond"); a clear 410 tells a developer what to change, where a bare
404 would look like a typo.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, WebSocket
from starlette.responses import JSONResponse

from studio.local import analytics
from studio.local.route_support import authorized_state, server_state
from studio.local.state import ServerState
from studio.local.wire import tts_error

router = APIRouter()

RETIRED_HTTP: dict[str, str] = {
    "/waves/v1/lightning-v3.1/get_speech": "POST /waves/v1/tts",
    "/waves/v1/lightning-v3.1/stream": "POST /waves/v1/tts/live",
    "/waves/v1/lightning/get_speech": "POST /waves/v1/tts",
    "/waves/v1/lightning-large/get_speech": "POST /waves/v1/tts",
    "/waves/v1/lightning-large/stream": "POST /waves/v1/tts/live",
    "/waves/v1/lightning-v2/get_speech": "POST /waves/v1/tts",
    "/waves/v1/lightning-v2/stream": "POST /waves/v1/tts/live",
}
RETIRED_WS: dict[str, str] = {
    "/waves/v1/lightning-v3.1/get_speech/stream": "wss://…/waves/v1/tts/live",
    "/waves/v1/lightning/get_speech/stream": "wss://…/waves/v1/tts/live",
    "/waves/v1/lightning-large/get_speech/stream": "wss://…/waves/v1/tts/live",
    "/waves/v1/lightning-v2/get_speech/stream": "wss://…/waves/v1/tts/live",
    "/waves/v1/streaming-tts/stream": "wss://…/waves/v1/tts/live",
}
TIMESERIES = {
    "/waves/v1/analytics/tts/usage/timeseries": "usage",
    "/waves/v1/analytics/tts/usage/credits/timeseries": "credits",
    "/waves/v1/analytics/tts/concurrency/timeseries": "concurrency",
    "/waves/v1/analytics/tts/ws-connections/timeseries": "ws-connections",
}


def retired_body(path: str, replacement: str) -> dict[str, str]:
    """The 410 body for a retired route."""
    return {
        "error": "Gone",
        "message": f"{path} was retired on 2026-07-14. Use {replacement} and choose the model "
        "with the 'model' field (lightning_v3.1 or lightning_v3.1_pro).",
    }


@router.get("/waves/v1/health")
async def health(request: Request) -> dict[str, Any]:
    """No authentication (§8). waves-local has no databases, so those report "ok"."""
    state: ServerState = server_state(request)
    return {
        "status": "ok",
        "mongo": {"status": "ok"},
        "redis": {"status": "ok"},
        "rabbitmq": {"status": "ok"},
        "engines": [engine.name for engine in state.catalogue.engines],
    }


@router.get("/waves/v1/analytics/tts/logs")
async def tts_logs(request: Request) -> dict[str, Any]:
    """This server's synthesis log, newest first."""
    state = authorized_state(request)
    query = request.query_params
    return analytics.logs_page(state.usage, query.get("page"), query.get("pageSize"))


async def _timeseries(request: Request) -> dict[str, Any]:
    state = authorized_state(request)
    query = {name: request.query_params.get(name) for name in ("from", "to", "granularity")}
    return analytics.timeseries(state.usage, TIMESERIES[request.url.path], query)


for _path in TIMESERIES:
    router.add_api_route(_path, _timeseries, methods=["GET"])


async def _retired_http(request: Request) -> None:
    path = request.url.path
    error = tts_error(410, "Gone", retired_body(path, RETIRED_HTTP[path])["message"])
    raise error


async def _retired_ws(websocket: WebSocket) -> None:
    path = websocket.url.path
    await websocket.send_denial_response(
        JSONResponse(retired_body(path, RETIRED_WS[path]), status_code=410)
    )


for _path in RETIRED_HTTP:
    router.add_api_route(_path, _retired_http, methods=["POST"])
for _path in RETIRED_WS:
    router.add_api_websocket_route(_path, _retired_ws)
