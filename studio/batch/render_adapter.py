"""The one place batch rendering meets the render pipeline (RenderSpec, cache, export).

A one-request item (a line, a short file) is the hot path of a batch of thousands: one plain
HTTP request, the server's bytes written straight to the output file (converted only when
the file's format is not the wire format), and the render cache fed from that same file (a
second name for it, no copy). A longer item goes through the render library, which streams
its pieces to a render file, and is transcoded from there block by block (memory stays flat).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from studio.batch.cache_feed import CacheFeed
from studio.batch.item_audio import file_bytes, output_bytes, write_output
from studio.core.batch import ItemSpec
from studio.core.errors import CancelledError, StudioError
from studio.core.render import RenderSpec

if TYPE_CHECKING:
    from studio.api.client import WavesClient
    from studio.library import Backend, RenderLibrary

log = logging.getLogger(__name__)
# What to ask the server for when the file format is not a wire format: lossless PCM.
WIRE_FORMAT = {"flac": "pcm", "ogg": "pcm"}
# Output files that hold the very audio the server sent (losslessly), so the render cache can
# keep the output file itself as its entry. An ogg file is lossy: its items take the library.
DIRECT_FORMATS = ("wav", "mp3", "pcm", "ulaw", "alaw", "flac")
# Batch items need whole files, not playback while they arrive: one plain HTTP request per
# piece is the cheapest transport.
BATCH_TRANSPORT = "none"


@dataclass(frozen=True)
class ItemResult:
    """What rendering one item produced.

    Attributes:
        duration_s: Length of the audio written.
        request_id: The server's request id(s), comma-separated ("" from the cache).
        from_cache: True when no API call was made.
    """

    duration_s: float
    request_id: str
    from_cache: bool


class RendersItems(Protocol):
    """What the BatchRunner needs of a renderer: ItemRenderer (files in a folder) and the
    script project's renderer (takes in the project file)."""

    @property
    def backend(self) -> Backend:
        """Who renders (the report names it)."""

    def render(
        self,
        client: WavesClient,
        item: ItemSpec,
        path: Path,
        cancel: threading.Event | None = None,
    ) -> ItemResult:
        """Render `item` to its output; raise a StudioError (CancelledError when stopped)."""

    def flush(self) -> None:
        """Store whatever the renderer still holds back (the runner calls this at a run's end)."""


class ItemRenderer:
    """Renders one queue item (cache first) and writes its file atomically.

    Thread-safe: the cache serialises its own use; each calling thread brings its client.

    Attributes:
        library: The profile's render library (cache; its history is not used for batch).
        backend: Who renders, as the cache key needs it.
        feed: Stores one-request items' files in the cache, a batch of entries at a time.
    """

    def __init__(self, library: RenderLibrary, backend: Backend) -> None:
        self.library = library
        self.backend = backend
        self.feed = CacheFeed(library.cache)

    def render(
        self,
        client: WavesClient,
        item: ItemSpec,
        path: Path,
        cancel: threading.Event | None = None,
    ) -> ItemResult:
        """Render `item` and write it to `path` atomically (replacing any earlier file).

        Raises:
            CancelledError, RateLimitedError, NetworkError, ApiError: from the render.
            DecodeError: the server's audio does not decode.
            ExportError: the file could not be written (disk full, permissions).
        """
        from studio.core.text import split_text

        spec = item.render_spec(WIRE_FORMAT.get(item.export_format, item.export_format))
        pieces = split_text(item.text)
        if len(pieces) != 1 or item.export_format not in DIRECT_FORMATS:
            return self._through_library(client, item, spec, path, cancel)
        key = self._cache_key(client, item.text, spec, cancel)
        if key:
            cached = self._from_cache(key, spec, item.export_format, path)
            if cached is not None:
                return cached
        from studio.core.models import new_client_id

        request = spec.request(pieces[0], new_client_id("take"))
        clip = client.synthesize(request, BATCH_TRANSPORT, cancel)
        data, duration, rate = output_bytes(clip, item.export_format)
        write_output(path, data)
        if key:
            self.feed.add(key, item.text, spec, request.request_id, clip, path, data, rate)
        return ItemResult(duration, clip.server_request_id, False)

    def flush(self) -> None:
        """Store the cache entries still waiting (the runner calls this when a run ends)."""
        self.feed.flush()

    def _cache_key(
        self, client: WavesClient, text: str, spec: RenderSpec, cancel: threading.Event | None
    ) -> str:
        """The item's cache key, or "" (no cache, or its dictionaries could not be listed)."""
        try:
            return self.library.cache_key(client, text, spec, self.backend, cancel)
        except CancelledError:
            raise
        except StudioError as exc:
            log.warning("Render cache skipped: %s", exc.user_message)
            return ""

    def _from_cache(
        self, key: str, spec: RenderSpec, export_format: str, path: Path
    ) -> ItemResult | None:
        """Write the item from its cache entry; None on a miss (or an unusable entry)."""
        cache = self.library.cache
        if cache is None:
            return None
        try:
            hit = cache.get(key)
            if hit is None:
                return None
            rendered = hit.to_rendered(spec).preload()
        except StudioError as exc:  # a broken index or a blob that no longer decodes
            log.warning("Render cache skipped: %s", exc.user_message)
            return None
        write_output(path, file_bytes(rendered, export_format))
        return ItemResult(rendered.duration_s, "", True)

    def _through_library(
        self,
        client: WavesClient,
        item: ItemSpec,
        spec: RenderSpec,
        path: Path,
        cancel: threading.Event | None,
    ) -> ItemResult:
        """An item of several requests (or an Ogg file): rendered into a file by the library
        (cache first), then transcoded from it block by block."""
        from studio.pipeline import export_rendered

        done = self.library.render(
            client,
            item.text,
            spec,
            backend=self.backend,
            source="render",
            mode=BATCH_TRANSPORT,
            cancel=cancel,
        )
        rendered = done.rendered
        try:
            export_rendered(rendered, path, item.export_format, overwrite=True, sweep=False)
        finally:
            if not done.from_cache and done.take is None:
                # Only the way to the output: the cache keeps its own name for these bytes,
                # and batch keeps no history take, so nothing else needs this name.
                rendered.audio.path.unlink(missing_ok=True)
        ids = ",".join(i for i in rendered.server_request_ids if i)
        return ItemResult(rendered.duration_s, ids, done.from_cache)


def open_library(data_dir: Path, cache_max_bytes: int) -> RenderLibrary:
    """The profile's render library for batch: the render cache, without history takes.

    A batch of thousands of lines would bury the takes a user keeps by hand, so batch renders
    are recorded in the queue (and its report) instead of the history.
    """
    from studio.library import RenderLibrary

    library = RenderLibrary(data_dir, cache_max_bytes)
    if library.takes is not None:
        library.takes.close()
        library.takes = None
    return library


def make_backend(kind: str, base_url: str, engine: str = "") -> Backend:
    """The library's Backend value."""
    from studio.library import Backend

    return Backend(kind, base_url, engine)


def client_factory(base_url: str, api_key: str | None) -> Callable[[], WavesClient]:
    """Makes one client per batch worker thread (a requests session is not shared across
    threads). The client does not retry on its own: the runner decides, so that a 429 shrinks
    the concurrency instead of being retried blindly inside one worker."""
    from studio.api.client import WavesClient
    from studio.api.transport import RetryPolicy

    def make() -> WavesClient:
        return WavesClient(base_url, api_key, retry=RetryPolicy(max_attempts=1))

    return make


def factory_like(client: WavesClient) -> Callable[[], WavesClient]:
    """A factory of clients to the same server with the same key as `client` (the window's).

    The key is taken from the client's own Authorization header and only held in memory.
    """
    header = client.transport.auth_headers().get("Authorization", "")
    return client_factory(client.base_url, header.removeprefix("Bearer ") or None)
