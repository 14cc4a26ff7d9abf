"""RenderCache's running totals, eviction by them, and puts staged outside the index lock."""

import sqlite3
import threading
from pathlib import Path

import pytest

from studio.pipeline import RenderSpec
from studio.store import cache as cache_module
from studio.store.cache import INDEX_NAME, RenderCache
from studio.store.keys import render_key
from tests.store.helpers import make_rendered

SPEC = RenderSpec(voice_id="emily", sample_rate=8000, output_format="wav")


def _key(text: str) -> str:
    return render_key("local:auto", SPEC, text, None)


def _indexed(folder: Path) -> tuple[int, int, list[str]]:
    """Entries and bytes summed from the rows themselves, and the keys oldest first."""
    conn = sqlite3.connect(folder / INDEX_NAME)
    try:
        count, total = conn.execute(
            "SELECT count(*), coalesce(sum(size), 0) FROM entries"
        ).fetchone()
        keys = [row[0] for row in conn.execute("SELECT key FROM entries ORDER BY last_used")]
    finally:
        conn.close()
    return int(count), int(total), keys


def assert_totals_exact(folder: Path, cache: RenderCache) -> None:
    """The kept totals equal the rows' sums and the blobs on disk; no temp file remains."""
    count, total, _ = _indexed(folder)
    stats = cache.stats()
    assert (stats.entries, stats.total_bytes) == (count, total)
    blobs = [p for p in folder.glob("??/*") if p.is_file()]
    assert len(blobs) == count and sum(p.stat().st_size for p in blobs) == total


def test_eviction_by_the_running_total_keeps_the_most_recent(tmp_path: Path) -> None:
    """Past the limit the oldest go first; the total stays exact through puts, replaces, gets."""
    folder = tmp_path / "c"
    renders = [make_rendered(f"Line {n}.", SPEC, seconds=0.1) for n in range(12)]
    size = renders[0].audio.path.stat().st_size
    with RenderCache(folder, max_bytes=int(size * 4.5)) as cache:
        for rendered in renders[:4]:
            assert cache.put(_key(rendered.text), rendered)
        assert cache.get(_key(renders[0].text)) is not None  # now the most recent
        for rendered in renders[4:6]:
            cache.put(_key(rendered.text), rendered)
        _, total, keys = _indexed(folder)
        assert total <= cache.max_bytes
        assert keys == [_key(r.text) for r in (renders[3], renders[0], renders[4], renders[5])]
        # Replacing an entry with a longer render moves the total by the difference only.
        longer = make_rendered(renders[5].text, SPEC, seconds=0.3)
        cache.put(_key(longer.text), longer)
        assert_totals_exact(folder, cache)
        assert cache.stats().total_bytes <= cache.max_bytes
        cache.set_max_bytes(longer.audio.path.stat().st_size + size // 2)
        assert_totals_exact(folder, cache)
        assert _indexed(folder)[2] == [_key(longer.text)]  # the longer one alone fits
        cache.clear()
        assert cache.stats().total_bytes == cache.stats().entries == 0


def test_an_index_without_totals_gets_them_on_open(tmp_path: Path) -> None:
    """A cache from before the running totals: they are counted once when it is opened."""
    folder = tmp_path / "c"
    with RenderCache(folder, 10_000_000) as cache:
        for n in range(3):
            rendered = make_rendered(f"Old {n}.", SPEC)
            cache.put(_key(rendered.text), rendered)
    conn = sqlite3.connect(folder / INDEX_NAME)
    for name in ("entries_added", "entries_removed", "entries_resized"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE totals")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with RenderCache(folder, 10_000_000) as cache:
        assert cache.stats().entries == 3
        assert_totals_exact(folder, cache)


def test_a_put_in_flight_survives_another_cache_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A blob staged but not yet indexed is not swept as debris by a cache opened meanwhile."""
    folder = tmp_path / "c"
    staged, resume = threading.Event(), threading.Event()
    real_stage = cache_module.stage

    def paused_stage(source: Path, temp: Path) -> None:
        real_stage(source, temp)
        staged.set()
        assert resume.wait(30)

    monkeypatch.setattr(cache_module, "stage", paused_stage)
    rendered = make_rendered("In flight.", SPEC)
    errors: list[BaseException] = []
    with RenderCache(folder, 10_000_000) as writer:

        def put() -> None:
            try:
                writer.put(_key(rendered.text), rendered)
            except BaseException as exc:  # reported to the test thread
                errors.append(exc)

        thread = threading.Thread(target=put)
        thread.start()
        try:
            assert staged.wait(30)
            RenderCache(folder, 10_000_000).close()  # sweeps debris on open
            assert len(list(folder.glob("??/.*.partial"))) == 1
        finally:
            resume.set()
            thread.join(30)
        assert errors == []
        assert writer.get(_key(rendered.text)) is not None
        assert_totals_exact(folder, writer)
        # One file, two names: the render's and the cache's (no temp name left).
        blob = next(folder.glob("??/*.flac"))
        assert blob.stat().st_ino == rendered.audio.path.stat().st_ino
        assert rendered.audio.path.stat().st_nlink == 2


def test_a_dead_writers_temp_file_is_swept(tmp_path: Path) -> None:
    """A temp file whose writer's token lock is free (a killed process) is debris."""
    folder = tmp_path / "c"
    rendered = make_rendered("Left behind.", SPEC)
    with RenderCache(folder, 10_000_000) as dead:
        temp = dead._writer.temp_name(dead._blob(_key(rendered.text), "flac"))  # type: ignore[union-attr]
        cache_module.stage(rendered.audio.path, temp)
    assert temp.exists()  # close() gave up the token, as a kill would
    with RenderCache(folder, 10_000_000) as cache:
        assert not temp.exists()
        writers = sorted(p.name for p in (folder / "writers").iterdir())
        assert writers == [f"{cache._writer.token}.lock"]  # type: ignore[union-attr]


def test_two_threads_putting_one_key_at_once_both_succeed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two batch rows with the same text: their staged blobs never share a temp name."""
    folder = tmp_path / "c"
    staged, resume = threading.Event(), threading.Event()
    real_stage = cache_module.stage
    calls: list[Path] = []

    def first_one_waits(source: Path, temp: Path) -> None:
        real_stage(source, temp)
        calls.append(temp)
        if len(calls) == 1:
            staged.set()
            assert resume.wait(30)

    monkeypatch.setattr(cache_module, "stage", first_one_waits)
    first, second = make_rendered("Twice.", SPEC), make_rendered("Twice.", SPEC, freq=660.0)
    errors: list[BaseException] = []
    with RenderCache(folder, 10_000_000) as cache:

        def put() -> None:
            try:
                cache.put(_key(first.text), first)
            except BaseException as exc:  # reported to the test thread
                errors.append(exc)

        thread = threading.Thread(target=put)
        thread.start()
        try:
            assert staged.wait(30)
            assert cache.put(_key(second.text), second)
        finally:
            resume.set()
            thread.join(30)
        assert errors == []
        found = cache.get(_key(first.text))
        assert found is not None and found.data == first.audio.path.read_bytes()  # the last put
        assert_totals_exact(folder, cache)
