"""RenderLibrary: render through the cache (a repeat costs no credits) and keep each take."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import StudioError, ValidationError
from studio.core.models import PronunciationDict
from studio.core.render import Rendered, RenderSpec
from studio.pipeline import ExportOptions, SamplesCallback, export_rendered, render_text
from studio.store.cache import RenderCache
from studio.store.keys import dictionary_hash, render_key, rules_by_id
from studio.store.take_record import HistoryTake
from studio.store.takes import TakeStore

if TYPE_CHECKING:  # imported lazily: requests and websockets cost ~85 ms at start-up
    from studio.api.client import WavesClient

log = logging.getLogger(__name__)
HISTORY_FILE = "history.sqlite3"
CACHE_FOLDER = "render-cache"
WORK_FOLDER = "renders"  # renders being written; each becomes a take (and a cache entry)


@dataclass(frozen=True)
class Backend:
    """Who renders, as the cache key and the takes record it.

    Attributes:
        kind: "cloud" or "local".
        base_url: The server origin.
        engine: The local server's engine set ("auto", "tone"…); "" for the cloud.
    """

    kind: str
    base_url: str
    engine: str = ""

    @property
    def identity(self) -> str:
        """The cache's backend identity: a local server by its engines (its port changes every
        run), a cloud by its address."""
        return (
            f"local:{self.engine or 'auto'}" if self.kind == "local" else f"cloud:{self.base_url}"
        )


@dataclass(frozen=True)
class LibraryRender:
    """A finished render, where it came from, and the take that keeps it.

    Attributes:
        rendered: The audio and its provenance.
        from_cache: True when no API call was made.
        take: The history entry (None when the history could not be written).
        store_warning: A user message when the history or cache failed (the render is fine).
    """

    rendered: Rendered
    from_cache: bool
    take: HistoryTake | None
    store_warning: str = ""


class RenderLibrary:
    """Renders through the render cache and records takes; Qt-free, safe from worker threads.

    A broken cache or history never stops a render: it renders normally and reports a warning.

    Attributes:
        takes: The history (None when it could not be opened).
        cache: The render cache (None when it could not be opened).
        open_warning: Why the history or cache could not be opened, for the user.
    """

    def __init__(self, folder: Path, cache_max_bytes: int) -> None:
        self.folder = folder
        self.open_warning = ""
        self.takes: TakeStore | None = None
        self.cache: RenderCache | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.takes = TakeStore(folder / HISTORY_FILE)
            if self.takes.recovered_message:
                self.open_warning = self.takes.recovered_message
        except (StudioError, OSError) as exc:
            self.open_warning = _open_message(exc, folder)
        _sweep(folder / WORK_FOLDER)
        try:
            self.cache = RenderCache(folder / CACHE_FOLDER, cache_max_bytes)
        except (StudioError, OSError) as exc:
            self.open_warning = self.open_warning or _open_message(exc, folder)

    def set_cache_limit(self, max_bytes: int) -> None:
        """Change the cache's size limit (evicting the least recently used audio if needed)."""
        if self.cache is not None:
            try:
                self.cache.set_max_bytes(max_bytes)
            except StudioError as exc:
                log.warning("Cache limit not changed: %s", exc.user_message)

    def close(self) -> None:
        """Close the history and the cache."""
        for store in (self.takes, self.cache):
            if store is not None:
                store.close()

    def render(
        self,
        client: WavesClient,
        text: str,
        spec: RenderSpec,
        *,
        backend: Backend,
        source: str,
        mode: str = "sse",
        cancel: threading.Event | None = None,
        on_samples: SamplesCallback | None = None,
        dictionaries: list[PronunciationDict] | None = None,
    ) -> LibraryRender:
        """Serve from the cache or render; then keep the take.

        When dictionaries apply, their current rules are fetched first: the key must reflect
        what the server will apply now, not what this app saw earlier. A caller that just
        fetched them (the test bench, once per run) passes them as `dictionaries`.
        """
        key, dict_hash, warning = "", "", ""
        if self.cache is not None:
            try:
                key, dict_hash = self._key(client, text, spec, backend, cancel, dictionaries)
                hit = self.cache.get(key)
            except StudioError as exc:
                log.warning("Render cache skipped: %s", exc.user_message)
                key, hit = "", None
            if hit is not None:
                try:
                    rendered = hit.to_rendered(spec)
                except StudioError as exc:  # a blob that no longer decodes: render again
                    log.warning("Cached render unusable: %s", exc.user_message)
                else:
                    if on_samples is not None:
                        from studio.audio.clipfile import read_blocks

                        for block in read_blocks(rendered.audio):
                            on_samples(block, rendered.sample_rate)
                    take, warning = self._reuse(rendered, backend, source, key, dict_hash)
                    return LibraryRender(_at_take(rendered, take).preload(), True, take, warning)
        # A work folder that cannot be written (a read-only profile) renders into the spool
        # folder instead: a broken history never stops a render.
        work: Path | None = self.folder / WORK_FOLDER
        try:
            (self.folder / WORK_FOLDER).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("Rendering outside the history folder: %s", exc)
            work = None
        rendered = render_text(client, text, spec, mode, cancel, on_samples, folder=work)
        if self.cache is not None and key:
            try:
                self.cache.put(key, rendered)
            except StudioError as exc:
                warning = exc.user_message
        take, take_warning = self._keep(rendered, backend, source, key, dict_hash)
        if take is None:
            return LibraryRender(rendered, False, take, take_warning or warning)
        # The take's file is the same bytes (a hard link); drop the work name.
        rendered.audio.path.unlink(missing_ok=True)
        rendered = _at_take(rendered, take).preload()
        return LibraryRender(rendered, False, take, take_warning or warning)

    def cache_key(
        self,
        client: WavesClient,
        text: str,
        spec: RenderSpec,
        backend: Backend,
        cancel: threading.Event | None = None,
    ) -> str:
        """The render cache's key for `text` under `spec` ("" without a cache).

        For callers that read and fill the cache themselves (batch items write the server's
        bytes straight to their file), so that their entries and the app's are one cache.

        Raises:
            StudioError: the spec's dictionaries could not be listed.
        """
        if self.cache is None:
            return ""
        return self._key(client, text, spec, backend, cancel, None)[0]

    def _key(
        self,
        client: WavesClient,
        text: str,
        spec: RenderSpec,
        backend: Backend,
        cancel: threading.Event | None,
        dictionaries: list[PronunciationDict] | None,
    ) -> tuple[str, str]:
        """The content address and the dictionary hash: rules count by content, not by id."""
        rules = rules_by_id(self._dictionaries(client, spec, cancel, dictionaries))
        key = render_key(backend.identity, spec, text, rules)
        return key, dictionary_hash(rules, spec.dictionary_ids)

    @staticmethod
    def _dictionaries(
        client: WavesClient,
        spec: RenderSpec,
        cancel: threading.Event | None,
        given: list[PronunciationDict] | None,
    ) -> list[PronunciationDict]:
        """The spec's dictionaries: from `given` when the caller fetched them, else listed now."""
        if not spec.dictionary_ids:
            return []
        wanted = set(spec.dictionary_ids)
        listed = given if given is not None else client.dictionaries(cancel)
        return [d for d in listed if d.id in wanted]

    def _reuse(
        self, rendered: Rendered, backend: Backend, source: str, key: str, dict_hash: str
    ) -> tuple[HistoryTake | None, str]:
        """A cache hit is one more use of the take it repeats, not a new take (unless that take
        was deleted)."""
        if self.takes is not None:
            try:
                take = self.takes.record_use(key, backend.kind)
            except StudioError as exc:
                log.warning("Repeat not counted: %s", exc.user_message)
                return None, exc.user_message
            if take is not None:
                return take, ""
        return self._keep(rendered, backend, source, key, dict_hash)

    def _keep(
        self, rendered: Rendered, backend: Backend, source: str, key: str, dict_hash: str
    ) -> tuple[HistoryTake | None, str]:
        if self.takes is None:
            return None, ""
        try:
            take = self.takes.add(
                rendered,
                backend=backend.kind,
                base_url=backend.base_url,
                source=source,
                cache_key=key,
                dictionary_hash=dict_hash,
            )
        except StudioError as exc:
            log.warning("Take not kept: %s", exc.user_message)
            return None, exc.user_message
        return take, ""


def _open_message(exc: BaseException, folder: Path) -> str:
    """Why the history or cache could not be opened, as a sentence."""
    if isinstance(exc, StudioError):
        return exc.user_message
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return (
        f"The history and render cache in {folder} could not be opened ({reason}), so this "
        "render is not kept and repeats are not free."
    )


def _sweep(work: Path, max_age_s: float = 24 * 3600) -> None:
    """Remove renders a killed process left in the work folder (a day old: none is in use)."""
    import time

    now = time.time()
    try:
        for entry in work.iterdir():
            if now - entry.stat().st_mtime > max_age_s:
                entry.unlink(missing_ok=True)
    except OSError:
        return  # no folder yet, or unreadable: nothing to sweep


def _at_take(rendered: Rendered, take: HistoryTake | None) -> Rendered:
    """The render with its audio at the take's file (which outlives cache eviction)."""
    if take is None:
        return rendered
    return replace(rendered, audio=replace(rendered.audio, path=Path(take.audio_path)))


def rendered_from_take(take: HistoryTake) -> Rendered:
    """Rebuild a playable, exportable `Rendered` from a take's own audio file.

    Raises:
        DecodeError: the file is missing or damaged.
    """
    from studio.audio.clipfile import open_clip

    audio = open_clip(
        Path(take.audio_path),
        take.output_format,
        take.audio_sample_rate or take.sample_rate,
        take.request_id,
        take.server_request_id,
    )
    spec = RenderSpec(
        take.voice_id,
        take.model,
        take.language,
        take.speed,
        take.sample_rate,
        take.output_format,
        take.dictionary_ids,
    )
    return Rendered(
        take.text,
        spec,
        audio,
        take.session_id,
        take.request_ids or (take.request_id,),
        take.server_request_ids,
        take.transport or "history",
    ).preload()


def render_to_file(
    client: WavesClient,
    text: str,
    spec: RenderSpec,
    out: Path,
    export_format: str,
    *,
    library: RenderLibrary | None = None,
    backend: Backend | None = None,
    source: str = "render",
    mode: str = "sse",
    cancel: threading.Event | None = None,
    on_samples: SamplesCallback | None = None,
    overwrite: bool = False,
    options: ExportOptions | None = None,
) -> LibraryRender:
    """Render text of any length and save it to `out` (atomically), in constant memory.

    The one entry point for headless renders (the `render` command, render queues): with a
    `library` (and its `backend`) the render goes through the cache and is kept as a take;
    without, it is rendered into the spool folder. The audio streams to disk as it arrives
    and the save transcodes it block by block.

    Raises:
        ValidationError: no text, or a library without a backend.
        CancelledError: `cancel` was set.
        FileExistsExportError: `out` exists and `overwrite` is False (checked first).
        ExportError: `out`'s folder is missing or not writable (checked first).
        StudioError: any API, network, decode or save failure.
    """
    from studio.audio.atomic import check_target

    # Before the render: a target that cannot be written must not cost credits first.
    check_target(out, overwrite)
    if library is not None:
        if backend is None:
            raise ValidationError("Rendering through the library needs its backend.", "backend")
        done = library.render(
            client, text, spec, backend=backend, source=source, mode=mode, cancel=cancel,
            on_samples=on_samples,
        )  # fmt: skip
    else:
        done = LibraryRender(render_text(client, text, spec, mode, cancel, on_samples), False, None)
    export_rendered(done.rendered, out, export_format, overwrite=overwrite, options=options)
    return done
