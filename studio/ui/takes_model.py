"""The history table's model: one row per take, with names, dictionaries and use counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from studio.store.take_record import HistoryTake
from studio.ui.row_model import RowTableModel

COLUMNS = ("When", "Text", "Voice", "Dictionaries", "Speed", "Audio", "Length", "Stars", "Uses")
TEXT_COLUMN = 1
NAME_CHARS = 16  # voice and dictionary names longer than this are cut (the tooltip has them):
# at 1366x768 the table is ~640 px wide and the text must keep most of it
Index = QModelIndex | QPersistentModelIndex


def when_text(iso: str) -> str:
    """ "14:03" today, else "2026-11-24 14:03", in local time."""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return iso
    if moment.date() == dt.date.today():
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def _short(text: str, limit: int = NAME_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TakesModel(RowTableModel[HistoryTake]):
    """Takes as table rows (newest first, as the search returns them).

    Attributes:
        voice_name: Voice id -> display name (ids until the window sets it).
        dictionary_name: Dictionary id -> name ("" shows the id).
        current_id: The take on screen (shown in bold), or None.
    """

    columns = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.voice_name: Callable[[str], str] = str
        self.dictionary_name: Callable[[str], str] = lambda _id: ""
        self.current_id: int | None = None

    def refresh(self) -> None:
        """Redraw every row (names or the current take changed)."""
        if self.items:
            last = self.index(len(self.items) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def dictionaries_text(self, take: HistoryTake) -> str:
        """The dictionaries' names, or "none"."""
        names = [self.dictionary_name(i) or i for i in take.dictionary_ids]
        return ", ".join(names) if names else "none"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid():
            if self.items[index.row()].take_id == self.current_id:
                font = QFont()
                font.setBold(True)
                return font
            return None
        return super().data(index, role)

    @property
    def takes(self) -> list[HistoryTake]:
        """The takes shown."""
        return self.items

    def set_takes(self, takes: list[HistoryTake]) -> None:
        """Replace all rows."""
        self.set_items(takes)

    def replace(self, take: HistoryTake) -> None:
        """Update one take in place (after a star change)."""
        for row, old in enumerate(self.items):
            if old.take_id == take.take_id:
                self.items[row] = take
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def tooltip(self, take: HistoryTake) -> str:
        """The whole text, voice, dictionaries, model and language, uses and request ids."""
        ids = ", ".join(i for i in take.server_request_ids if i) or "-"
        lines = [
            take.text,
            "",
            f"Voice: {self.voice_name(take.voice_id)} ({take.voice_id})",
            f"Dictionaries: {self.dictionaries_text(take)}",
            f"{take.model}, {take.language}, {take.backend}; request id {ids}",
        ]
        if take.cache_uses:
            times = "once" if take.cache_uses == 1 else f"{take.cache_uses} times"
            lines.append(
                f"Played again from the cache {times} (last {when_text(take.last_used_at)})"
            )
        if take.take_id == self.current_id:
            lines.append("This is the clip on screen.")
        return "\n".join(lines)

    def cells(self, take: HistoryTake) -> tuple[str, ...]:
        """When, text, voice, dictionaries, speed, audio, length, stars and uses."""
        uses = f"{take.uses}×" if take.uses > 1 else "1"
        if take.transport == "cache":  # kept before repeats were counted
            uses = "from cache"
        return (
            when_text(take.created_at),
            " ".join(take.text.split())[:300],
            _short(self.voice_name(take.voice_id)),
            _short(self.dictionaries_text(take), NAME_CHARS + 8),
            f"{take.speed:g}×",
            f"{take.output_format} {take.sample_rate / 1000:g} kHz",
            f"{take.duration_s:.1f} s",
            "★" * take.stars,
            uses,
        )
