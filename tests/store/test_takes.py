"""TakeStore: provenance kept in full, search and filters, stars, deletion, audio replay."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studio.core.errors import StoreError, ValidationError
from studio.pipeline import RenderSpec
from studio.store.cache import RenderCache
from studio.store.keys import dictionary_hash, render_key
from studio.store.take_record import HistoryTake
from studio.store.takes import TakeStore
from tests.store.helpers import make_rendered

SPEC = RenderSpec(voice_id="emily", sample_rate=16000, output_format="wav")
LINES = [
    ("The harbour at dawn was quiet.", "emily"),
    ("Fishing boats slid into the fog.", "emily"),
    ("HARBOUR lights flickered at dusk.", "arjun"),
    ("आज सुबह बारिश के बाद मौसम सुहावना था।", "arjun"),
    ('She said "hello" and left (quickly).', "mia"),
    ("A is for apple; B is for boat.", "mia"),
]


def _add(store: TakeStore, text: str, voice: str = "emily", **kwargs) -> HistoryTake:
    kwargs.setdefault("backend", "cloud")
    kwargs.setdefault("base_url", "https://api.smallest.ai")
    kwargs.setdefault("source", "main")
    return store.add(make_rendered(text, replace(SPEC, voice_id=voice), seconds=0.05), **kwargs)


@pytest.fixture(params=[True, False], ids=["fts", "scan"])
def store(request, tmp_path: Path):
    """A history with the full-text index, and one that scans (the fallback)."""
    with TakeStore(tmp_path / "history.sqlite3", use_fts=request.param) as s:
        yield s


@pytest.fixture
def filled(store: TakeStore) -> TakeStore:
    """The history with LINES added in order (so the last line is the newest)."""
    for text, voice in LINES:
        _add(store, text, voice)
    return store


def test_fts_is_used_when_sqlite_has_it(tmp_path: Path) -> None:
    """This Python's SQLite has FTS5 trigram, so the default store uses the index."""
    with TakeStore(tmp_path / "h.sqlite3") as store:
        assert store.uses_fts


def test_a_take_keeps_full_provenance(tmp_path: Path) -> None:
    """Every setting, id, backend, hash and the audio of a render come back from the history."""
    content = {"64f1234567890abcdef12345": [("mysql", "my-sequel")]}
    spec = RenderSpec(
        voice_id="arjun",
        model="lightning_v3.1_pro",
        language="hi",
        speed=1.25,
        sample_rate=24000,
        output_format="mp3",
        dictionary_ids=tuple(content),
    )
    rendered = make_rendered("Namaste, duniya.", spec, pieces=3)
    key = render_key("cloud:https://api.smallest.ai", spec, rendered.text, content)
    before = datetime.now(UTC)
    with TakeStore(tmp_path / "h.sqlite3") as store:
        take = store.add(
            rendered,
            backend="cloud",
            base_url="https://api.smallest.ai",
            source="grid",
            cache_key=key,
            dictionary_hash=dictionary_hash(content),
        )
    with TakeStore(tmp_path / "h.sqlite3") as store:
        again = store.get(take.take_id)
        clip = store.load_audio(take)
    assert again == take
    assert (take.text, take.voice_id, take.model, take.language) == (
        "Namaste, duniya.",
        "arjun",
        "lightning_v3.1_pro",
        "hi",
    )
    assert (take.speed, take.sample_rate, take.output_format) == (1.25, 24000, "mp3")
    assert take.dictionary_ids == tuple(content)
    assert take.dictionary_hash == dictionary_hash(content) != ""
    assert take.request_ids == rendered.request_ids
    assert take.request_id == rendered.request_ids[0]
    assert take.server_request_ids == rendered.server_request_ids
    assert take.session_id == rendered.session_id
    assert (take.backend, take.base_url, take.source, take.transport) == (
        "cloud",
        "https://api.smallest.ai",
        "grid",
        "sse",
    )
    assert take.cache_key == key
    assert take.stars == 0
    assert take.duration_s == pytest.approx(rendered.duration_s)
    created = datetime.fromisoformat(take.created_at)
    assert created.tzinfo is not None
    assert before - timedelta(seconds=1) <= created <= datetime.now(UTC)
    assert clip.data == rendered.clip.data
    assert (clip.output_format, clip.sample_rate) == ("mp3", rendered.clip.sample_rate)
    assert Path(take.audio_path).is_relative_to(tmp_path / "h-audio")


def test_a_take_replays_after_the_cache_evicted_it(tmp_path: Path) -> None:
    """Takes own their audio: clearing the render cache does not break replay."""
    rendered = make_rendered("Keep this take.", SPEC)
    key = render_key("local:auto", SPEC, rendered.text, None)
    with (
        RenderCache(tmp_path / "cache", 10_000_000) as cache,
        TakeStore(tmp_path / "h.sqlite3") as store,
    ):
        cache.put(key, rendered)
        take = store.add(rendered, backend="local", base_url="", source="main", cache_key=key)
        cache.clear()
        assert cache.get(key) is None
        assert store.load_audio(take).data == rendered.clip.data


def test_search_is_newest_first_and_pages(filled: TakeStore) -> None:
    """No filter lists everything newest first; limit/offset page through it."""
    everything = filled.search()
    assert [t.text for t in everything] == [text for text, _ in reversed(LINES)]
    assert filled.count() == len(LINES)
    pages = filled.search(limit=4) + filled.search(limit=4, offset=4)
    assert pages == everything
    with pytest.raises(ValidationError):
        filled.search(limit=-1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("harbour", [2, 0]),
        ("HARB", [2, 0]),
        ("harbour dusk", [2]),
        ("dusk harbour", [2]),
        ("fog", [1]),
        ("at", [5, 2, 1, 0]),
        ("ts", [2, 1]),
        ("a", [5, 4, 2, 1, 0]),
        ("B", [5, 2, 1, 0]),
        ("बारिश", [3]),
        ('"hello"', [4]),
        ("(quickly).", [4]),
        ("OR", [5]),
        ("AND left", [4]),
        ("NEAR(", []),
        ("*", []),
        ("nothing-like-this", []),
    ],
)
def test_text_search_finds_substrings_ignoring_case(filled: TakeStore, query, expected) -> None:
    """Each term must occur somewhere in the text; quotes and FTS syntax are plain text."""
    found = filled.search(query)
    assert [t.text for t in found] == [LINES[i][0] for i in expected]
    assert filled.count(query) == len(expected)


def test_voice_star_and_date_filters(filled: TakeStore) -> None:
    """Voice, minimum stars and a time window narrow the list, combined with text."""
    assert [t.voice_id for t in filled.search(voice_id="mia")] == ["mia", "mia"]
    takes = filled.search()
    filled.set_stars(takes[0].take_id, 5)
    filled.set_stars(takes[3].take_id, 3)
    assert [t.take_id for t in filled.search(min_stars=3)] == [takes[0].take_id, takes[3].take_id]
    assert [t.take_id for t in filled.search(min_stars=4)] == [takes[0].take_id]
    assert filled.count(voice_id="arjun", text="harbour") == 1
    now = datetime.now(UTC)
    assert filled.count(since=now - timedelta(minutes=5)) == len(LINES)
    assert filled.count(since=now + timedelta(seconds=1)) == 0
    assert filled.count(until=now - timedelta(minutes=5)) == 0
    middle = datetime.fromisoformat(takes[2].created_at)
    assert [t.take_id for t in filled.search(until=middle)] == [t.take_id for t in takes[3:]]
    assert [t.take_id for t in filled.search(since=middle)] == [t.take_id for t in takes[:3]]
    with pytest.raises(ValidationError):
        filled.search(min_stars=6)


def test_voices_lists_each_voice_once(filled: TakeStore) -> None:
    """The voice filter offers every voice with a take, sorted."""
    assert filled.voices() == ["arjun", "emily", "mia"]


def test_stars_are_kept_and_checked(store: TakeStore) -> None:
    """Stars 0–5 persist; anything else is refused; a missing take is a clear error."""
    take = _add(store, "Rate me.")
    assert store.set_stars(take.take_id, 4).stars == 4
    assert store.get(take.take_id).stars == 4
    for bad in (-1, 6):
        with pytest.raises(ValidationError):
            store.set_stars(take.take_id, bad)
    assert store.get(take.take_id).stars == 4
    with pytest.raises(StoreError, match="no longer"):
        store.set_stars(999, 1)


def test_delete_removes_the_take_and_its_audio(store: TakeStore) -> None:
    """A deleted take leaves the list, the search index and the disk."""
    keep, gone = _add(store, "Keep the lighthouse."), _add(store, "Delete the lighthouse.")
    assert store.delete(gone.take_id)
    assert not Path(gone.audio_path).exists()
    assert store.get(gone.take_id) is None
    assert [t.take_id for t in store.search("lighthouse")] == [keep.take_id]
    assert not store.delete(gone.take_id)
    assert _add(store, "Next.").take_id > gone.take_id  # ids are never reused


def test_bad_backend_or_source_is_refused_and_nothing_is_stored(store: TakeStore) -> None:
    """Unknown backend or source values are validation errors; the history stays empty."""
    with pytest.raises(ValidationError):
        _add(store, "x", backend="elsewhere")
    with pytest.raises(ValidationError):
        _add(store, "x", source="api")
    assert store.count() == 0


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_damaged_take_audio_is_a_clear_error(store: TakeStore, damage: str) -> None:
    """A take whose file was deleted or cut short says so instead of playing garbage."""
    take = _add(store, "Fragile take.")
    path = store.audio_path(take)
    if damage == "missing":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(StoreError) as caught:
        store.load_audio(take)
    assert str(path) in caught.value.user_message
    assert "render the line again" in caught.value.user_message.lower()


def test_index_is_rebuilt_after_a_run_without_it(tmp_path: Path) -> None:
    """Takes added while FTS was off are found once it is back on."""
    path = tmp_path / "h.sqlite3"
    with TakeStore(path, use_fts=True) as store:
        _add(store, "Indexed lantern.")
    with TakeStore(path, use_fts=False) as store:
        _add(store, "Unindexed lantern.")
    with TakeStore(path, use_fts=True) as store:
        assert store.uses_fts
        assert store.count("lantern") == 2
        assert store.count("unindexed") == 1
