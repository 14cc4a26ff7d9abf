"""Immutable values the whole app passes around: voices, dictionaries, requests, clips and takes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from studio.core import contract as c
from studio.core.errors import ValidationError
from studio.core.validation import validate_request_fields


@dataclass(frozen=True)
class Voice:
    """A voice the API can speak with: a catalogue voice or one of the user's clones.

    Attributes:
        voice_id: What goes in a request's `voice_id`.
        display_name: Human name.
        languages: Lowercase language names from the voice's tags (`english`, `hindi`).
        accent, gender, age: Tags; empty when the API left them out.
        emotions, usecases: Tag lists.
        is_clone: True for the user's voice clones (`voice_…` ids).
        status: A clone's state (pending, processing, completed, failed); "" for others.
        created_at: A clone's ISO creation time; "" for others.
    """

    voice_id: str
    display_name: str
    languages: tuple[str, ...] = ()
    accent: str = ""
    gender: str = ""
    age: str = ""
    emotions: tuple[str, ...] = ()
    usecases: tuple[str, ...] = ()
    is_clone: bool = False
    status: str = ""
    created_at: str = ""

    @property
    def language_codes(self) -> tuple[str, ...]:
        """The request language codes of this voice's languages (unknown names are left out)."""
        return tuple(
            c.LANGUAGE_CODES_BY_NAME[name]
            for name in self.languages
            if name in c.LANGUAGE_CODES_BY_NAME
        )

    @classmethod
    def from_api(cls, obj: dict[str, Any]) -> Voice:
        """Build from a `get_voices` item (§5.1); missing tags become empty values."""
        tags = obj.get("tags") or {}
        return cls(
            voice_id=str(obj["voiceId"]),
            display_name=str(obj.get("displayName") or obj["voiceId"]),
            languages=tuple(str(x).lower() for x in tags.get("language") or ()),
            accent=str(tags.get("accent") or ""),
            gender=str(tags.get("gender") or ""),
            age=str(tags.get("age") or ""),
            emotions=tuple(str(x) for x in tags.get("emotions") or ()),
            usecases=tuple(str(x) for x in tags.get("usecases") or ()),
        )

    @classmethod
    def from_clone(cls, obj: dict[str, Any]) -> Voice:
        """Build from a `voice-cloning` list item (§6.2)."""
        language = str(obj.get("language") or "")
        return cls(
            voice_id=str(obj["voiceId"]),
            display_name=str(obj.get("displayName") or obj["voiceId"]),
            languages=(c.LANGUAGE_NAMES[language],) if language in c.LANGUAGE_NAMES else (),
            accent=str(obj.get("accent") or ""),
            usecases=tuple(str(x) for x in obj.get("tags") or ()),
            is_clone=True,
            status=str(obj.get("status") or ""),
            created_at=str(obj.get("createdAt") or ""),
        )

    def to_api(self) -> dict[str, Any]:
        """The `get_voices` item shape (§5.1)."""
        return {
            "voiceId": self.voice_id,
            "displayName": self.display_name,
            "tags": {
                "language": list(self.languages),
                "accent": self.accent,
                "gender": self.gender,
                "age": self.age,
                "emotions": list(self.emotions),
                "usecases": list(self.usecases),
            },
        }


def voices_speaking(voices: Sequence[Voice], language: str) -> list[Voice]:
    """The voices that speak `language` (a request code), in order; all of them if none does."""
    return [v for v in voices if language in v.language_codes] or list(voices)


@dataclass(frozen=True)
class PronunciationItem:
    """One dictionary rule: `word` (matched case-sensitively) is read as `pronunciation`."""

    word: str
    pronunciation: str

    def __post_init__(self) -> None:
        if not self.word.strip():
            raise ValidationError("A dictionary rule needs a word.", "word")
        if not self.pronunciation.strip():
            raise ValidationError(
                f"The rule for '{self.word}' needs a pronunciation.", "pronunciation"
            )

    def to_api(self) -> dict[str, str]:
        """The wire shape `{"word", "pronunciation"}`."""
        return {"word": self.word, "pronunciation": self.pronunciation}


@dataclass(frozen=True)
class PronunciationDict:
    """A pronunciation dictionary as the API stores it (§7). The API has no name field.

    Attributes:
        id: 24-hex id.
        items: The rules, in the server's order.
        created_at: ISO-8601 creation time, when the server sent it.
    """

    id: str
    items: tuple[PronunciationItem, ...] = ()
    created_at: str = ""

    @classmethod
    def from_api(cls, obj: dict[str, Any]) -> PronunciationDict:
        """Build from a dictionary JSON object."""
        return cls(
            id=str(obj["id"]),
            items=tuple(
                PronunciationItem(str(i["word"]), str(i["pronunciation"]))
                for i in obj.get("items") or ()
            ),
            created_at=str(obj.get("createdAt") or ""),
        )

    @property
    def word_count(self) -> int:
        """How many rules the dictionary holds."""
        return len(self.items)


def new_client_id(prefix: str) -> str:
    """A fresh request/session id that matches the contract's pattern (`take-1a2b…`)."""
    return f"{prefix}-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class SynthesisRequest:
    """One synthesis request as it goes over the wire (§2.1), validated on construction.

    Attributes:
        text: 1–250 characters of text (split longer text with `studio.core.text`).
        voice_id: Catalogue or clone voice id.
        model, language, speed, sample_rate, output_format: As the contract defines them.
        pronunciation_dicts: Dictionary ids to apply.
        request_id, session_id: Our ids, echoed back by the server.
    """

    text: str
    voice_id: str
    model: str = c.DEFAULT_MODEL
    language: str = c.DEFAULT_LANGUAGE
    speed: float = c.DEFAULT_SPEED
    sample_rate: int = c.DEFAULT_SAMPLE_RATE
    output_format: str = c.DEFAULT_OUTPUT_FORMAT
    pronunciation_dicts: tuple[str, ...] = ()
    request_id: str = field(default_factory=lambda: new_client_id("req"))
    session_id: str = field(default_factory=lambda: new_client_id("take"))

    def __post_init__(self) -> None:
        validate_request_fields(
            text=self.text,
            voice_id=self.voice_id,
            model=self.model,
            language=self.language,
            speed=self.speed,
            sample_rate=self.sample_rate,
            output_format=self.output_format,
            pronunciation_dicts=self.pronunciation_dicts,
        )
        for name in ("request_id", "session_id"):
            if not c.is_valid_client_id(getattr(self, name)):
                raise ValidationError(
                    f"{name} must be 1–{c.CLIENT_ID_MAX_CHARS} letters, digits, '_', '-' or '.'.",
                    name,
                )

    def with_text(self, text: str) -> SynthesisRequest:
        """The same settings for another piece of text, with a new request id."""
        return replace(self, text=text, request_id=new_client_id("req"))

    def to_body(self) -> dict[str, Any]:
        """The JSON body for `/waves/v1/tts` and `/waves/v1/tts/live`."""
        body: dict[str, Any] = {
            "text": self.text,
            "voice_id": self.voice_id,
            "model": self.model,
            "language": self.language,
            "speed": self.speed,
            "sample_rate": self.sample_rate,
            "output_format": self.output_format,
            "request_id": self.request_id,
            "session_id": self.session_id,
        }
        if self.pronunciation_dicts:
            body["pronunciation_dicts"] = list(self.pronunciation_dicts)
        return body


@dataclass(frozen=True)
class AudioClip:
    """Audio as the API returned it, in its original encoding (saved without re-encoding).

    Attributes:
        data: The encoded bytes (raw PCM, WAV, MP3, μ-law or A-law).
        output_format: One of the contract's output formats.
        sample_rate: Hz.
        request_id: Our request id (the body's).
        server_request_id: The server's X-Request-Id, for support tickets.
    """

    data: bytes
    output_format: str
    sample_rate: int
    request_id: str = ""
    server_request_id: str = ""

    def __repr__(self) -> str:
        return (
            f"AudioClip({len(self.data)} bytes, {self.output_format}, {self.sample_rate} Hz, "
            f"request_id={self.request_id!r})"
        )


@dataclass(frozen=True)
class Take:
    """One render kept in the history, with everything needed to reproduce or explain it.

    Attributes:
        take_id: Database id (0 before it is stored).
        created_at: ISO-8601 UTC.
        text, voice_id, model, language, speed, sample_rate, output_format: Request settings.
        dictionary_ids: Dictionaries applied; dictionary_hash: hash of their content then.
        request_id, session_id: Our ids; backend: "cloud" or "local".
        duration_s: Audio length; audio_path: the stored clip; stars: 0–5 rating.
    """

    take_id: int
    created_at: str
    text: str
    voice_id: str
    model: str
    language: str
    speed: float
    sample_rate: int
    output_format: str
    dictionary_ids: tuple[str, ...]
    dictionary_hash: str
    request_id: str
    session_id: str
    backend: str
    duration_s: float
    audio_path: str
    stars: int = 0
