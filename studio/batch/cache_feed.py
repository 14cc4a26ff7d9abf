"""CacheFeed: batch items' output files become render cache entries, many per transaction."""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import StudioError
from studio.core.render import RenderSpec

if TYPE_CHECKING:
    from studio.core.models import AudioClip
    from studio.store.cache import RenderCache
    from studio.store.cached import CacheFile

log = logging.getLogger(__name__)
# Entries stored per transaction. One commit per item made the cache a tenth of a batch's
# run time (bench/bench_batch.py); a kill loses at most this many entries (a repeat of
# those rows costs credits again; their output files are complete either way).
FEED_BATCH = 64


class CacheFeed:
    """Collects (output file, key) pairs from worker threads and stores them in the render
    cache, FEED_BATCH at a time; `flush` stores the rest. Thread-safe.

    Each entry is a second name for the item's output file (no copy), hashed from the bytes
    that were written, so the cache serves it to the app and to later batches as usual.

    Attributes:
        cache: The render cache (None: entries are dropped).
    """

    def __init__(self, cache: RenderCache | None, batch: int = FEED_BATCH) -> None:
        self.cache = cache
        self._batch = batch
        self._lock = threading.Lock()
        self._pending: list[CacheFile] = []

    def add(
        self,
        key: str,
        text: str,
        spec: RenderSpec,
        request_id: str,
        clip: AudioClip,
        path: Path,
        data: bytes,
        rate: int,
    ) -> None:
        """Queue the file at `path` (holding `data`, just written) as the entry for `key`."""
        if self.cache is None:
            return
        from studio.store.cached import CacheFile, metadata_for

        ids = (request_id,), (clip.server_request_id,)
        meta = metadata_for(text, spec, request_id, *ids, "http")
        entry = CacheFile(key, path, path.suffix.lstrip("."), rate, meta, len(data),
                          hashlib.sha256(data).hexdigest())  # fmt: skip
        with self._lock:
            self._pending.append(entry)
            if len(self._pending) < self._batch:
                return
            ready, self._pending = self._pending, []
        self._store(ready)

    def flush(self) -> None:
        """Store every entry still waiting."""
        with self._lock:
            ready, self._pending = self._pending, []
        if ready:
            self._store(ready)

    def _store(self, entries: list[CacheFile]) -> None:
        """A failure only costs future repeats their credits: the items themselves are done."""
        assert self.cache is not None
        try:
            self.cache.put_files(entries)
        except StudioError as exc:
            log.warning("Renders not cached: %s", exc.user_message)
