"""Voice-clone creation (§6.1) from an encoded sample, plain-language errors, status polling."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from studio.api.client import WavesClient
from studio.api.multipart import ProgressBody, ProgressCallback, multipart_body
from studio.core import contract as c
from studio.core.errors import (
    ApiError,
    CancelledError,
    NetworkError,
    ProtocolError,
    RequestTimeoutError,
    StreamInterruptedError,
    StudioError,
    ValidationError,
)
from studio.core.models import Voice

SETTLED = ("completed", "failed")
DASHBOARD_URL = "https://app.smallest.ai/waves/voice-cloning"
UPLOAD_TIMEOUT_S = 300.0  # 5 MB over a slow uplink, plus the service's own processing


@dataclass(frozen=True)
class CloneSpec:
    """What the user asked for, besides the sample.

    Attributes:
        display_name: 1–500 characters.
        language: A lightning-v3.1 language code (`en`, `hi`).
        accent, description: Free text; left out of the upload when empty.
        tags: Sent comma-separated.
        model: `lightning-v3.1` or `lightning-v3.1-pro` (hyphen form, §1.5).
    """

    display_name: str
    language: str = c.DEFAULT_LANGUAGE
    accent: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    model: str = c.CLONE_MODELS[0]

    def validate(self) -> None:
        """Raise ValidationError for what the server would refuse anyway."""
        if not 1 <= len(self.display_name.strip()) <= c.CLONE_NAME_MAX_CHARS:
            raise ValidationError("Give the clone a name of 1–500 characters.", "displayName")
        if self.language not in c.LANGUAGE_CODES[:20]:  # the lightning-v3.1 languages (§6.1)
            raise ValidationError(f"Clones cannot be made in '{self.language}'.", "language")
        if self.model not in c.CLONE_MODELS:
            raise ValidationError(f"Unknown clone model '{self.model}'.", "model")


def create_clone(
    client: WavesClient,
    spec: CloneSpec,
    data: bytes,
    mime: str,
    filename: str,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Voice:
    """Upload an encoded sample and create the clone; errors are plain-language StudioErrors.

    The upload is never retried after its first byte left (a create is not idempotent); a
    cut connection says so, and the caller still holds the sample to try again.
    """
    spec.validate()
    if mime not in c.CLONE_MIME_TYPES:
        raise ValidationError(f"The service does not take {mime} files; send WAV or MP3.")
    if len(data) > c.CLONE_MAX_BYTES:
        raise ValidationError("The sample is larger than 5 MB. Trim it to 5–15 s of speech.")
    fields = {
        "displayName": spec.display_name.strip(),
        "language": spec.language,
        "model": spec.model,
        "accent": spec.accent.strip(),
        "description": spec.description.strip(),
        "tags": ", ".join(t.strip() for t in spec.tags if t.strip()),
    }
    body, content_type = multipart_body(
        {k: v for k, v in fields.items() if v}, ("file", filename, mime, data)
    )
    try:
        reply = client.transport.request(
            "POST",
            "/waves/v1/voice-cloning",
            idempotent=False,
            cancel=cancel,
            total_timeout_s=UPLOAD_TIMEOUT_S,
            data=ProgressBody(body, progress),
            headers={"Content-Type": content_type},
        )
    except StudioError as exc:
        raise clone_error(exc) from exc
    try:
        made = reply.json().get("data")
    except (ValueError, AttributeError):
        made = None
    if not isinstance(made, dict) or not made.get("voiceId"):
        raise ProtocolError("The server did not return the new clone.")
    # The create reply (§6.1) has no accent or tags: take them from what was sent.
    sent = {**fields, "tags": [t.strip() for t in spec.tags if t.strip()]}
    return Voice.from_clone({**sent, **made})


def clone_error(exc: StudioError) -> StudioError:
    """The clone endpoint's errors (§6.1) in plain language; others unchanged."""
    if isinstance(exc, CancelledError):
        return exc
    if isinstance(exc, StreamInterruptedError | NetworkError):
        return StreamInterruptedError(
            "The connection broke during the upload. Your sample is kept: try again. (If the "
            "clone was made before the break, it shows up in the voice list.)"
        )
    if isinstance(exc, RequestTimeoutError):
        return RequestTimeoutError(
            "The upload took too long and was stopped. Your sample is kept: try again."
        )
    if not isinstance(exc, ApiError):
        return exc
    text = str(exc).lower()
    if exc.status == 413 or (exc.status == 400 and ("5 mb" in text or "large" in text)):
        message = "The sample is larger than the 5 MB the service takes. Trim it and try again."
    elif exc.status == 400 and "limit" in text:
        message = (
            "You have made as many clones as your plan allows. Upgrade the plan, or remove an "
            f"old clone in the dashboard ({DASHBOARD_URL})."
        )
    elif exc.status == 400 and ("type" in text or "mime" in text or "format" in text):
        message = "The service did not accept the audio type. Import a WAV or MP3 file instead."
    elif exc.status == 400 and "language" in text:
        message = "The service cannot clone voices in this language. Choose another language."
    elif exc.status >= 500 and "timeout" in exc.error_type:
        message = (
            "The service took too long to make the clone, so none was made. Your sample is "
            "kept: try again in a minute."
        )
    elif exc.status >= 500:
        message = (
            "The service could not make a clone from this sample. Try again; if it keeps "
            "failing, record a cleaner sample."
        )
    else:
        return exc
    return ApiError(message, exc.status, exc.error_type, exc.request_id)


def wait_until_settled(
    list_clones: Callable[[threading.Event | None], list[Voice]],
    voice_id: str,
    *,
    cancel: threading.Event | None = None,
    first_delay_s: float = 1.0,
    max_delay_s: float = 30.0,
    timeout_s: float = 600.0,
    on_status: Callable[[str], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Voice:
    """Poll the clone list with doubling delays until the clone is completed or failed.

    Raises:
        CancelledError: `cancel` was set (the wait wakes at once).
        RequestTimeoutError: still not settled after `timeout_s`.
    """
    waiter = cancel or threading.Event()
    deadline = clock() + timeout_s
    delay = first_delay_s
    last = ""
    while True:
        found = next((v for v in list_clones(cancel) if v.voice_id == voice_id), None)
        status = found.status if found is not None else "pending"
        if status != last and on_status is not None:
            on_status(status)
        last = status
        if found is not None and (status in SETTLED or not status):
            return found
        if clock() + delay > deadline:
            raise RequestTimeoutError(
                f"The clone is still {status} after {timeout_s / 60:.0f} minutes. It may finish "
                "later: refresh the voice list then."
            )
        if waiter.wait(delay):
            raise CancelledError()
        delay = min(delay * 2, max_delay_s)
