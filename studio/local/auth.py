"""Bearer-token checks for HTTP routes and WebSocket upgrades (§1.2)."""

from __future__ import annotations

import hmac

from starlette.datastructures import Headers

from studio.local.wire import unauthorized


def bearer_token(headers: Headers) -> str:
    """The token of an `Authorization: Bearer <token>` header, or "" when there is none."""
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def is_authorized(headers: Headers, api_key: str | None) -> bool:
    """True if the request carries the server's key (any non-empty token when it has none)."""
    token = bearer_token(headers)
    if not token:
        return False
    if api_key is None:
        return True
    return hmac.compare_digest(token.encode("utf-8"), api_key.encode("utf-8"))


def require_auth(headers: Headers, api_key: str | None, path: str) -> None:
    """Raise the 401 WireError (in the family shape of `path`) unless authorized."""
    if not is_authorized(headers, api_key):
        raise unauthorized(path)
