"""The Batch panel's table: one line per input row, errors per cell, state per item."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableView

from studio.batch.plan import BatchPlan
from studio.core.batch import TEXT_PREVIEW_CHARS, QueueItem

COLUMNS: tuple[tuple[str, str], ...] = (
    ("row", "Row"), ("id", "ID"), ("text", "Text"), ("voice", "Voice"), ("language", "Lang"),
    ("speed", "Speed"), ("format", "Format"), ("sample_rate", "Rate"), ("out", "Output"),
    ("state", "State"), ("error", "Problem"),
)  # fmt: skip
_ERROR_BRUSH = QBrush(QColor(224, 49, 49, 70))
_STATE_COLOURS = {
    "done": "#2f9e44",
    "failed": "#e03131",
    "running": "#1971c2",
    "skipped": "#868e96",
}
Index = QModelIndex | QPersistentModelIndex


@dataclass
class _Line:
    row: int
    cells: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    item: QueueItem | None = None


def _preview(item: QueueItem) -> QueueItem:
    """The item with only as much of its text as the table shows."""
    if len(item.spec.text) <= TEXT_PREVIEW_CHARS + 1:
        return item
    return replace(item, spec=replace(item.spec, text=item.spec.text[: TEXT_PREVIEW_CHARS + 1]))


class BatchTableModel(QAbstractTableModel):
    """Rows of a dry run, then of a job; invalid cells are tinted red with the reason as tip."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[_Line] = []
        self._by_row: dict[int, int] = {}

    def set_plan(self, plan: BatchPlan) -> None:
        """Show a dry run."""
        self.beginResetModel()
        self._lines = []
        for planned in plan.rows:
            cells = dict(planned.cells)
            if planned.item is not None:
                i = planned.item
                cells.update(voice=i.voice_id, language=i.language, speed=f"{i.speed:g}",
                             format=i.export_format, sample_rate=str(i.sample_rate),
                             out=i.out_name)  # fmt: skip
                cells["state"] = "ready"
            else:
                cells["state"] = "invalid"
            cells["error"] = "; ".join(f"{k}: {v}" if k else v for k, v in planned.errors.items())
            self._lines.append(_Line(planned.row, cells, dict(planned.errors)))
        self._by_row = {line.row: n for n, line in enumerate(self._lines)}
        self.endResetModel()

    def update_items(self, items: list[QueueItem]) -> None:
        """Show items' new states (adds lines for a resumed job's items).

        Items are kept with the start of their text only: a job of long texts (a folder of
        chapters) is not held whole by the window.
        """
        items = [_preview(i) for i in items]
        new = [i for i in items if i.spec.row not in self._by_row]
        if new:
            self.beginInsertRows(QModelIndex(), len(self._lines), len(self._lines) + len(new) - 1)
            for item in new:
                self._by_row[item.spec.row] = len(self._lines)
                s = item.spec
                self._lines.append(_Line(s.row, {
                    "id": s.key, "text": s.text, "voice": s.voice_id, "language": s.language,
                    "speed": f"{s.speed:g}", "format": s.export_format,
                    "sample_rate": str(s.sample_rate), "out": s.out_name,
                }))  # fmt: skip
            self.endInsertRows()
        for item in items:
            n = self._by_row[item.spec.row]
            line = self._lines[n]
            line.item = item
            line.cells["state"] = item.state
            line.cells["error"] = item.error
            self.dataChanged.emit(self.index(n, 0), self.index(n, len(COLUMNS) - 1))

    def item_at(self, row: int) -> QueueItem | None:
        """The queue item shown on a table row, if the job has started."""
        return self._lines[row].item if 0 <= row < len(self._lines) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "row":
                return line.row
            value = line.cells.get(key, "")
            return value[:TEXT_PREVIEW_CHARS] + "…" if len(value) > TEXT_PREVIEW_CHARS else value
        if role == Qt.ItemDataRole.ToolTipRole:
            return line.errors.get(key) or (line.errors.get("") if key == "error" else None)
        if role == Qt.ItemDataRole.BackgroundRole and (
            key in line.errors or (key == "row" and "" in line.errors)
        ):
            return _ERROR_BRUSH
        if role == Qt.ItemDataRole.ForegroundRole and key == "state":
            colour = _STATE_COLOURS.get(line.cells.get("state", ""))
            return QBrush(QColor(colour)) if colour else None
        return None

    def has_error(self, row: int, key: str) -> bool:
        """True when the cell of table row `row` and column `key` is invalid (for tests)."""
        return key in self._lines[row].errors


# The widest value each short column shows; the Text column takes the room that is left, so
# the whole row (State included) fits at the window's default size without scrolling. Fixed
# samples instead of ResizeToContents: that would measure every row of a 10,000-line CSV.
_COLUMN_SAMPLES = {
    "row": "00000", "id": "game_warning", "voice": "magnus", "language": "Lang",
    "speed": "Speed", "format": "Format", "sample_rate": "24000", "out": "course_01.mp3",
    "state": "skipped", "error": "Problem text",
}  # fmt: skip


def size_columns(table: QTableView) -> None:
    """Size a batch table's columns: short ones as wide as their usual values; Text stretches."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    metrics = table.fontMetrics()
    for column, (key, title) in enumerate(COLUMNS):
        if key == "text":
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            continue
        sample = _COLUMN_SAMPLES.get(key, title)
        width = max(
            metrics.horizontalAdvance(sample), header.fontMetrics().horizontalAdvance(title)
        )
        header.resizeSection(column, width + 24)  # cell margins + the sort/resize grip
