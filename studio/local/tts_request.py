"""Parse and validate a synthesis body (§2.1 over HTTP and SSE, §4.2 over WebSocket)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from studio.core import contract as c
from studio.core.errors import ValidationError
from studio.core.validation import is_finite_number, validate_request_fields
from studio.local.jsonbody import BodyError, check_speakable
from studio.local.wire import WireError, invalid_request


@dataclass(frozen=True)
class TtsJob:
    """One validated synthesis request.

    Attributes:
        text: What to speak (may be empty on a WebSocket flush).
        voice_id, model, language, speed, sample_rate, output_format: As in the contract.
        pronunciation_dicts: Dictionary ids to apply, in order.
        session_id, request_id: The client's own ids ("" when absent), echoed back.
        continue_, flush: WebSocket buffering flags.
        max_buffer_flush_ms, complete_backoff_ms: WebSocket timers.
    """

    text: str
    voice_id: str
    model: str = c.DEFAULT_MODEL
    language: str = c.DEFAULT_LANGUAGE
    speed: float = c.DEFAULT_SPEED
    sample_rate: int = c.DEFAULT_SAMPLE_RATE
    output_format: str = c.DEFAULT_OUTPUT_FORMAT
    pronunciation_dicts: tuple[str, ...] = ()
    session_id: str = ""
    request_id: str = ""
    continue_: bool = False
    flush: bool = False
    max_buffer_flush_ms: int = 0
    complete_backoff_ms: int = 4000

    @property
    def model_slug(self) -> str:
        """The hyphen spelling analytics use (`lightning-v3.1-pro`)."""
        return self.model.replace("_", "-")


def _string(body: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise invalid_request(f"The '{name}' field is required.")
        return None
    if not isinstance(value, str):
        raise invalid_request(f"The '{name}' field must be a string.")
    return value


def _number(body: dict[str, Any], name: str, default: float, integer: bool = False) -> float:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not is_finite_number(value):
        raise invalid_request(f"The '{name}' field must be a number.")
    if integer and not float(value).is_integer():
        raise invalid_request(f"The '{name}' field must be a whole number.")
    return value


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise invalid_request(f"The '{name}' field must be true or false.")
    return value


def _client_id(body: dict[str, Any], name: str) -> str:
    value = _string(body, name)
    if value is None:
        return ""
    if not c.is_valid_client_id(value):
        raise invalid_request(
            f"The '{name}' field must be 1–{c.CLIENT_ID_MAX_CHARS} characters of letters, "
            "digits, '_', '-' or '.'."
        )
    return value


def _dict_ids(body: dict[str, Any]) -> tuple[str, ...]:
    value = body.get("pronunciation_dicts")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise invalid_request("The 'pronunciation_dicts' field must be an array of ids.")
    return tuple(value)


def parse_tts_body(body: Any, websocket: bool = False) -> TtsJob:
    """Validate a request body; unknown fields are ignored.

    Args:
        body: The decoded JSON.
        websocket: Allow empty or blank `text` (a flush or keep-alive) and read the WS knobs.

    Raises:
        WireError: 400 with `{"error": "InvalidRequest", "message": ...}`.
    """
    if not isinstance(body, dict):
        raise invalid_request("The request body must be a JSON object.")
    text = _string(body, "text", required=True) or ""
    try:
        check_speakable(text, "text")
    except BodyError as exc:
        raise invalid_request(str(exc)) from None
    voice_id = _string(body, "voice_id", required=True) or ""
    model = _string(body, "model") or c.DEFAULT_MODEL
    language = _string(body, "language")
    number_language = _string(body, "number_pronunciation_language")
    # §2.1: with `language` left out, number_pronunciation_language picks the language too.
    language = language or number_language or c.DEFAULT_LANGUAGE
    job = TtsJob(
        text=text,
        voice_id=voice_id,
        model=model,
        language=language,
        speed=float(_number(body, "speed", c.DEFAULT_SPEED)),
        sample_rate=int(_number(body, "sample_rate", c.DEFAULT_SAMPLE_RATE, integer=True)),
        output_format=_string(body, "output_format") or c.DEFAULT_OUTPUT_FORMAT,
        pronunciation_dicts=_dict_ids(body),
        session_id=_client_id(body, "session_id"),
        request_id=_client_id(body, "request_id"),
    )
    if websocket:
        job = _with_ws_fields(job, body)
    speakable = text if text.strip() or not websocket else "."  # a flush needs no text
    try:
        validate_request_fields(
            text=speakable,
            voice_id=voice_id,
            model=model,
            language=language,
            speed=job.speed,
            sample_rate=job.sample_rate,
            output_format=job.output_format,
            pronunciation_dicts=job.pronunciation_dicts,
        )
        if number_language is not None and number_language not in c.languages_for(model):
            raise ValidationError(
                f"The model {model} does not read numbers in '{number_language}'.",
                "number_pronunciation_language",
            )
    except ValidationError as exc:
        raise invalid_request(exc.user_message) from None
    return job


def _with_ws_fields(job: TtsJob, body: dict[str, Any]) -> TtsJob:
    flush_ms = _number(body, "max_buffer_flush_ms", 0, integer=True)
    backoff_ms = _number(body, "complete_backoff_ms", 4000)
    if not 0 <= flush_ms <= c.WS_MAX_BUFFER_FLUSH_MS_MAX:
        raise invalid_request(
            f"max_buffer_flush_ms must be between 0 and {c.WS_MAX_BUFFER_FLUSH_MS_MAX}."
        )
    if not 0 <= backoff_ms <= c.WS_COMPLETE_BACKOFF_MS_MAX:
        raise invalid_request(
            f"complete_backoff_ms must be between 0 and {c.WS_COMPLETE_BACKOFF_MS_MAX}."
        )
    return replace(
        job,
        continue_=_flag(body, "continue"),
        flush=_flag(body, "flush"),
        max_buffer_flush_ms=int(flush_ms),
        complete_backoff_ms=int(backoff_ms),
    )


def check_references(job: TtsJob, voice_known: bool, missing_dicts: list[str]) -> None:
    """Raise the documented `Invalid input data` 400 for an unknown voice or dictionary id."""
    if not voice_known:
        raise invalid_request(
            f"Invalid input data: voice_id '{job.voice_id}' is not a voice of this server. "
            "List the voices with GET /waves/v1/lightning-v3.1/get_voices."
        )
    if missing_dicts:
        raise invalid_request(
            "Invalid input data: pronunciation dictionary "
            f"{', '.join(repr(x) for x in missing_dicts)} does not exist."
        )


__all__ = ["TtsJob", "WireError", "check_references", "parse_tts_body"]
