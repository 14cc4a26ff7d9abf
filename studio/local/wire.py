"""Error bodies in the three shapes of the Waves contract (§9), raised as one exception type.

- TTS, voices and analytics: `{"error": "<Type>", "message": "<text>"}`
- pronunciation dictionaries: `{"error": "<text>", "details"?: [zod-style issues]}`
- voice cloning: `{"error": "<text>"}`
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

UNAUTHORIZED_MESSAGE = "Bearer token is missing or invalid."
RETRY_AFTER_S = 1


class WireError(Exception):
    """An error reply: status, JSON body and extra headers, turned into a response by the app.

    Attributes:
        status: HTTP status code.
        body: The JSON body, already in the right family shape.
        headers: Extra response headers (e.g. Retry-After).
    """

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(str(body.get("message") or body.get("error") or status))
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    @property
    def message(self) -> str:
        """The human-readable text of the body, whatever its family."""
        return str(self.body.get("message") or self.body.get("error") or "")

    def response(self) -> JSONResponse:
        """The JSON reply with this status, body and headers."""
        return JSONResponse(self.body, self.status, headers=self.headers)


def tts_error(
    status: int, error_type: str, message: str, headers: dict[str, str] | None = None
) -> WireError:
    """A TTS-family error (`/waves/v1/tts*`, voices, analytics)."""
    return WireError(status, {"error": error_type, "message": message}, headers)


def invalid_request(message: str) -> WireError:
    """The 400 every rejected synthesis request gets."""
    return tts_error(400, "InvalidRequest", message)


def dict_error(status: int, error: str, details: list[dict[str, Any]] | None = None) -> WireError:
    """A pronunciation-dictionary-family error; `details` holds zod-style issues."""
    body: dict[str, Any] = {"error": error}
    if details is not None:
        body["details"] = details
    return WireError(status, body)


def clone_error(status: int, error: str) -> WireError:
    """A voice-cloning-family error."""
    return WireError(status, {"error": error})


def family_of(path: str) -> str:
    """Which error family a path belongs to: "dicts", "clones" or "tts"."""
    if path.startswith("/waves/v1/pronunciation-dicts"):
        return "dicts"
    if path.startswith("/waves/v1/voice-cloning"):
        return "clones"
    return "tts"


def unauthorized(path: str) -> WireError:
    """The 401 for a missing or wrong key, in the family shape of `path`."""
    if family_of(path) == "tts":
        return tts_error(401, "Unauthorized", UNAUTHORIZED_MESSAGE)
    return WireError(401, {"error": "Unauthorized"})


def busy(max_concurrency: int, retry_after: int = RETRY_AFTER_S) -> WireError:
    """The 429 when every synthesis slot is taken (§11)."""
    return tts_error(
        429,
        "TooManyRequests",
        f"All {max_concurrency} synthesis slots of this server are busy. "
        f"Retry after {retry_after} s or lower the number of parallel requests.",
        {"Retry-After": str(retry_after)},
    )


_STATUS_TYPES = {
    400: "InvalidRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    408: "RequestTimeout",
    410: "Gone",
    413: "PayloadTooLarge",
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}


def status_error(
    path: str,
    status: int,
    message: str,
    retry_after: int | None = None,
    error_code: str | None = None,
) -> WireError:
    """An error of any status in the family shape of `path` (used by fault injection)."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    family = family_of(path)
    if family == "tts":
        return tts_error(status, _STATUS_TYPES.get(status, f"Http{status}"), message, headers)
    body: dict[str, Any] = {"error": message}
    if family == "clones" and status >= 500:
        body["error_code"] = error_code or "voice_clone_error"
    return WireError(status, body, headers)
