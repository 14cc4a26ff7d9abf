"""WavesClient voices, clones, dictionaries, health, and the key kept out of errors."""

import wave
from pathlib import Path

import numpy as np
import pytest

from studio.api.client import WavesClient
from studio.api.transport import RetryPolicy
from studio.core.errors import (
    ApiError,
    StudioError,
    ValidationError,
)
from studio.core.models import PronunciationItem
from tests.api.helpers import KEY, make_request


# --- voices, clones, dictionaries -----------------------------------------------------------------
def test_voices_are_cached_until_refreshed(waves_local) -> None:
    """A second voices() within the TTL makes no request; refresh=True and TTL expiry do."""
    client = WavesClient(waves_local.base_url, KEY, voices_ttl_s=60)
    waves_local.stats.reset()
    path = "/waves/v1/lightning-v3.1/get_voices"
    first = client.voices()
    assert client.voices() == first and waves_local.stats.requests(path) == 1
    client.voices(refresh=True)
    assert waves_local.stats.requests(path) == 2
    expiring = WavesClient(waves_local.base_url, KEY, voices_ttl_s=0)
    expiring.voices()
    expiring.voices()
    assert waves_local.stats.requests(path) == 4
    assert {"tone-alto", "tone-bass", "tone-soprano"} <= {v.voice_id for v in first}


def _wav_file(path: Path, seconds: float = 6.0, rate: int = 16000) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    pcm = (np.sin(2 * np.pi * 220 * t) * 12000).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def test_clone_upload_reports_progress_and_lists(client, tmp_path) -> None:
    """Creating a clone uploads with progress up to 100 % and it then appears in the list."""
    progress: list[tuple[int, int]] = []
    clone = client.create_clone(
        "My narrator",
        _wav_file(tmp_path / "me.wav"),
        language="en",
        tags=("warm", "test"),
        progress=lambda d, t: progress.append((d, t)),
    )
    assert clone.is_clone and clone.voice_id.startswith("voice_")
    assert progress and progress[-1][0] == progress[-1][1] > 100_000
    assert clone.voice_id in {v.voice_id for v in client.clones()}
    clip = client.synthesize(make_request(voice_id=clone.voice_id, text="Cloned hello."))
    assert clip.data


def test_clone_validation_happens_before_upload(client, waves_local, tmp_path) -> None:
    """An oversized or unnamed sample is refused locally, without a request."""
    big = tmp_path / "big.wav"
    big.write_bytes(b"\0" * (5 * 1024 * 1024 + 1))
    waves_local.stats.reset()
    with pytest.raises(ValidationError, match="5 MB"):
        client.create_clone("Big", big)
    with pytest.raises(ValidationError):
        client.create_clone("  ", _wav_file(tmp_path / "x.wav"))
    assert waves_local.stats.requests("/waves/v1/voice-cloning") == 0


def test_dictionary_lifecycle_and_effect(client) -> None:
    """Create, list, update, apply (audio changes) and delete a dictionary."""
    text = "Say SQL again."
    plain = client.synthesize(make_request(text=text)).data
    created = client.create_dictionary([PronunciationItem("SQL", "sequel")])
    assert created.id in {d.id for d in client.dictionaries()}
    ruled = client.synthesize(make_request(text=text, pronunciation_dicts=(created.id,))).data
    assert ruled != plain
    updated = client.update_dictionary(
        created.id, [PronunciationItem("SQL", "ess queue ell"), PronunciationItem("GUI", "gooey")]
    )
    assert [i.word for i in updated.items] == ["SQL", "GUI"]
    client.delete_dictionary(created.id)
    assert created.id not in {d.id for d in client.dictionaries()}
    with pytest.raises(ApiError):
        client.update_dictionary(created.id, [PronunciationItem("A", "b")])
    with pytest.raises(ValidationError):
        client.create_dictionary([])


def test_health_needs_no_key(waves_local) -> None:
    """Health answers without a key."""
    assert WavesClient(waves_local.base_url, None).health()["status"] == "ok"


def test_key_never_appears_in_errors(waves_local, waves_local_faults) -> None:
    """Whatever fails, the key is in no exception text, message or repr."""
    secret = "sk_this_is_secret_987654321"
    client = WavesClient(waves_local.base_url, secret, retry=RetryPolicy(max_attempts=1))
    failures: list[BaseException] = []
    for call in (
        lambda: client.voices(refresh=True),
        lambda: client.synthesize(make_request()),
        lambda: client.synthesize(make_request(), "ws"),
    ):
        try:
            call()
        except StudioError as exc:
            failures.append(exc)
    waves_local_faults("status=500")
    good = WavesClient(waves_local.base_url, KEY, retry=RetryPolicy(max_attempts=1))
    try:
        good.voices(refresh=True)
    except StudioError as exc:
        failures.append(exc)
    assert len(failures) == 4
    for exc in failures:
        for text in (str(exc), repr(exc), exc.user_message, str(exc.__cause__ or "")):
            assert secret not in text and KEY not in text
