"""RenderLibrary: render through the cache (a repeat costs no credits) and keep each take."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import StudioError
from studio.core.models import PronunciationDict
from studio.core.render import Rendered, RenderSpec
from studio.core.text import check_render_length
from studio.pipeline import SamplesCallback, render_text
from studio.store.keys import dictionary_hash, render_key, rules_by_id

if TYPE_CHECKING:  # imported lazily: requests and websockets cost ~85 ms at start-up
    from studio.api.client import WavesClient
    from studio.store.cache import RenderCache  # the stores (SQLite): when they are opened
    from studio.store.take_record import HistoryTake
    from studio.store.takes import TakeStore

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
    With `deferred=True` nothing is opened until `open()` or the first use of `takes`, `cache`
    or `open_warning` (the app opens it off the GUI thread once its window is up: creating,
    migrating and checking two SQLite files costs 10-100 ms of disk I/O).

    Attributes:
        takes: The history (None when it could not be opened).
        cache: The render cache (None when it could not be opened).
        open_warning: Why the history or cache could not be opened, for the user.
    """

    def __init__(self, folder: Path, cache_max_bytes: int, *, deferred: bool = False) -> None:
        self.folder = folder
        self._cache_max_bytes = cache_max_bytes
        self._open_warning = ""
        self._takes: TakeStore | None = None
        self._cache: RenderCache | None = None
        self._opened = False
        self._open_lock = threading.Lock()
        if not deferred:
            self.open()

    def open(self) -> str:
        """Open the history and the cache (once; later calls wait for it); the open warning."""
        with self._open_lock:
            if not self._opened:
                self._open()
                self._opened = True
        return self._open_warning

    def _open(self) -> None:
        from studio.store.cache import RenderCache
        from studio.store.takes import TakeStore

        folder = self.folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._takes = TakeStore(folder / HISTORY_FILE)
            if self._takes.recovered_message:
                self._open_warning = self._takes.recovered_message
        except (StudioError, OSError) as exc:
            self._open_warning = _open_message(exc, folder)
        _sweep(folder / WORK_FOLDER)
        try:
            self._cache = RenderCache(folder / CACHE_FOLDER, self._cache_max_bytes)
        except (StudioError, OSError) as exc:
            self._open_warning = self._open_warning or _open_message(exc, folder)

    @property
    def takes(self) -> TakeStore | None:
        """The history (opened on first use); None when it could not be opened."""
        self.open()
        return self._takes

    @takes.setter
    def takes(self, store: TakeStore | None) -> None:
        self.open()
        self._takes = store

    @property
    def cache(self) -> RenderCache | None:
        """The render cache (opened on first use); None when it could not be opened."""
        self.open()
        return self._cache

    @cache.setter
    def cache(self, store: RenderCache | None) -> None:
        self.open()
        self._cache = store

    @property
    def open_warning(self) -> str:
        """Why the history or cache could not be opened ("" when both are fine)."""
        return self.open()

    def set_cache_limit(self, max_bytes: int) -> None:
        """Change the cache's size limit (evicting the least recently used audio if needed)."""
        if self.cache is not None:
            try:
                self.cache.set_max_bytes(max_bytes)
            except StudioError as exc:
                log.warning("Cache limit not changed: %s", exc.user_message)

    def close(self) -> None:
        """Close the history and the cache (nothing to do when they were never opened)."""
        with self._open_lock:
            self._opened = True  # a use after close must not reopen them
        for store in (self._takes, self._cache):
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
        check_render_length(text)  # before the text is hashed into a key
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
