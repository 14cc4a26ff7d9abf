"""The batch item path: server bytes straight to the file, the cache fed from that file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import soundfile

import studio.audio.atomic as atomic_module
from studio.core.render import RenderSpec
from studio.library import CACHE_FOLDER, WORK_FOLDER
from studio.store.cache import RenderCache
from studio.store.cached import CacheFile, metadata_for
from tests.batch.helpers import make_runner, write_lines_csv


def _blobs(profile: Path) -> list[Path]:
    cache = profile / CACHE_FOLDER
    return [p for p in cache.glob("??/*") if not p.name.startswith(".")]


def test_one_line_items_write_server_bytes_and_cache_that_file(tmp_path: Path, waves_local) -> None:
    """Each line's file is one plain WAV from the server; its cache entry is the same file
    (no take, no FLAC copy); a second job is served from the cache with identical bytes."""
    source = tmp_path / "in.csv"
    source.write_text(
        "id,text,format\na,First line.,wav\nb,Second line.,ulaw\nc,Third line.,mp3\n"
        "d,Fourth line.,flac\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    runner, store, job_id = make_runner(tmp_path, source, out, waves_local.base_url)
    assert runner.run().done == 4
    items = {i.spec.key: i for i in store.items(job_id)}
    wav = (out / "a.wav").read_bytes()
    assert wav[:4] == b"RIFF" and int.from_bytes(wav[4:8], "little") + 8 == len(wav)
    assert (out / "b.ulaw").stat().st_size == round(items["b"].duration_s * 8000)
    assert soundfile.info(str(out / "d.flac")).format == "FLAC"
    outputs = [out / i.spec.out_name for i in items.values()]
    blobs = _blobs(tmp_path)
    assert len(blobs) == 4
    assert all(any(os.path.samefile(b, o) for o in outputs) for b in blobs)
    assert not list((tmp_path / WORK_FOLDER).glob("*"))  # no take was rendered per item
    store.close()

    again, store2, job2 = make_runner(tmp_path, source, tmp_path / "o2", waves_local.base_url)
    assert again.run().done == 4
    assert {i.backend for i in store2.items(job2)} == {"cache"}
    for name in ("a.wav", "b.ulaw", "c.mp3"):
        assert (tmp_path / "o2" / name).read_bytes() == (out / name).read_bytes()
    first, _ = soundfile.read(str(out / "d.flac"))
    second, _ = soundfile.read(str(tmp_path / "o2" / "d.flac"))
    assert np.array_equal(first, second)
    store2.close()


def test_long_item_is_saved_without_a_folder_sweep(
    tmp_path: Path, waves_local, monkeypatch
) -> None:
    """An item of over ten minutes (a chapter) is transcoded from its render file without
    scanning the output folder for stale temp files per save (the runner sweeps once)."""
    sweeps: list[Path] = []
    real = atomic_module.remove_stale_partials

    def counted(folder: Path, *args: float) -> list[Path]:
        sweeps.append(folder)
        return real(folder, *args)

    monkeypatch.setattr(atomic_module, "remove_stale_partials", counted)
    # About 7 characters a second at speed 0.5: 4,800 characters are over ten minutes.
    long_text = " ".join(f"Sentence number {n:03d} of a very long chapter." for n in range(110))
    source = tmp_path / "in.csv"
    source.write_text(f'id,text,speed\nlong,"{long_text}",0.5\n', encoding="utf-8")
    out = tmp_path / "out"
    runner, store, job_id = make_runner(tmp_path, source, out, waves_local.base_url)
    assert runner.run().done == 1
    item = store.items(job_id)[0]
    assert item.duration_s > 600 and item.request_id.count(",") >= 10  # many requests
    info = soundfile.info(str(out / "long.wav"))
    assert abs(info.frames / info.samplerate - item.duration_s) < 0.05
    assert sweeps == []
    assert not list((tmp_path / WORK_FOLDER).glob("*"))  # its render file went with it
    assert len(_blobs(tmp_path)) == 1  # the cache keeps its own name for those bytes
    store.close()


def test_put_files_stores_many_entries_in_one_call(tmp_path: Path) -> None:
    """put_files keeps each file under its key as a second name; oversized ones are left out.
    A new cache makes its 256 blob folders at once (not one per first put, on a batch's path)."""
    cache = RenderCache(tmp_path / "cache", max_bytes=10_000)
    assert sorted(p.name for p in (tmp_path / "cache").glob("??")) == [
        f"{n:02x}" for n in range(256)
    ]
    spec = RenderSpec("tone-alto", sample_rate=8000, output_format="pcm")
    entries = []
    for n, size in enumerate((4000, 2000, 20_000)):
        path = tmp_path / f"f{n}.pcm"
        data = bytes([n + 1]) * size
        path.write_bytes(data)
        meta = metadata_for(f"text {n}", spec, "s", ("r",), ("sr",), "http")
        key = f"{n:064x}"
        digest = hashlib.sha256(data).hexdigest()
        entries.append(CacheFile(key, path, "pcm", 8000, meta, size, digest))
    assert cache.put_files(entries) == 2
    for entry in entries[:2]:
        hit = cache.get(entry.key)
        assert hit is not None and os.path.samefile(hit.path, entry.source)
        assert hit.text == f"text {entries.index(entry)}"
    assert cache.get(entries[2].key) is None
    assert cache.stats().total_bytes == 6000
    cache.close()


def test_each_line_costs_one_fsync(tmp_path: Path, waves_local, monkeypatch) -> None:
    """A job of one-line rows fsyncs each file once, plus the output folder once per batch of
    recorded items (no take file, no folder fsync per file)."""
    calls: list[int] = []
    real = os.fsync

    def counted(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counted)
    out = tmp_path / "out"
    source = write_lines_csv(tmp_path / "in.csv", 12)
    runner, store, _ = make_runner(tmp_path, source, out, waves_local.base_url)
    assert runner.run().done == 12
    # The files, then the folder before each commit of done items (one, or a few on a slow
    # machine: a commit is also due after a second).
    assert 12 + 1 <= len(calls) <= 12 + 4
    store.close()
