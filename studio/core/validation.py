"""Checks of synthesis request fields against the Waves contract (§2.1), for app and server."""

from __future__ import annotations

import math

from studio.core import contract as c
from studio.core.errors import ValidationError


def validate_request_fields(
    *,
    text: str,
    voice_id: str,
    model: str,
    language: str,
    speed: float,
    sample_rate: int,
    output_format: str,
    pronunciation_dicts: tuple[str, ...] = (),
) -> None:
    """Raise ValidationError, naming the field, for any value the contract does not allow."""
    if not text.strip():
        raise ValidationError("There is no text to speak. Type a line first.", "text")
    if len(text) > c.TEXT_MAX_CHARS:
        raise ValidationError(
            f"One request can hold at most {c.TEXT_MAX_CHARS} characters (this one has "
            f"{len(text)}). Split the text at sentence boundaries.",
            "text",
        )
    if not voice_id.strip():
        raise ValidationError("Pick a voice first.", "voice_id")
    if model not in c.TTS_MODELS:
        raise ValidationError(
            f"Unknown model '{model}'. Choose one of: {', '.join(c.TTS_MODELS)}.", "model"
        )
    if language not in c.languages_for(model):
        raise ValidationError(f"The model {model} does not speak '{language}'.", "language")
    if not (is_finite_number(speed) and c.SPEED_MIN <= speed <= c.SPEED_MAX):
        raise ValidationError(
            f"Speed must be between {c.SPEED_MIN} and {c.SPEED_MAX} (got {speed}).", "speed"
        )
    if sample_rate not in c.SAMPLE_RATES:
        raise ValidationError(
            f"Sample rate must be one of {', '.join(map(str, c.SAMPLE_RATES))} Hz.",
            "sample_rate",
        )
    if output_format not in c.OUTPUT_FORMATS:
        raise ValidationError(
            f"Output format must be one of: {', '.join(c.OUTPUT_FORMATS)}.", "output_format"
        )
    for dict_id in pronunciation_dicts:
        if not dict_id.strip():
            raise ValidationError("A pronunciation dictionary id is empty.", "pronunciation_dicts")


def is_finite_number(value: float) -> bool:
    """False for NaN, infinities and integers too large for a float."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False
