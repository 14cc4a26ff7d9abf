"""The StudioError hierarchy: every failure a user can meet, with a message that says what next."""

from __future__ import annotations


class StudioError(Exception):
    """Base of every error the app shows to a user.

    Attributes:
        user_message: One or two sentences for the user: what happened and what to do next.
            Never holds the API key or a Python repr.
    """

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.user_message!r})"


class ValidationError(StudioError):
    """A request or setting the app refuses before anything is sent (empty text, bad speed…).

    Attributes:
        field: The name of the offending field, as the wire contract spells it.
    """

    def __init__(self, user_message: str, field: str = "") -> None:
        super().__init__(user_message)
        self.field = field


class AuthError(StudioError):
    """The server refused the API key (401) or the key may not do this (403)."""

    def __init__(self, user_message: str = "", status: int = 401) -> None:
        super().__init__(
            user_message
            or "The Waves API refused the API key. Check it in Tools > API key…, or use the "
            "offline voices."
        )
        self.status = status


class RateLimitedError(StudioError):
    """The server said 429 and retries did not get through.

    Attributes:
        retry_after: Seconds the server asked us to wait, when it said so.
    """

    def __init__(self, user_message: str = "", retry_after: float | None = None) -> None:
        wait = (
            f" Try again in {readable_duration(retry_after)}."
            if retry_after
            else (" Try again shortly.")
        )
        super().__init__(
            user_message or "Waves is busy: every concurrency slot of your plan is in use." + wait
        )
        self.retry_after = retry_after


def readable_duration(seconds: float) -> str:
    """A wait as a person says it: "45 s", "3 min", "5 h", "11 days"."""
    if seconds >= 2 * 86400:
        return f"{int(seconds // 86400)} days"  # whole days: 11.6 days reads "11 days"
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


class NetworkError(StudioError):
    """The server could not be reached or the connection broke."""


class RequestTimeoutError(NetworkError):
    """The server did not answer within the deadline."""


class StreamInterruptedError(NetworkError):
    """A streamed reply stopped before its end marker: the audio is incomplete."""


class ApiError(StudioError):
    """The server answered with an error status we have no better class for.

    Attributes:
        status: The HTTP status code.
        error_type: The `error` field of the server's JSON body, when it had one.
        request_id: The server's X-Request-Id, to quote in a support ticket.
    """

    def __init__(
        self, user_message: str, status: int, error_type: str = "", request_id: str = ""
    ) -> None:
        super().__init__(user_message)
        self.status = status
        self.error_type = error_type
        self.request_id = request_id


class ProtocolError(ApiError):
    """The server sent something the contract does not allow (wrong content type, bad frame)."""

    def __init__(self, user_message: str, status: int = 200) -> None:
        super().__init__(user_message, status)


class ResponseTooLargeError(ProtocolError):
    """A reply went past the size any honest reply can have (contract.RESPONSE_MAX_BYTES)."""


class RedirectError(ApiError):
    """The server redirected to another origin, which the client never follows.

    Attributes:
        location: Where it pointed (already made safe to show).
    """

    def __init__(self, location: str, status: int) -> None:
        super().__init__(
            f"The server redirected to {location}, which is not the Waves API; check the "
            "server address.",
            status,
        )
        self.location = location


class CancelledError(StudioError):
    """The user cancelled the operation; not shown as an error."""

    def __init__(self, user_message: str = "Cancelled.") -> None:
        super().__init__(user_message)


class AudioDeviceError(StudioError):
    """No audio output, the device is busy, or it went away while playing."""


class DecodeError(StudioError):
    """Audio bytes that are corrupt, truncated or not in the format they claim."""


class ExportError(StudioError):
    """A clip could not be saved (permissions, disk full, bad folder)."""


class FileExistsExportError(ExportError):
    """The target file exists and the caller did not allow overwriting it.

    Attributes:
        path: The existing file.
    """

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} already exists. Choose another name or allow overwriting.")
        self.path = path


class SecretStoreError(StudioError):
    """The OS keyring is missing, locked or broken."""


class StoreError(StudioError):
    """The takes history or render cache could not be read or written."""
