"""The one place batch rendering meets the render pipeline (RenderSpec, library, export).

Short items (a line) are written from memory in one go; a long one (a whole text file) is
transcoded from its render file block by block, so memory stays flat.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from studio.core.batch import ItemSpec

if TYPE_CHECKING:
    from studio.api.client import WavesClient
    from studio.core.render import Rendered
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
        from studio.core.render import RenderSpec

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
        if rendered.is_long:  # a long text file: transcode from its file in blocks
            from studio.pipeline import export_rendered

            export_rendered(rendered, path, item.export_format, overwrite=True)
        else:
            write_output(path, file_bytes(rendered, item.export_format))
        ids = ",".join(i for i in rendered.server_request_ids if i)
        return ItemResult(rendered.duration_s, ids, done.from_cache)


def file_bytes(rendered: Rendered, export_format: str) -> bytes:
    """The output file's bytes: the server's own bytes when they already form one valid file
    in the wanted format (no decode, no re-encode), else encoded from the samples."""
    from studio.audio.export import encode_for_export

    clip = rendered.clip
    if export_format == clip.output_format:
        if export_format in ("pcm", "ulaw", "alaw"):
            return clip.data
        if export_format == "wav" and _plain_wav(clip.data):
            return clip.data
        if export_format == "mp3" and len(rendered.request_ids) == 1:
            return clip.data
    return encode_for_export(rendered.samples, rendered.sample_rate, export_format)


def _plain_wav(data: bytes) -> bool:
    """One WAV file whose RIFF size matches its length (not streamed with placeholders)."""
    return (
        len(data) > 44
        and data[:4] == b"RIFF"
        and int.from_bytes(data[4:8], "little") + 8 == len(data)
        and data.count(b"RIFF") == 1
    )


def write_output(path: Path, data: bytes) -> None:
    """Write an item's file atomically, replacing any earlier one.

    Without `audio.atomic`'s scan of the folder for stale temp files on every save, which
    costs O(files) per item in a folder of 10,000 outputs; the runner removes its own job's
    temp files once, when a run starts.

    Raises:
        ExportError: with the OSError (errno) as its cause: disk full, permissions…
    """
    from studio.audio.atomic import write_atomically

    write_atomically(path, [data], overwrite=True, sweep=False)


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
