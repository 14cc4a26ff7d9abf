"""HistoryService: search, star, delete and reload takes; every disk access off the GUI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from studio.core.render import Rendered
from studio.library import RenderLibrary
from studio.library_io import rendered_from_take
from studio.services.messages import MessageBus, user_message
from studio.services.tasks import TaskContext, TaskRunner
from studio.store.take_record import HistoryTake

PAGE_SIZE = 200


@dataclass(frozen=True)
class HistoryQuery:
    """What the history panel asks for (all filters optional)."""

    text: str = ""
    voice_id: str | None = None
    min_stars: int = 0
    since: dt.datetime | None = None


@dataclass(frozen=True)
class HistoryPage:
    """One search's answer: the newest matching takes and how many match in all."""

    query: HistoryQuery
    takes: tuple[HistoryTake, ...]
    total: int
    voices: tuple[str, ...]


@dataclass(frozen=True)
class LoadedTake:
    """A take with its audio decoded, for replay, export or restoring its settings."""

    purpose: str
    take: HistoryTake
    rendered: Rendered


class HistoryService(QObject):
    """The takes history for the UI. Searches run on a disk worker; the newest query wins.

    Signals:
        page_ready(object HistoryPage)
        take_loaded(object LoadedTake)
        take_changed(object HistoryTake): stars changed.
        take_deleted(int take_id)
    """

    page_ready = Signal(object)
    take_loaded = Signal(object)
    take_changed = Signal(object)
    take_deleted = Signal(int)

    def __init__(
        self,
        library: RenderLibrary,
        messages: MessageBus,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._messages = messages
        self._tasks = tasks or TaskRunner(max_threads=1, parent=self)
        self._query = HistoryQuery()

    @property
    def available(self) -> bool:
        """Whether a history could be opened."""
        return self._library.takes is not None

    def search(self, query: HistoryQuery | None = None) -> None:
        """Search (or repeat the last search); the page arrives with page_ready."""
        self._query = query or self._query
        store = self._library.takes
        if store is None:
            return
        q = self._query

        def run(ctx: TaskContext) -> HistoryPage:
            voice = q.voice_id or None
            takes = store.search(q.text, voice, q.min_stars, q.since, limit=PAGE_SIZE)
            total = store.count(q.text, voice, q.min_stars, q.since)
            return HistoryPage(q, tuple(takes), total, tuple(store.voices()))

        self._tasks.submit(run, self._on_page, self._on_failed)

    def _on_page(self, page: HistoryPage) -> None:
        if page.query == self._query:  # drop answers to queries the user already changed
            self.page_ready.emit(page)

    def set_stars(self, take_id: int, stars: int) -> None:
        """Rate a take 0–5."""
        store = self._library.takes
        if store is not None:
            self._tasks.submit(
                lambda ctx: store.set_stars(take_id, stars), self.take_changed.emit, self._on_failed
            )

    def delete(self, take_id: int) -> None:
        """Delete a take and its audio file."""
        store = self._library.takes
        if store is not None:
            self._tasks.submit(
                lambda ctx: store.delete(take_id),
                lambda _ok: self.take_deleted.emit(take_id),
                self._on_failed,
            )

    def load(self, take: HistoryTake, purpose: str) -> None:
        """Read a take's audio ("play", "export" or "restore"); arrives with take_loaded."""
        store = self._library.takes
        if store is None:
            return

        def run(ctx: TaskContext) -> LoadedTake:
            store.check_audio(take)  # a missing or damaged file says so in the store's words
            return LoadedTake(purpose, take, rendered_from_take(take))

        self._tasks.submit(run, self.take_loaded.emit, self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        self._messages.error(user_message(exc, "History operation failed"))
