"""A read-only table model over a list of items: one row per item, columns from `cells()`."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel, Generic[T]):
    """Rows of items for QTableView; the item itself is the UserRole data of every cell.

    Subclasses set `columns` and implement `cells(item)` (and optionally `tooltip(item)`).

    Attributes:
        items: The rows, in order.
    """

    columns: tuple[str, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[T] = []

    def set_items(self, items: list[T]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def cells(self, item: T) -> tuple[str, ...]:
        """The text of each column for one item."""
        raise NotImplementedError

    def tooltip(self, item: T) -> str:
        """The tooltip of a row."""
        return ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return item
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item) or None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(item)[index.column()]
        return None
