"""Assemble the waves-local ASGI app: routes, error handlers and the outer middleware."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp

from studio.core.errors import StudioError
from studio.local import routes_dicts, routes_misc, routes_tts, routes_voices, ws
from studio.local.guard import BodyTooLargeError, too_large
from studio.local.middleware import WavesMiddleware
from studio.local.state import ServerState
from studio.local.wire import WireError, status_error

log = logging.getLogger(__name__)


def create_app(state: ServerState) -> ASGIApp:
    """The whole server as one ASGI app (no OpenAPI pages: this is a wire stand-in)."""
    app = FastAPI(title="waves-local", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.waves = state
    for module in (routes_tts, routes_voices, routes_dicts, routes_misc, ws):
        app.include_router(module.router)
    app.add_exception_handler(WireError, _wire_error)
    app.add_exception_handler(BodyTooLargeError, _too_large)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(StudioError, _studio_error)
    app.add_exception_handler(Exception, _unexpected_error)
    return WavesMiddleware(app, state)


async def _wire_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WireError)
    return exc.response()


async def _too_large(request: Request, exc: Exception) -> Response:
    """A body passed its limit while being read: 413, and the connection closes."""
    assert isinstance(exc, BodyTooLargeError)
    return too_large(request.url.path, exc.limit).response()


async def _client_gone(request: Request, exc: Exception) -> Response:
    """The client left while sending its body: nobody will read an answer, none is logged."""
    return Response(status_code=400)


async def _http_error(request: Request, exc: Exception) -> Response:
    """404/405 from routing, in the family shape of the path."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"No route {request.method} {request.url.path} on this server."
    elif exc.status_code == 405:
        message = f"{request.url.path} does not accept {request.method}."
    else:
        message = str(exc.detail)
    error = status_error(request.url.path, exc.status_code, message)
    error.headers.update(exc.headers or {})
    return error.response()


async def _studio_error(request: Request, exc: Exception) -> Response:
    """A store or validation failure inside the server: 500 with the user message."""
    assert isinstance(exc, StudioError)
    log.error("waves-local: %s", exc.user_message)
    return status_error(request.url.path, 500, exc.user_message).response()


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("waves-local: unexpected error on %s", request.url.path, exc_info=exc)
    return status_error(request.url.path, 500, "An unexpected error occurred.").response()
