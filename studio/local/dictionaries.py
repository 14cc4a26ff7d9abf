"""Pronunciation dictionaries (§7): persisted in the data folder and applied before synthesis."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from studio.core.wordmatch import apply_rules  # re-exported for older imports
from studio.local.ids import iso_now, new_object_id
from studio.local.storage import atomic_write_json, read_json_list

DICTS_FILE = "pronunciation_dicts.json"
__all__ = ["DictionaryStore", "apply_rules"]


class DictionaryStore:
    """All dictionaries of this server, in memory and in `<data_dir>/pronunciation_dicts.json`.

    Attributes:
        path: The JSON file.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / DICTS_FILE
        self._lock = threading.Lock()
        self._dicts: dict[str, dict[str, Any]] = {}
        for entry in read_json_list(self.path):
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                self._dicts[entry["id"]] = entry

    def all(self) -> list[dict[str, Any]]:
        """Every dictionary, oldest first: `{"id", "items", "createdAt"}`."""
        with self._lock:
            return [dict(entry) for entry in self._dicts.values()]

    def get(self, dict_id: str) -> dict[str, Any] | None:
        """One dictionary, or None."""
        with self._lock:
            entry = self._dicts.get(dict_id)
            return dict(entry) if entry else None

    def create(self, items: list[dict[str, str]]) -> dict[str, Any]:
        """Store a new dictionary and return it."""
        entry: dict[str, Any] = {"id": new_object_id(), "items": items, "createdAt": iso_now()}
        with self._lock:
            self._dicts[entry["id"]] = entry
            self._save()
        return dict(entry)

    def update(self, dict_id: str, items: list[dict[str, str]]) -> dict[str, Any] | None:
        """Replace a dictionary's items; None if it does not exist."""
        with self._lock:
            entry = self._dicts.get(dict_id)
            if entry is None:
                return None
            self._dicts[dict_id] = {**entry, "items": items}
            self._save()
        return {"id": dict_id, "items": items}

    def delete(self, dict_id: str) -> bool:
        """Remove a dictionary; False if it did not exist."""
        with self._lock:
            if self._dicts.pop(dict_id, None) is None:
                return False
            self._save()
        return True

    def rules(self, dict_ids: tuple[str, ...]) -> list[tuple[str, str]]:
        """The (word, pronunciation) pairs of these dictionaries, in request order."""
        with self._lock:
            return [
                (item["word"], item["pronunciation"])
                for dict_id in dict_ids
                for item in self._dicts.get(dict_id, {}).get("items", [])
            ]

    def _save(self) -> None:
        atomic_write_json(self.path, list(self._dicts.values()))
