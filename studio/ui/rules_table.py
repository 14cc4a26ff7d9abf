"""The rules table of the dictionaries dialog: edit, sort, filter, undo, import and export."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.ui.icons import icon

Rows = list[tuple[str, str]]
UNDO_LIMIT = 100


class RulesTable(QTableWidget):
    """Word -> pronunciation rows, editable in place, sortable by column, with undo.

    Every change (typing in a cell, adding, removing, importing) can be undone with `undo()`
    (Ctrl+Z in the dialog); programmatic loads reset the history.

    Signals:
        rows_changed(): after any change to the rows.
    """

    rows_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(["Word (case-sensitive)", "Pronunciation (respelling)"])
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSortIndicatorShown(True)
        self.horizontalHeader().setSectionsClickable(True)
        self.verticalHeader().setDefaultSectionSize(26)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAccessibleName("Rules")
        self._undo: list[Rows] = []
        self._shown: Rows = []
        self.itemChanged.connect(self._on_item_changed)
        self.horizontalHeader().sectionClicked.connect(self._on_header_clicked)

    # --- reading and writing rows ---------------------------------------------------------------
    def rows(self) -> Rows:
        """The table as (word, pronunciation) pairs, in display order."""
        return [(self._text(r, 0), self._text(r, 1)) for r in range(self.rowCount())]

    def _text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""

    def _fill(self, rows: Rows) -> None:
        self.blockSignals(True)
        self.setRowCount(0)
        for word, pronunciation in rows:
            row = self.rowCount()
            self.insertRow(row)
            self.setItem(row, 0, QTableWidgetItem(word))
            self.setItem(row, 1, QTableWidgetItem(pronunciation))
        self.blockSignals(False)
        self._shown = self.rows()
        self.rows_changed.emit()

    def set_rows(self, rows: Rows) -> None:
        """Load rows (from the server); clears the undo history."""
        self._undo.clear()
        self._fill(rows)

    def change(self, rows: Rows) -> None:
        """Replace the rows as one undoable step."""
        self._push()
        self._fill(rows)

    def add_row(self, word: str = "", pronunciation: str = "") -> int:
        """Append a row (undoable); returns its index."""
        self.change([*self.rows(), (word, pronunciation)])
        return self.rowCount() - 1

    def remove_rows(self, indexes: list[int]) -> None:
        """Delete rows (undoable)."""
        drop = set(indexes)
        self.change([row for i, row in enumerate(self.rows()) if i not in drop])

    def edit_cell(self, row: int, column: int) -> None:
        """Open the editor on a cell."""
        item = self.item(row, column)
        if item is not None:
            self.setCurrentItem(item)
            self.editItem(item)

    # --- undo and sort ------------------------------------------------------------------------
    def can_undo(self) -> bool:
        """Whether there is a step to undo."""
        return bool(self._undo)

    def undo(self) -> None:
        """Go back one step."""
        if self._undo:
            self._fill(self._undo.pop())

    def _push(self) -> None:
        self._undo.append(self._shown)
        del self._undo[:-UNDO_LIMIT]

    @Slot(QTableWidgetItem)
    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        self._push()
        self._shown = self.rows()
        self.rows_changed.emit()

    @Slot(int)
    def _on_header_clicked(self, column: int) -> None:
        header = self.horizontalHeader()
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        rows = sorted(self.rows(), key=lambda r: r[column].casefold(), reverse=descending)
        self.change(rows)


class RulesPane(QWidget):
    """The right side of the dictionaries dialog: title, filter, rules table and its buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter rules…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter rules")
        self.table = RulesTable(self)
        self.add_button = QPushButton(icon("add"), "&Add rule", self)
        self.remove_button = QPushButton(icon("remove"), "&Remove rule", self)
        self.undo_button = QPushButton("&Undo", self)
        self.undo_button.setToolTip("Undo the last change to the rules (Ctrl+Z)")
        self.import_button = QPushButton("&Import…", self)
        self.import_button.setToolTip("Add or replace rules from a CSV or TSV file")
        self.export_button = QPushButton("E&xport…", self)
        self.export_button.setToolTip("Save the rules as CSV or TSV")
        self.problems = QLabel(self)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)  # may quote the server
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Problems")
        self.save_button = QPushButton(icon("save"), "&Save changes", self)
        self.save_button.setDefault(True)
        self.revert_button = QPushButton("Re&vert", self)
        self.close_button = QPushButton("&Close", self)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.remove_button,
            self.undo_button,
            self.import_button,
            self.export_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.revert_button, self.save_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
