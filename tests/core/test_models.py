"""Core models validate exactly what the Waves contract allows."""

import dataclasses

import pytest

from studio.core import contract as c
from studio.core.errors import StudioError, ValidationError
from studio.core.models import (
    AudioClip,
    PronunciationDict,
    PronunciationItem,
    SynthesisRequest,
    Voice,
)


def test_defaults_match_the_contract() -> None:
    """A request with only text and voice carries the documented defaults."""
    body = SynthesisRequest("Hello.", "magnus").to_body()
    assert body["model"] == "lightning_v3.1"
    assert body["sample_rate"] == 44100 and body["speed"] == 1.0
    assert body["output_format"] == "pcm" and body["language"] == "en"
    assert "pronunciation_dicts" not in body
    assert c.is_valid_client_id(body["request_id"]) and c.is_valid_client_id(body["session_id"])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", ""),
        ("text", "   \n"),
        ("text", "x" * 251),
        ("voice_id", ""),
        ("model", "lightning-v3.1"),
        ("model", "lightning_v2"),
        ("language", "xx"),
        ("speed", 0.49),
        ("speed", 2.01),
        ("speed", float("nan")),
        ("sample_rate", 22050),
        ("output_format", "flac"),
        ("request_id", "has space"),
        ("session_id", "x" * 129),
        ("request_id", ""),
        ("pronunciation_dicts", ("",)),
    ],
)
def test_out_of_contract_values_are_refused(field: str, value: object) -> None:
    """Each invalid field raises a ValidationError naming that field."""
    with pytest.raises(ValidationError) as info:
        SynthesisRequest(**{"text": "Hi.", "voice_id": "magnus", field: value})
    assert info.value.field == field
    assert isinstance(info.value, StudioError) and info.value.user_message


def test_pro_only_languages_need_the_pro_model() -> None:
    """Japanese is a Pro language: refused on v3.1, accepted on Pro."""
    with pytest.raises(ValidationError):
        SynthesisRequest("こんにちは。", "magnus", language="ja")
    SynthesisRequest("こんにちは。", "magnus", model="lightning_v3.1_pro", language="ja")
    assert len(c.languages_for("lightning_v3.1")) == 21
    assert len(c.languages_for("lightning_v3.1_pro")) == 32


def test_edges_are_accepted() -> None:
    """The limits themselves are inside the contract."""
    SynthesisRequest(
        "x" * 250, "magnus", speed=0.5, sample_rate=8000, output_format="ulaw", request_id="a" * 128
    )
    SynthesisRequest("x", "magnus", speed=2.0, language="auto")


def test_request_is_frozen_and_with_text_makes_a_new_id() -> None:
    """Requests are immutable; with_text keeps settings and session but not the request id."""
    req = SynthesisRequest("One.", "magnus", speed=1.2, pronunciation_dicts=("a" * 24,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.text = "Two."  # type: ignore[misc]
    other = req.with_text("Two.")
    assert (other.text, other.speed, other.session_id) == ("Two.", 1.2, req.session_id)
    assert other.request_id != req.request_id
    assert other.to_body()["pronunciation_dicts"] == ["a" * 24]


def test_voice_from_api_tolerates_missing_tags() -> None:
    """A voice with no tags still loads; language names map to request codes."""
    bare = Voice.from_api({"voiceId": "x1"})
    assert (bare.display_name, bare.languages, bare.gender) == ("x1", (), "")
    full = Voice.from_api(
        {
            "voiceId": "meher",
            "displayName": "Meher",
            "tags": {
                "language": ["English", "hindi", "klingon"],
                "gender": "female",
                "accent": "indian",
            },
        }
    )
    assert full.language_codes == ("en", "hi")
    assert Voice.from_api(full.to_api()) == full


def test_clone_voice_and_dictionary_parse() -> None:
    """Clone list items and dictionaries parse from their documented JSON shapes."""
    clone = Voice.from_clone(
        {"voiceId": "voice_dLP5T67Qw7", "displayName": "Me", "language": "en", "tags": ["warm"]}
    )
    assert clone.is_clone and clone.languages == ("english",)
    d = PronunciationDict.from_api(
        {
            "id": "64f1234567890abcdef12345",
            "createdAt": "2023-09-01",
            "items": [{"word": "mysql", "pronunciation": "my-sequel"}],
        }
    )
    assert d.word_count == 1 and d.items[0] == PronunciationItem("mysql", "my-sequel")


def test_rules_need_both_sides() -> None:
    """A dictionary rule with an empty word or pronunciation is refused."""
    with pytest.raises(ValidationError):
        PronunciationItem("", "x")
    with pytest.raises(ValidationError):
        PronunciationItem("SQL", " ")


def test_clip_repr_is_short() -> None:
    """A clip's repr shows its size, not megabytes of bytes."""
    assert repr(AudioClip(b"\0" * 10_000, "pcm", 24000)).startswith("AudioClip(10000 bytes")
