"""Cache repeats count as uses of a take, and older histories gain the count (issue 13, item 2)."""

import sqlite3
from pathlib import Path

from studio.store.takes import TakeStore
from studio.store.takes_schema import MIGRATIONS
from tests.store.helpers import make_rendered


def _add(store: TakeStore, text: str, key: str = ""):
    return store.add(
        make_rendered(text, seconds=0.05),
        backend="local",
        base_url="",
        source="main",
        cache_key=key,
    )


def test_a_version_1_history_keeps_its_takes_and_gains_use_counts(tmp_path: Path) -> None:
    """A history written before use counts opens with every take, each used once."""
    path = tmp_path / "history.sqlite3"
    with TakeStore(path, migrations=MIGRATIONS[:1]):
        pass  # the version 1 schema, written as that version wrote rows:
    conn = sqlite3.connect(path)
    with conn:
        for n in range(3):
            conn.execute(
                "INSERT INTO takes (created_at, text, voice_id, model, language, speed, "
                "sample_rate, output_format, backend, duration_s, audio_file, audio_bytes, "
                "audio_sample_rate, source, cache_key) VALUES (?, ?, "
                "'joe', 'lightning_v3.1', 'en', 1.0, 24000, 'wav', 'local', 1.0, 'x.wav', 0, "
                "24000, 'main', ?)",
                (f"2026-01-0{n + 1}T10:00:00Z", f"Old take {n}.", f"k{n}"),
            )
    conn.close()
    with TakeStore(path) as store:
        takes = store.search()
        assert [t.text for t in takes] == ["Old take 2.", "Old take 1.", "Old take 0."]
        assert {t.uses for t in takes} == {1} and {t.last_used_at for t in takes} == {""}
        again = store.record_use("k1", "local")
        assert again is not None and again.text == "Old take 1." and again.uses == 2
    version = sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
    assert version == len(MIGRATIONS)


def test_a_repeat_counts_on_the_newest_take_with_its_key(tmp_path: Path) -> None:
    """record_use bumps the newest take with the key; no take with it means None (add one)."""
    with TakeStore(tmp_path / "history.sqlite3") as store:
        _add(store, "Same line.", key="abc")
        newest = _add(store, "Same line.", key="abc")
        used = store.record_use("abc", "local")
        assert used is not None and used.take_id == newest.take_id
        assert used.uses == 2 and used.cache_uses == 1 and used.last_used_at
        assert store.record_use("abc", "cloud") is None  # another backend's render
        assert store.record_use("missing", "local") is None
        assert store.record_use("", "local") is None
        assert store.count() == 2


def test_a_cache_hit_in_the_library_adds_no_row(tmp_path: Path, waves_local) -> None:
    """Rendering the same line twice through the library keeps one take, used twice."""
    from studio.api.client import WavesClient
    from studio.library import Backend, RenderLibrary
    from studio.pipeline import RenderSpec
    from tests.conftest import WAVES_LOCAL_TEST_KEY

    library = RenderLibrary(tmp_path / "data", 50_000_000)
    client = WavesClient(waves_local.base_url, WAVES_LOCAL_TEST_KEY)
    backend = Backend("local", waves_local.base_url, "tone")
    spec = RenderSpec("tone-alto", output_format="wav")
    try:
        first = library.render(client, "Once is enough.", spec, backend=backend, source="main")
        again = library.render(client, "Once is enough.", spec, backend=backend, source="main")
        assert again.from_cache and again.take is not None and first.take is not None
        assert again.take.take_id == first.take.take_id and again.take.uses == 2
        assert library.takes is not None and library.takes.count() == 1
    finally:
        client.close()
        library.close()
