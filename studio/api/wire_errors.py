"""Turn Waves error replies and transport failures into StudioErrors a creator understands."""

from __future__ import annotations

import email.utils
import json
import math
import time
from collections.abc import Mapping
from typing import Any

from studio.api.guard import seconds_text
from studio.core.contract import RESPONSE_MAX_BYTES
from studio.core.errors import (
    ApiError,
    AuthError,
    NetworkError,
    RateLimitedError,
    RequestTimeoutError,
    ResponseTooLargeError,
    StreamInterruptedError,
    StudioError,
    readable_duration,
)
from studio.core.untrusted import safe_text

# The longest wait the client will sit through for one request; a server asking for more gets
# an error at once that quotes its own figure.
MAX_RETRY_AFTER_S = 60.0
# Figures past this (ten years) are treated as this, so any number stays printable.
_FOREVER_S = 10 * 365 * 86400.0


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or HTTP-date) as the server said; None if absent.

    Also reads `X-RateLimit-Reset` (Unix seconds), as the SDK does (§12.5). The figure is not
    capped here: callers compare it with their own limit (MAX_RETRY_AFTER_S).
    """
    value = (headers.get("Retry-After") or headers.get("retry-after") or "").strip()
    now = time.time() if now is None else now
    if value:
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                return None
            seconds = when.timestamp() - now
        if math.isnan(seconds):
            return None
        return min(max(seconds, 0.0), _FOREVER_S)
    reset = (headers.get("X-RateLimit-Reset") or headers.get("x-ratelimit-reset") or "").strip()
    try:
        seconds = float(reset) - now if reset else math.nan
    except ValueError:
        return None
    return None if math.isnan(seconds) else min(max(seconds, 0.0), _FOREVER_S)


def rate_limited(headers: Mapping[str, str]) -> RateLimitedError:
    """The error for a 429; a wait beyond MAX_RETRY_AFTER_S is quoted as the server gave it."""
    wait = parse_retry_after(headers)
    if wait is not None and wait > MAX_RETRY_AFTER_S:
        return RateLimitedError(
            f"Waves is busy, and the server asks to wait {readable_duration(wait)} before the "
            "next request. Try again later, or check your plan's limits.",
            retry_after=MAX_RETRY_AFTER_S,  # what any automatic retry may wait, at most
        )
    return RateLimitedError(retry_after=wait)


def _server_reason(body: bytes) -> tuple[str, str]:
    """(error type, human message) from any of the contract's error body shapes (§9)."""
    try:
        data: Any = json.loads(body.decode("utf-8", errors="replace")) if body else None
    except ValueError:
        text = body.decode("utf-8", errors="replace").strip()
        return "", safe_text(text, 200) if text and "<" not in text[:1] else ""
    if isinstance(data, dict):
        error = data.get("error")
        message = data.get("message")
        if isinstance(data.get("error_code"), str):  # clone 5xx (§6.1): the code is the type
            message, error = message or error, data["error_code"]
        if isinstance(error, dict):  # WS-style nested error
            message = message or error.get("message")
            error = error.get("code", "")
        details = data.get("details")
        if isinstance(details, list) and details:
            parts = []
            for issue in details[:5]:
                if isinstance(issue, dict):
                    path = ".".join(str(p) for p in issue.get("path") or [])
                    parts.append(f"{path}: {issue.get('message', '')}".strip(": "))
            message = f"{message or error}: {'; '.join(parts)}" if parts else message
        errors = data.get("errors")
        if not message and isinstance(errors, list) and errors:
            message = "; ".join(str(e) for e in errors[:3])
        return safe_text(error or "", 100), safe_text(message or error or "", 500)
    if isinstance(data, str):
        return "", safe_text(data, 200)
    return "", ""


def error_from_response(
    status: int, headers: Mapping[str, str], body: bytes, host: str = "the server"
) -> StudioError:
    """The StudioError for a non-2xx reply; never raises, whatever the body holds."""
    error_type, reason = _server_reason(body)
    request_id = safe_text(headers.get("X-Request-Id") or headers.get("x-request-id") or "", 100)
    ticket = f" (request id {request_id})" if request_id else ""
    if status == 401:
        return AuthError()
    if status == 403:
        return AuthError(
            "The API key is valid but not allowed to do this (plan, workspace or trial limit). "
            f"Server said: {reason or 'forbidden'}.",
            status=403,
        )
    if status == 429:
        return rate_limited(headers)
    if status == 400:
        text = reason or "the request was not valid"
        if "invalid input data" in text.lower() and "voice" not in text.lower():
            text = (
                text.rstrip(". ")
                + ". Check that the chosen pronunciation dictionaries still exist."
            )
        return ApiError(f"The server refused the request: {text}", 400, error_type, request_id)
    if status == 404:
        return ApiError(
            f"{host} does not know this address (404). Check the server address in Preferences.",
            404,
            error_type,
            request_id,
        )
    if status == 410:
        return ApiError(f"This API route was retired: {reason or 'gone'}", 410, error_type)
    if status == 413:
        return ApiError(
            "The text or file is too large for one request. Shorten it or split it.",
            413,
            error_type,
            request_id,
        )
    if status >= 500:
        return ApiError(
            f"Waves had a server problem ({status}){ticket}. Try again in a moment.",
            status,
            error_type,
            request_id,
        )
    return ApiError(
        f"The server answered {status}: {reason or 'unexpected reply'}{ticket}.",
        status,
        error_type,
        request_id,
    )


def error_from_transport(
    exc: BaseException, host: str, timeout_s: float, local: bool, read_timeout_s: float = 0.0
) -> StudioError:
    """The StudioError for a requests/urllib3/socket failure (no reply, or a broken one).

    `host` is the server's host[:port]; `local` says it is a loopback server (waves-local);
    `timeout_s` is the connect timeout and `read_timeout_s` the longest silence allowed.
    """
    import requests

    where = f"the local server at {host}" if local else host
    if isinstance(exc, requests.exceptions.SSLError):
        return NetworkError(
            f"A secure connection to {host} could not be made (TLS/certificate problem). Check "
            "the system clock and any proxy, then retry."
        )
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return RequestTimeoutError(
            f"Could not reach {where} within {seconds_text(timeout_s)}. Check your connection."
        )
    if isinstance(exc, requests.exceptions.ReadTimeout | TimeoutError):
        return RequestTimeoutError(
            f"{where[:1].upper() if local else where[:1]}{where[1:]} stopped answering for "
            f"{seconds_text(read_timeout_s or timeout_s)}. Try "
            "again; if it keeps happening, try a shorter text."
        )
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return StreamInterruptedError(
            f"The connection to {where} broke before all the audio arrived. Try again."
        )
    text = str(exc)
    if "Name or service not known" in text or "getaddrinfo" in text or "NameResolution" in text:
        return NetworkError(f"Could not find {host}. Check your internet connection or DNS.")
    if "Connection refused" in text or "NewConnectionError" in text:
        if local:
            return NetworkError(f"Nothing is listening at {host}: the local server is not running.")
        return NetworkError(f"{host} refused the connection. Check your connection and retry.")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return StreamInterruptedError(
            f"The connection to {where} broke. Check your connection and try again."
        )
    return NetworkError(f"Could not talk to {where}. Check your connection and retry.")


def too_large(host: str) -> ResponseTooLargeError:
    """The error for a reply past RESPONSE_MAX_BYTES."""
    return ResponseTooLargeError(
        f"The server at {host} sent more than {RESPONSE_MAX_BYTES // (1024 * 1024)} MB for one "
        "request, more than any reply can hold, so the studio stopped reading. Check the "
        "server address."
    )
