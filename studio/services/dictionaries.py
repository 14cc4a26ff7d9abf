"""DictionaryService: pronunciation dictionaries through the API, with names kept locally."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from studio.core.errors import StudioError
from studio.core.models import PronunciationDict, PronunciationItem
from studio.services.backend import BackendService
from studio.services.messages import MessageBus, user_message
from studio.services.settings import Settings
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # imported lazily: requests and websockets cost ~85 ms at start-up
    from studio.api.client import WavesClient


@dataclass(frozen=True)
class NamedDictionary:
    """A dictionary with the name the user gave it (the API has no name field, §7).

    Attributes:
        dictionary: The API object.
        name: The local name, or a name made from its first words.
    """

    dictionary: PronunciationDict
    name: str

    @property
    def id(self) -> str:
        """The dictionary id."""
        return self.dictionary.id


def default_name(dictionary: PronunciationDict) -> str:
    """A readable name for a dictionary nobody named: its first words."""
    words = [item.word for item in dictionary.items[:3]]
    more = "…" if dictionary.word_count > 3 else ""
    return ", ".join(words) + more if words else f"Dictionary {dictionary.id[-6:]}"


class DictionaryService(QObject):
    """Lists, creates, edits and deletes dictionaries on the active backend.

    Names live in settings (`dictionaries/names`), keyed by id, because the API stores none.

    Signals:
        dictionaries_changed(object list[NamedDictionary])
        dictionary_created(int request, object NamedDictionary): the dictionary `create()`
            numbered `request` now exists; sent just before `dictionaries_changed`.
        operation_failed(str message): a list/create/update/delete failed (nothing was lost).
    """

    dictionaries_changed = Signal(object)
    dictionary_created = Signal(int, object)
    operation_failed = Signal(str)

    def __init__(
        self,
        backend: BackendService,
        settings: Settings,
        tasks: TaskRunner,
        messages: MessageBus,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._settings = settings
        self._tasks = tasks
        self._messages = messages
        self._dicts: list[PronunciationDict] = []
        self._changes = 0  # finished create/update/delete calls, to spot stale lists
        self._creates = 0  # create() requests made, to number them
        self._names: dict[str, str] | None = None  # id -> shown name, rebuilt after a change
        backend.backend_changed.connect(self._on_backend_changed)
        settings.changed.connect(self._on_setting_changed)

    @property
    def dictionaries(self) -> list[NamedDictionary]:
        """The last listed dictionaries, with names."""
        names: dict[str, str] = self._settings.get("dictionaries/names")
        return [NamedDictionary(d, names.get(d.id) or default_name(d)) for d in self._dicts]

    def find(self, dict_id: str) -> NamedDictionary | None:
        """The listed dictionary with this id, if any."""
        return next((d for d in self.dictionaries if d.id == dict_id), None)

    def display_name(self, dict_id: str) -> str:
        """A dictionary's name: listed, or remembered locally, else the start of its id.

        History asks this for every cell of every repaint, so the names are gathered once
        per change of the list or of the remembered names, not per call.
        """
        if self._names is None:
            remembered: dict[str, str] = self._settings.get("dictionaries/names")
            listed = {d.id: remembered.get(d.id) or default_name(d) for d in self._dicts}
            self._names = {**remembered, **listed}
        return self._names.get(dict_id) or f"{dict_id[:8]}…"

    def _on_setting_changed(self, key: str) -> None:
        if key == "dictionaries/names":
            self._names = None

    def _on_backend_changed(self, _info: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        """List dictionaries again."""
        self._run(
            lambda client, ctx: client.dictionaries(ctx.cancelled),
            partial(self._on_listed, self._changes),
        )

    def create(self, name: str, items: list[PronunciationItem]) -> int:
        """Create a dictionary and remember its name.

        Returns the request number `dictionary_created` will carry, so a caller can tell its
        own new dictionary from one that appears through a refresh or another caller.
        """
        self._creates += 1
        request = self._creates
        self._run(
            lambda client, ctx: client.create_dictionary(items, ctx.cancelled),
            partial(self._on_saved, name.strip(), request),
        )
        return request

    def update(self, dict_id: str, items: list[PronunciationItem], name: str | None = None) -> None:
        """Replace a dictionary's rules (and optionally its name)."""
        self._run(
            lambda client, ctx: client.update_dictionary(dict_id, items, ctx.cancelled),
            partial(self._on_saved, name.strip() if name is not None else None, None),
        )

    def add_rule(self, dict_id: str, word: str, pronunciation: str) -> bool:
        """Append one rule to a listed dictionary on the server; False if it is not listed."""
        entry = self.find(dict_id)
        if entry is None:
            return False
        self.update(dict_id, [*entry.dictionary.items, PronunciationItem(word, pronunciation)])
        return True

    def rename(self, dict_id: str, name: str) -> None:
        """Change a dictionary's local name."""
        self._set_name(dict_id, name.strip())
        self.dictionaries_changed.emit(self.dictionaries)

    def delete(self, dict_id: str) -> None:
        """Delete a dictionary on the server and forget its name."""
        self._run(
            lambda client, ctx: client.delete_dictionary(dict_id, ctx.cancelled),
            partial(self._on_deleted, dict_id),
        )

    def _run(self, call: Callable[[WavesClient, TaskContext], Any], done: Callable[[Any], None]):  # type: ignore[no-untyped-def]
        client = self._backend.client
        if client is None:
            return
        self._tasks.submit(
            partial(call, client),
            on_success=partial(self._finished, client, done),
            on_failure=partial(self._on_failed, client),
        )

    def _finished(self, client: WavesClient, done: Callable[[Any], None], result: Any) -> None:
        if client is self._backend.client:  # else: an answer from the previous backend
            done(result)

    def _on_listed(self, changes_seen: int, dicts: list[PronunciationDict]) -> None:
        if changes_seen != self._changes:
            # A create/update/delete finished after this list was asked for: it may miss it.
            self.refresh()
            return
        self._dicts = list(dicts)
        self._names = None
        self.dictionaries_changed.emit(self.dictionaries)

    def _on_saved(self, name: str | None, created_by: int | None, saved: PronunciationDict) -> None:
        self._changes += 1
        if name:
            self._set_name(saved.id, name)
        others = [d for d in self._dicts if d.id != saved.id]
        self._dicts = (
            [*others, saved]
            if len(others) == len(self._dicts)
            else [saved if d.id == saved.id else d for d in self._dicts]
        )
        self._names = None
        if created_by is not None:
            entry = self.find(saved.id)
            self.dictionary_created.emit(created_by, entry)
        self.dictionaries_changed.emit(self.dictionaries)
        self._messages.info("Dictionary saved.")

    def _on_deleted(self, dict_id: str, _result: object) -> None:
        self._changes += 1
        self._dicts = [d for d in self._dicts if d.id != dict_id]
        self._names = None
        names: dict[str, str] = self._settings.get("dictionaries/names")
        names.pop(dict_id, None)
        self._settings.set("dictionaries/names", names)
        selected = [i for i in self._settings.dictionary_ids if i != dict_id]
        self._settings.set("synthesis/dictionary_ids", selected)
        self.dictionaries_changed.emit(self.dictionaries)
        self._messages.info("Dictionary deleted.")

    def _set_name(self, dict_id: str, name: str) -> None:
        names: dict[str, str] = self._settings.get("dictionaries/names")
        if name:
            names[dict_id] = name[:200]
        else:
            names.pop(dict_id, None)
        self._settings.set("dictionaries/names", names)

    def _on_failed(self, client: WavesClient, exc: BaseException) -> None:
        if client is not self._backend.client:
            return
        message = user_message(exc, "Dictionary operation failed")
        if isinstance(exc, StudioError):
            self._messages.report(exc)  # with the actions that fit (Retry, offline voices…)
        else:
            self._messages.error(message)
        self.operation_failed.emit(message)
