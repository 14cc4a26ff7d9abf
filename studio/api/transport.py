"""One pooled HTTP session with deadlines, bounded retries and cancel that frees the socket."""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
import urllib3

from studio import __version__
from studio.api.guard import CallGuard, TrackedAdapter, seconds_text
from studio.api.safety import check_redirect, is_loopback_host
from studio.api.session_env import settle_environment
from studio.api.wire_errors import (
    error_from_response,
    error_from_transport,
    parse_retry_after,
    too_large,
)
from studio.core.contract import RESPONSE_MAX_BYTES
from studio.core.errors import (
    CancelledError,
    ProtocolError,
    RateLimitedError,
    RequestTimeoutError,
    StreamInterruptedError,
    StudioError,
)

log = logging.getLogger(__name__)
MAX_REDIRECTS = 3  # same-origin hops (a moved route); other origins are never followed


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how long to retry. Delays double from `base_delay_s` with ±20 % jitter.

    Attributes:
        max_attempts: Tries in all, the first included.
        base_delay_s: First backoff for 5xx and connection failures.
        max_delay_s: Cap on any single wait (Retry-After included).
    """

    max_attempts: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0

    def backoff(self, attempt: int) -> float:
        """The wait before retry number `attempt` (1-based)."""
        delay = min(self.base_delay_s * 2 ** (attempt - 1), self.max_delay_s)
        return float(delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not security


def _retryable_status(status: int) -> bool:
    return status == 429 or status in (500, 502, 503, 504)


class Transport:
    """HTTP for the Waves client: one keep-alive session, timeouts, retries, cancel, deadlines.

    Attributes:
        base_url: Validated server origin, no trailing slash.
        connect_timeout_s, read_timeout_s: Per-connection and per-gap timeouts.
        retry: The RetryPolicy.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        session: requests.Session | None = None,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 30.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.base_url = base_url
        parsed = urllib3.util.parse_url(base_url)
        self.host = parsed.netloc or base_url
        self._local = is_loopback_host(parsed.host or "")
        self._api_key = api_key
        self.connect_timeout_s = connect_timeout_s
        self.read_timeout_s = read_timeout_s
        self.retry = retry or RetryPolicy()
        self.session = session or requests.Session()
        settle_environment(self.session, base_url)  # proxies and CA bundle: once, not per call
        adapter = TrackedAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = f"waves-studio/{__version__}"

    def __repr__(self) -> str:
        return f"Transport({self.base_url!r}, key={'set' if self._api_key else 'none'})"

    def auth_headers(self) -> dict[str, str]:
        """The Authorization header (empty without a key)."""
        return {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        cancel: threading.Event | None = None,
        total_timeout_s: float = 120.0,
        **kwargs: Any,
    ) -> requests.Response:
        """Send a request and return the whole reply (body read) or raise a StudioError."""
        with self.open(
            method,
            path,
            idempotent=idempotent,
            cancel=cancel,
            total_timeout_s=total_timeout_s,
            **kwargs,
        ) as (response, guard):
            body = bytearray()
            for piece in self.iter_body(response, guard):
                body.extend(piece)
            response._content = bytes(body)
            return response

    @contextmanager
    def open(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        cancel: threading.Event | None = None,
        total_timeout_s: float = 120.0,
        deadline: float | None = None,
        **kwargs: Any,
    ) -> Iterator[tuple[requests.Response, CallGuard]]:
        """Open a streamed 2xx reply; retries 429 always and 5xx/connect errors if idempotent.

        `deadline` (a time.monotonic() value) ends the call, retries included; without it the
        call gets `total_timeout_s` from now. Either way `total_timeout_s` is the figure quoted
        when time runs out.

        Yields:
            (response, guard): read the body with `iter_body(response, guard)`.
        """
        at = time.monotonic() + total_timeout_s if deadline is None else deadline
        guard = CallGuard(cancel, at, total_timeout_s)
        with guard:
            response = self._send_with_retries(method, path, idempotent, guard, kwargs)
            try:
                yield response, guard
            finally:
                response.close()

    def iter_body(self, response: requests.Response, guard: CallGuard) -> Iterator[bytes]:
        """Yield body bytes as they arrive; a cut-off body raises StreamInterruptedError.

        Raises:
            ResponseTooLargeError: the body passed RESPONSE_MAX_BYTES (the read stops there).
        """
        received = 0
        while True:
            try:
                piece = response.raw.read1(65536)
            except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
                guard.check()
                raise self._translate(exc) from exc
            if not piece:
                guard.check()
                return
            received += len(piece)
            if received > RESPONSE_MAX_BYTES:
                raise too_large(self.host)
            yield piece

    def _send_with_retries(
        self, method: str, path: str, idempotent: bool, guard: CallGuard, kwargs: dict[str, Any]
    ) -> requests.Response:
        headers = {**self.auth_headers(), **kwargs.pop("headers", {})}
        url = f"{self.base_url}{path}"
        attempt = redirects = 0
        while True:
            attempt += 1
            guard.check()
            body = kwargs.get("data")
            if body is not None and hasattr(body, "seek"):
                body.seek(0)  # a retried upload starts from its first byte again
            try:
                response = self.session.request(
                    method,
                    url,
                    headers=headers,
                    stream=True,
                    timeout=(self.connect_timeout_s, self.read_timeout_s),
                    allow_redirects=False,  # followed below, and only within this origin
                    **kwargs,
                )
            except requests.RequestException as exc:
                guard.check()
                error = self._translate(exc)
                stalled = isinstance(exc, requests.exceptions.ReadTimeout)  # no retry: fail early
                delay = self.retry.backoff(attempt)
                if (
                    attempt < self.retry.max_attempts
                    and not stalled
                    and (idempotent or _never_sent(exc))
                    and time.monotonic() + delay < guard.deadline
                ):
                    log.info("%s %s failed (%s); retrying", method, path, type(error).__name__)
                    interruptible_sleep(delay, guard.cancel)
                    continue
                raise error from exc
            if response.status_code < 300:
                return response
            if response.status_code < 400 and response.headers.get("Location"):
                response.close()
                location = response.headers["Location"]
                url = check_redirect(self.base_url, url, location, response.status_code)
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    status = response.status_code
                    raise ProtocolError("The server redirected too many times.", status)
                attempt -= 1  # a redirect within the server is not a failed try
                continue
            body = _read_error_body(response)
            error = error_from_response(response.status_code, response.headers, body, self.host)
            retry = _retryable_status(response.status_code) and (
                idempotent or response.status_code == 429
            )
            if retry and attempt < self.retry.max_attempts:
                wait = parse_retry_after(response.headers)
                if wait is not None and wait > self.retry.max_delay_s:
                    raise error  # not worth waiting for; the message quotes the server's figure
                delay = wait if wait is not None else self.retry.backoff(attempt)
                status = response.status_code
                log.info("%s %s -> %d; retry %d in %.2fs", method, path, status, attempt, delay)
                if time.monotonic() + delay >= guard.deadline:
                    raise error
                interruptible_sleep(delay, guard.cancel)
                continue
            raise error

    def _translate(self, exc: BaseException) -> StudioError:
        if isinstance(exc, StudioError):
            return exc
        if isinstance(exc, urllib3.exceptions.ReadTimeoutError | TimeoutError | socket.timeout):
            return RequestTimeoutError(
                f"{self.host} stopped sending for {seconds_text(self.read_timeout_s)}. Try again."
            )
        if isinstance(exc, urllib3.exceptions.HTTPError | OSError | ValueError) and not isinstance(
            exc, requests.RequestException
        ):
            return StreamInterruptedError(
                f"The connection to {self.host} broke before all the data arrived. Try again."
            )
        return error_from_transport(
            exc, self.host, self.connect_timeout_s, self._local, self.read_timeout_s
        )


def _never_sent(exc: BaseException) -> bool:
    """True when the request provably never reached the server (safe to retry a create)."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(
        reason,
        urllib3.exceptions.NewConnectionError
        | urllib3.exceptions.ConnectTimeoutError
        | urllib3.exceptions.NameResolutionError,
    )


def _read_error_body(response: requests.Response, limit: int = 64 * 1024) -> bytes:
    try:
        return bytes(response.raw.read(limit) or b"")
    except Exception:  # an error body that breaks off is still an error reply
        return b""
    finally:
        response.close()


def interruptible_sleep(seconds: float, cancel: threading.Event | None) -> None:
    """Wait `seconds`; raise CancelledError as soon as `cancel` is set."""
    if cancel is None:
        time.sleep(seconds)
    elif cancel.wait(seconds):
        raise CancelledError()


__all__ = ["CallGuard", "RateLimitedError", "RetryPolicy", "Transport"]
