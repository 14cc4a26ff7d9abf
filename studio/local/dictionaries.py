"""Pronunciation dictionaries (§7): persisted in the data folder and applied before synthesis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studio.core.wordmatch import apply_rules  # re-exported for older imports
from studio.local.ids import iso_now, new_object_id
from studio.local.storage import JsonRecords

DICTS_FILE = "pronunciation_dicts.json"
__all__ = ["DictionaryStore", "apply_rules"]


class DictionaryStore:
    """All dictionaries of this server, in `<data_dir>/pronunciation_dicts.json`.

    Shared safely by every waves-local on the same data folder (see JsonRecords).

    Attributes:
        path: The JSON file.
    """

    def __init__(self, data_dir: Path) -> None:
        self._records = JsonRecords(data_dir / DICTS_FILE, "id")
        self.path = self._records.path

    def all(self) -> list[dict[str, Any]]:
        """Every dictionary, oldest first: `{"id", "items", "createdAt"}`."""
        return list(self._records.snapshot().values())

    def get(self, dict_id: str) -> dict[str, Any] | None:
        """One dictionary, or None."""
        return self._records.snapshot().get(dict_id)

    def create(self, items: list[dict[str, str]]) -> dict[str, Any]:
        """Store a new dictionary and return it."""
        entry: dict[str, Any] = {"id": new_object_id(), "items": items, "createdAt": iso_now()}

        def add(records: dict[str, dict[str, Any]]) -> tuple[None, bool]:
            records[entry["id"]] = entry
            return None, True

        self._records.change(add)
        return dict(entry)

    def update(self, dict_id: str, items: list[dict[str, str]]) -> dict[str, Any] | None:
        """Replace a dictionary's items; None if it does not exist."""

        def replace_items(records: dict[str, dict[str, Any]]) -> tuple[bool, bool]:
            if dict_id not in records:
                return False, False
            records[dict_id] = {**records[dict_id], "items": items}
            return True, True

        found, _ = self._records.change(replace_items)
        return {"id": dict_id, "items": items} if found else None

    def delete(self, dict_id: str) -> bool:
        """Remove a dictionary; False if it did not exist."""

        def remove(records: dict[str, dict[str, Any]]) -> tuple[bool, bool]:
            existed = records.pop(dict_id, None) is not None
            return existed, existed

        found, _ = self._records.change(remove)
        return found

    def missing(self, dict_ids: tuple[str, ...]) -> list[str]:
        """The ids among `dict_ids` that name no dictionary (one read of the store)."""
        if not dict_ids:  # most requests: no need to look at the file at all
            return []
        records = self._records.snapshot()
        return [dict_id for dict_id in dict_ids if dict_id not in records]

    def rules(self, dict_ids: tuple[str, ...]) -> list[tuple[str, str]]:
        """The (word, pronunciation) pairs of these dictionaries, in request order."""
        if not dict_ids:
            return []
        records = self._records.snapshot()
        return [
            (item["word"], item["pronunciation"])
            for dict_id in dict_ids
            for item in records.get(dict_id, {}).get("items", [])
        ]
