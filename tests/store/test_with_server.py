"""Real renders from waves-local through the pipeline: cached and kept as takes, replayed intact."""

import numpy as np
import pytest
import soundfile

from studio.api.client import WavesClient
from studio.pipeline import RenderSpec, render_text
from studio.store.cache import RenderCache
from studio.store.keys import dictionary_hash, render_key
from studio.store.takes import TakeStore
from tests.conftest import WAVES_LOCAL_TEST_KEY

# Two sentences over 250 characters: the pipeline splits them into two requests.
TEXT = (
    "The morning train was late again, so Maya strolled down to the harbour, bought warm bread, "
    "and watched the fishing boats slide into the fog before the market opened its stalls. "
    "Later the rain swept in from the sea, and everyone hurried under the striped awnings to "
    "wait it out while the gulls circled the quay."
)


@pytest.fixture
def client(waves_local):
    """A client for the session's tone-engine server."""
    c = WavesClient(waves_local.base_url, WAVES_LOCAL_TEST_KEY, read_timeout_s=10.0)
    yield c
    c.close()


@pytest.mark.parametrize("fmt", ["wav", "mp3", "ulaw"])
def test_a_real_render_replays_from_cache_and_history(client, waves_local, tmp_path, fmt) -> None:
    """A multi-request render comes back from the cache and the history bit-identical."""
    spec = RenderSpec(voice_id="tone-alto", sample_rate=16000, output_format=fmt)
    rendered = render_text(client, TEXT, spec, mode="sse")
    assert len(rendered.request_ids) == 2
    backend = f"local:{waves_local.base_url}"
    key = render_key(backend, spec, TEXT, None)
    with RenderCache(tmp_path / "cache", 50_000_000) as cache:
        cache.put(key, rendered)
        hit = cache.get(key)
    assert hit is not None
    replay = hit.to_rendered()
    assert replay.audio.path.read_bytes() == rendered.audio.path.read_bytes()
    assert replay.sample_rate == rendered.sample_rate
    np.testing.assert_array_equal(replay.samples, rendered.samples)
    assert replay.server_request_ids == rendered.server_request_ids
    with TakeStore(tmp_path / "history.sqlite3") as store:
        take = store.add(
            rendered,
            backend="local",
            base_url=waves_local.base_url,
            source="render",
            cache_key=key,
            dictionary_hash=dictionary_hash(None),
        )
        assert store.load_audio(take).data == rendered.clip.data
        assert store.search("harbour fog")[0].take_id == take.take_id
    assert take.server_request_ids == rendered.server_request_ids
    assert all(take.server_request_ids)


def test_a_library_render_is_on_disk_once_and_compressed(client, waves_local, tmp_path) -> None:
    """The take's audio and the cache entry are one FLAC file (hard links); no work file stays."""
    from pathlib import Path

    from studio.library import Backend, RenderLibrary

    library = RenderLibrary(tmp_path / "lib", 50_000_000)
    spec = RenderSpec(voice_id="tone-alto", sample_rate=16000, output_format="wav")
    try:
        done = library.render(
            client,
            TEXT,
            spec,
            backend=Backend("local", waves_local.base_url, "tone"),
            source="render",
        )
    finally:
        library.close()
    assert done.take is not None
    take_file = Path(done.take.audio_path)
    blobs = list((tmp_path / "lib" / "render-cache").rglob("*.flac"))
    assert take_file.suffix == ".flac" and len(blobs) == 1
    assert take_file.stat().st_ino == blobs[0].stat().st_ino  # one copy of the bytes
    assert take_file.stat().st_nlink == 2
    assert list((tmp_path / "lib" / "renders").iterdir()) == []
    assert done.rendered.audio.path == take_file
    assert take_file.stat().st_size < 2 * done.rendered.audio.frames  # smaller than PCM16


def test_render_to_file_without_a_library_saves_any_format(client, tmp_path) -> None:
    """The headless entry point renders and saves; an existing file is refused, not replaced."""
    from studio.core.errors import FileExistsExportError
    from studio.library_io import render_to_file

    spec = RenderSpec(voice_id="tone-alto", sample_rate=16000, output_format="pcm")
    out = tmp_path / "line.flac"
    done = render_to_file(client, TEXT, spec, out, "flac")
    assert done.take is None and not done.from_cache
    info = soundfile.info(str(out))
    assert info.samplerate == 16000 and info.frames == done.rendered.audio.frames
    with pytest.raises(FileExistsExportError):
        render_to_file(client, "Again.", spec, out, "flac")
    assert soundfile.info(str(out)).frames == info.frames  # untouched
