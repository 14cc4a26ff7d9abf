"""render_key and dictionary_hash: any change to what shapes the audio changes the key."""

import hashlib
from dataclasses import replace

import pytest

from studio.core.errors import ValidationError
from studio.core.models import PronunciationDict, PronunciationItem
from studio.pipeline import RenderSpec
from studio.store.keys import dictionary_hash, is_key, render_key, rules_by_id

DICT_A = "64f1234567890abcdef12345"
DICT_B = "64f1234567890abcdef99999"
BASE_SPEC = RenderSpec(
    voice_id="emily",
    model="lightning_v3.1",
    language="en",
    speed=1.0,
    sample_rate=24000,
    output_format="wav",
    dictionary_ids=(DICT_A, DICT_B),
)
BASE_CONTENT = {
    DICT_A: [("mysql", "my-sequel"), ("API", "ay-pee-eye")],
    DICT_B: [("GIF", "jif")],
}
BASE = ("cloud:https://api.smallest.ai", BASE_SPEC, "The harbour at dawn.", BASE_CONTENT)


def _edited(**change):
    backend, spec, text, content = BASE
    backend = change.pop("backend", backend)
    text = change.pop("text", text)
    content = change.pop("content", content)
    return render_key(backend, replace(spec, **change), text, content)


# One entry per input that changes the audio: each must give a key of its own.
CHANGES = {
    "backend": {"backend": "local:auto"},
    "backend url": {"backend": "cloud:https://eu.api.smallest.ai"},
    "model": {"model": "lightning_v3.1_pro"},
    "voice": {"voice_id": "emilia"},
    "language": {"language": "hi"},
    "speed": {"speed": 1.05},
    "sample_rate": {"sample_rate": 44100},
    "output_format": {"output_format": "mp3"},
    "text": {"text": "The harbour at dusk."},
    "text whitespace": {"text": "The harbour at dawn. "},
    "text case": {"text": "the harbour at dawn."},
    "dictionary word edit": {
        "content": {**BASE_CONTENT, DICT_A: [("mysql", "my-sequel"), ("APl", "ay-pee-eye")]}
    },
    "dictionary pronunciation edit": {"content": {**BASE_CONTENT, DICT_B: [("GIF", "gif")]}},
    "dictionary rule order": {
        "content": {**BASE_CONTENT, DICT_A: [("API", "ay-pee-eye"), ("mysql", "my-sequel")]}
    },
    "dictionary rule added": {
        "content": {**BASE_CONTENT, DICT_B: [("GIF", "jif"), ("SQL", "sequel")]}
    },
    "dictionary order": {"dictionary_ids": (DICT_B, DICT_A)},
    "dictionary dropped": {"dictionary_ids": (DICT_A,)},
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_changing_any_single_input_changes_the_key(change) -> None:
    """Each field, and a one-character dictionary edit, gives a key different from the base."""
    assert _edited(**dict(change)) != render_key(*BASE)


def test_every_change_gives_a_distinct_key() -> None:
    """No two of the single-field edits collide either."""
    keys = [_edited(**dict(change)) for change in CHANGES.values()]
    assert len(set(keys)) == len(keys)


def test_equal_inputs_give_equal_keys() -> None:
    """Rebuilt-but-equal inputs (fresh objects, speed as int) give the same key."""
    spec = RenderSpec(
        voice_id="emily",
        sample_rate=24000,
        output_format="wav",
        speed=1,
        dictionary_ids=(DICT_A, DICT_B),
    )
    content = {k: list(v) for k, v in reversed(BASE_CONTENT.items())}
    assert render_key("cloud:https://api.smallest.ai", spec, "The harbour at dawn.", content) == (
        render_key(*BASE)
    )
    assert is_key(render_key(*BASE))


def test_key_is_stable_across_runs_and_versions() -> None:
    """The key is sha256 of this exact canonical JSON (version 1), so it never drifts."""
    spec = RenderSpec(voice_id="emily", sample_rate=24000, output_format="pcm", speed=1.25)
    canonical = (
        '{"backend":"local:auto","dictionaries":[],"language":"en","model":"lightning_v3.1",'
        '"output_format":"pcm","sample_rate":24000,"speed":1.25,"text":"Hi \\u00e9\\u0939.",'
        '"v":1,"voice_id":"emily"}'
    )
    expected = hashlib.sha256(canonical.encode("ascii")).hexdigest()
    assert render_key("local:auto", spec, "Hi éह.", None) == expected


def test_same_rules_under_another_id_share_a_key() -> None:
    """Dictionary ids do not matter, only their rules (a re-created dictionary still hits)."""
    other = "0123456789abcdef01234567"
    spec = replace(BASE_SPEC, dictionary_ids=(other, DICT_B))
    content = {other: BASE_CONTENT[DICT_A], DICT_B: BASE_CONTENT[DICT_B]}
    assert render_key(BASE[0], spec, BASE[2], content) == render_key(*BASE)


def test_dictionaries_not_applied_do_not_matter() -> None:
    """Content for dictionaries the spec does not apply is ignored."""
    extra = {**BASE_CONTENT, "ffffffffffffffffffffffff": [("x", "ex")]}
    assert render_key(BASE[0], BASE_SPEC, BASE[2], extra) == render_key(*BASE)


def test_missing_rules_by_id_is_refused() -> None:
    """Without the rules of an applied dictionary there is no safe key: a clear error."""
    with pytest.raises(ValidationError) as caught:
        render_key(BASE[0], BASE_SPEC, BASE[2], {DICT_A: BASE_CONTENT[DICT_A]})
    assert DICT_B in caught.value.user_message
    assert caught.value.field == "pronunciation_dicts"
    with pytest.raises(ValidationError):
        render_key(BASE[0], BASE_SPEC, BASE[2], None)


def test_dictionary_hash_tracks_rule_content() -> None:
    """The take's dictionary hash changes with a rule edit, and is empty with no dictionaries."""
    before = dictionary_hash(BASE_CONTENT)
    edited = {**BASE_CONTENT, DICT_B: [("GIF", "jiff")]}
    assert before != dictionary_hash(edited)
    assert before == dictionary_hash(BASE_CONTENT, [DICT_A, DICT_B])
    assert dictionary_hash(BASE_CONTENT, [DICT_B]) != before
    assert dictionary_hash(None) == ""
    assert dictionary_hash(BASE_CONTENT, []) == ""


def test_rules_by_id_from_api_objects() -> None:
    """PronunciationDict objects convert to the mapping render_key takes."""
    dicts = [PronunciationDict(DICT_A, (PronunciationItem("mysql", "my-sequel"),))]
    assert rules_by_id(dicts) == {DICT_A: [("mysql", "my-sequel")]}
