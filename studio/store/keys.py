"""Content addresses for renders: one sha256 over everything that changes the audio."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from studio.core.errors import ValidationError
from studio.core.models import PronunciationDict
from studio.core.render import RenderSpec

# Bump when the encoding below changes; old cache entries then simply stop matching.
KEY_VERSION = 1

DictionaryContent = Mapping[str, Sequence[tuple[str, str]]]


def rules_by_id(
    dictionaries: Iterable[PronunciationDict],
) -> dict[str, list[tuple[str, str]]]:
    """The `{id: [(word, pronunciation), …]}` mapping `render_key` wants, from API objects."""
    return {d.id: [(item.word, item.pronunciation) for item in d.items] for d in dictionaries}


def render_key(
    backend: str,
    spec: RenderSpec,
    text: str,
    dictionary_content: DictionaryContent | None,
) -> str:
    """The cache key of a render: equal inputs give equal keys, any change gives another key.

    The key covers the backend identity, every request setting, the text exactly as typed (no
    whitespace or Unicode normalisation: the server may read them differently) and the *rules* of
    each applied dictionary in the order the request applies them. Dictionary ids are left out,
    so the same rules under another id share a key, while editing one rule changes it.

    Args:
        backend: Who renders, e.g. "cloud:https://api.smallest.ai" or "local:auto".
        spec: The render settings.
        text: The whole text.
        dictionary_content: The rules of (at least) every dictionary in `spec.dictionary_ids`.

    Returns:
        64 lowercase hex digits.

    Raises:
        ValidationError: a dictionary the spec applies has no content here. Caching by id alone
            could replay audio made with rules that have since changed, so it is refused.
    """
    applied = _applied_rules(spec.dictionary_ids, dictionary_content)
    payload = {
        "v": KEY_VERSION,
        "backend": backend,
        "model": spec.model,
        "voice_id": spec.voice_id,
        "language": spec.language,
        # float() so that speed=1 and speed=1.0 agree; repr of a float is stable since 3.1.
        "speed": float(spec.speed),
        "sample_rate": int(spec.sample_rate),
        "output_format": spec.output_format,
        "text": text,
        "dictionaries": applied,
    }
    return _sha256_json(payload)


def dictionary_hash(
    dictionary_content: DictionaryContent | None, dictionary_ids: Sequence[str] | None = None
) -> str:
    """A hash of dictionary rules as they were at render time, kept with each take.

    Args:
        dictionary_content: `{id: [(word, pronunciation), …]}`.
        dictionary_ids: Which dictionaries, in order; default: all of `dictionary_content`
            in its own order.

    Returns:
        64 hex digits, or "" when no dictionary was applied.

    Raises:
        ValidationError: an id in `dictionary_ids` has no content.
    """
    ids = list(dictionary_ids) if dictionary_ids is not None else list(dictionary_content or {})
    if not ids:
        return ""
    return _sha256_json({"v": KEY_VERSION, "dictionaries": _applied_rules(ids, dictionary_content)})


def _applied_rules(ids: Sequence[str], content: DictionaryContent | None) -> list[list[list[str]]]:
    """The rule lists of `ids`, in order, as plain JSON lists."""
    rules: list[list[list[str]]] = []
    for dict_id in ids:
        if content is None or dict_id not in content:
            raise ValidationError(
                f"The rules of pronunciation dictionary {dict_id} are not loaded, so this render "
                "cannot be matched with the cache. Refresh the dictionaries and try again.",
                "pronunciation_dicts",
            )
        rules.append([[str(word), str(said)] for word, said in content[dict_id]])
    return rules


def _sha256_json(payload: dict[str, Any]) -> str:
    """sha256 of canonical JSON: sorted keys, no spaces, ASCII escapes (byte-stable anywhere)."""
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(encoded.encode("ascii")).hexdigest()


_KEY = re.compile(r"[0-9a-f]{64}")  # no \Z games: fullmatch, and [0-9a-f] is ASCII only


def is_key(value: str) -> bool:
    """True for a well-formed key (64 lowercase hex digits): safe to use in a file name."""
    return _KEY.fullmatch(value) is not None
