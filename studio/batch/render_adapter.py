"""The one place batch rendering meets the render pipeline (RenderSpec, library, export).

The pipeline's types are moving to studio.core; when they do, only the imports here change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.batch import ItemSpec

if TYPE_CHECKING:
    from studio.api.client import WavesClient
    from studio.library import Backend, RenderLibrary

# What to ask the server for when the file format is not a wire format: lossless PCM.
WIRE_FORMAT = {"flac": "pcm", "ogg": "pcm"}
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


class ItemRenderer:
    """Renders one queue item through the render library (cache first) and writes its file.

    Thread-safe: the library serialises its own use; each calling thread brings its client.

    Attributes:
        library: The profile's render library (cache; its history is not used for batch).
        backend: Who renders, as the cache key needs it.
    """

    def __init__(self, library: RenderLibrary, backend: Backend) -> None:
        self.library = library
        self.backend = backend

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
            ExportError: the file could not be written (disk full, permissions).
        """
        from studio.pipeline import RenderSpec, export_rendered

        spec = RenderSpec(
            item.voice_id,
            item.model,
            item.language,
            item.speed,
            item.sample_rate,
            WIRE_FORMAT.get(item.export_format, item.export_format),
            item.dictionary_ids,
        )
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
        export_rendered(rendered, path, item.export_format, overwrite=True)
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
