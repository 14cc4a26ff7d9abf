"""RenderCache in one process: hits replay the exact audio, LRU eviction, damaged files."""

import hashlib
import logging
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from studio.audio.clipfile import stored_format
from studio.core.errors import StoreError, ValidationError
from studio.pipeline import RenderSpec
from studio.store.cache import INDEX_NAME, RenderCache
from studio.store.cached import CACHE_TRANSPORT
from studio.store.keys import render_key
from tests.store.helpers import make_rendered

SPEC = RenderSpec(voice_id="emily", sample_rate=16000, output_format="wav")
BACKEND = "cloud:https://api.smallest.ai"


def _key(text: str, spec: RenderSpec = SPEC) -> str:
    return render_key(BACKEND, spec, text, None)


def _blobs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("??/*") if p.is_file())


@pytest.fixture
def cache(tmp_path: Path):
    """A 10 MB cache in a fresh folder."""
    with RenderCache(tmp_path / "cache", max_bytes=10_000_000) as c:
        yield c


@pytest.mark.parametrize("fmt", ["pcm", "wav", "mp3", "ulaw", "alaw"])
def test_hit_replays_the_exact_audio_without_the_api(tmp_path: Path, fmt: str) -> None:
    """A cached render comes back byte-identical and decodes to the same samples."""
    spec = replace(SPEC, output_format=fmt, sample_rate=24000)
    original = make_rendered("Play me again.", spec, pieces=2)
    key = _key(original.text, spec)
    with RenderCache(tmp_path / "c", 10_000_000) as cache:
        assert cache.put(key, original)
    with RenderCache(tmp_path / "c", 10_000_000) as reopened:  # survives a restart
        found = reopened.get(key)
    assert found is not None
    assert found.data == original.audio.path.read_bytes()
    again = found.to_rendered()
    assert again.clip == original.clip
    assert again.sample_rate == original.sample_rate
    np.testing.assert_array_equal(again.samples, original.samples)
    assert (again.text, again.spec, again.session_id) == (
        original.text,
        original.spec,
        original.session_id,
    )
    assert again.request_ids == original.request_ids
    assert again.server_request_ids == original.server_request_ids
    assert again.transport == CACHE_TRANSPORT
    # PCM and WAV renders are kept as lossless FLAC; the others as the server's bytes.
    assert (tmp_path / "c" / key[:2] / f"{key}.{stored_format(fmt)}").is_file()


def test_other_settings_are_a_miss(cache: RenderCache) -> None:
    """Audio for one set of settings is never served for another."""
    rendered = make_rendered("Same words.", SPEC)
    cache.put(_key(rendered.text, SPEC), rendered)
    assert cache.get(_key("Same words.", replace(SPEC, speed=1.1))) is None
    assert cache.get(_key("Same words. ", SPEC)) is None
    assert cache.get(render_key("local:auto", SPEC, "Same words.", None)) is None
    assert cache.get(_key("Same words.", SPEC)) is not None
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.entries) == (1, 3, 1)


def test_to_rendered_can_record_the_callers_spec(cache: RenderCache) -> None:
    """The caller may record its own (equivalent) settings on the replayed render."""
    rendered = make_rendered("Dictionary moved.", SPEC)
    key = _key(rendered.text)
    cache.put(key, rendered)
    mine = replace(SPEC, dictionary_ids=("0123456789abcdef01234567",))
    found = cache.get(key)
    assert found is not None
    assert found.to_rendered(mine).spec == mine


def test_least_recently_used_is_evicted_first(tmp_path: Path) -> None:
    """Over the limit, the entry used longest ago goes; a get counts as a use."""
    renders = {name: make_rendered(f"Line {name}.", SPEC, seconds=0.1) for name in "abcd"}
    size = renders["a"].audio.size
    with RenderCache(tmp_path / "c", max_bytes=3 * size) as cache:
        for name in "abc":
            cache.put(_key(renders[name].text), renders[name])
        assert cache.get(_key(renders["a"].text)) is not None  # a is now the newest use
        cache.put(_key(renders["d"].text), renders["d"])
        assert cache.get(_key(renders["b"].text)) is None
        for name in "acd":
            assert cache.get(_key(renders[name].text)) is not None
        stats = cache.stats()
        assert (stats.entries, stats.total_bytes) == (3, 3 * size)
        assert len(_blobs(tmp_path / "c")) == 3


def test_shrinking_and_clearing(cache: RenderCache) -> None:
    """set_max_bytes evicts at once (oldest first); clear empties index and folder."""
    renders = [make_rendered(f"Line {n}.", SPEC, seconds=0.1) for n in range(4)]
    for rendered in renders:
        cache.put(_key(rendered.text), rendered)
    size = renders[0].audio.size
    cache.set_max_bytes(2 * size)
    assert [cache.get(_key(r.text)) is not None for r in renders] == [False, False, True, True]
    assert cache.stats().total_bytes == 2 * size
    cache.clear()
    assert cache.stats().entries == 0
    assert _blobs(cache.folder) == []
    with pytest.raises(ValidationError):
        cache.set_max_bytes(-1)


def test_a_render_larger_than_the_limit_is_not_stored(tmp_path: Path) -> None:
    """A render that cannot fit is skipped, and does not flush the rest of the cache."""
    small = make_rendered("Short.", SPEC, seconds=0.05)
    big = make_rendered("Long.", SPEC, seconds=1.0)
    with RenderCache(tmp_path / "c", max_bytes=small.audio.size * 2) as cache:
        assert cache.put(_key(small.text), small)
        assert not cache.put(_key(big.text), big)
        assert cache.get(_key(small.text)) is not None
        assert cache.get(_key(big.text)) is None


@pytest.mark.parametrize("damage", ["missing", "truncated", "altered"])
def test_a_damaged_blob_is_a_miss_and_is_cleaned_up(cache: RenderCache, damage: str) -> None:
    """A blob deleted, cut short or changed behind our back is never served and is dropped."""
    rendered = make_rendered("Fragile.", SPEC)
    key = _key(rendered.text)
    cache.put(key, rendered)
    blob = cache.folder / key[:2] / f"{key}.flac"
    data = blob.read_bytes()
    # The blob is a hard link to the render's file: damage a fresh copy, not the shared bytes.
    blob.unlink()
    if damage == "missing":
        pass
    elif damage == "truncated":
        blob.write_bytes(data[: len(data) // 2])
    else:
        blob.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    assert cache.get(key) is None
    assert not blob.exists()
    assert cache.stats().entries == 0
    cache.put(key, rendered)  # and the key works again afterwards
    found = cache.get(key)
    assert found is not None
    assert hashlib.sha256(found.data).digest() == hashlib.sha256(data).digest()


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_index_resets_the_cache_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    """A corrupt index empties the cache (blobs too) and says so; the cache then works."""
    folder = tmp_path / "c"
    rendered = make_rendered("Index me.", SPEC)
    with RenderCache(folder, 10_000_000) as cache:
        for n in range(30):
            cache.put(_key(f"{n}"), make_rendered(f"{n}", SPEC, seconds=0.02))
        cache.put(_key(rendered.text), rendered)
    index = folder / INDEX_NAME
    if damage == "garbage":
        index.write_bytes(b"this is not an sqlite database at all " * 200)
    else:
        with index.open("r+b") as handle:
            handle.truncate(index.stat().st_size // 2)
    with caplog.at_level(logging.WARNING), RenderCache(folder, 10_000_000) as cache:
        assert "damaged" in caplog.text
        assert cache.get(_key(rendered.text)) is None
        assert _blobs(folder) == []
        cache.put(_key(rendered.text), rendered)
        assert cache.get(_key(rendered.text)) is not None


def test_leftovers_of_a_killed_writer_are_removed_on_open(tmp_path: Path) -> None:
    """A temp file or a blob without an index row (a crash mid-put) is swept on open."""
    folder = tmp_path / "c"
    rendered = make_rendered("Keep me.", SPEC)
    with RenderCache(folder, 10_000_000) as cache:
        cache.put(_key(rendered.text), rendered)
    orphan = folder / "ab" / f"{'ab' * 32}.wav"
    partial = folder / "ab" / f".{'ab' * 32}.wav.x1y2.partial"
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"RIFF")
    partial.write_bytes(b"RI")
    with RenderCache(folder, 10_000_000) as cache:
        assert not orphan.exists()
        assert not partial.exists()
        assert cache.get(_key(rendered.text)) is not None


def test_bad_keys_and_a_closed_cache_are_clear_errors(cache: RenderCache) -> None:
    """A key that is not 64 hex digits never becomes a path; a closed cache says so."""
    rendered = make_rendered("x", SPEC)
    for bad in ("../../etc/passwd", "ABCD" * 16, "a" * 63):
        with pytest.raises(ValidationError):
            cache.get(bad)
        with pytest.raises(ValidationError):
            cache.put(bad, rendered)
    cache.close()
    with pytest.raises(StoreError, match="closed"):
        cache.get(_key("x"))


def test_the_folder_must_be_usable(tmp_path: Path) -> None:
    """A cache folder that is a file gives a StoreError, not an OSError."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as caught:
        RenderCache(blocker, 1000)
    assert "render cache" in caught.value.user_message


def test_threads_share_one_cache(cache: RenderCache) -> None:
    """Four threads putting and getting at once all see their own renders intact."""
    renders = [make_rendered(f"Thread line {n}.", SPEC, seconds=0.02) for n in range(40)]
    errors: list[BaseException] = []

    def work(part: int) -> None:
        try:
            for rendered in renders[part::4]:
                key = _key(rendered.text)
                cache.put(key, rendered)
                found = cache.get(key)
                assert found is not None
                assert found.data == rendered.audio.path.read_bytes()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert cache.stats().entries == 40
