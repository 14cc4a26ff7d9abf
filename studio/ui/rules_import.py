"""Import rules from CSV/TSV: a preview with validation, then add to or replace the table."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.core.rules import check_rules
from studio.core.rules_csv import format_rules_table, parse_rules_table
from studio.store.atomic import atomic_write_text
from studio.ui import dialogs
from studio.ui.rules_table import RulesTable

Rows = list[tuple[str, str]]
PREVIEW_ROWS = 500
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportPreviewDialog(QDialog):
    """Shows what a file holds and what is wrong with it before anything changes."""

    def __init__(
        self, file_name: str, rows: Rows, notes: list[str], current: Rows,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(f"Import {file_name}")
        self.resize(640, 480)
        self.rows = rows
        self._current = current
        self.summary = QLabel(f"{len(rows)} rules in {file_name}.", self)
        self.table = QTableWidget(min(len(rows), PREVIEW_ROWS), 2, self)
        self.table.setHorizontalHeaderLabels(["Word", "Pronunciation"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for r, (word, pronunciation) in enumerate(rows[:PREVIEW_ROWS]):
            self.table.setItem(r, 0, QTableWidgetItem(word))
            self.table.setItem(r, 1, QTableWidgetItem(pronunciation))
        self.add = QRadioButton("&Add to the current rules", self)
        self.replace = QRadioButton("&Replace the current rules", self)
        self.add.setChecked(True)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Import")
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.table, self.add, self.replace, self.problems):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.notes = notes
        self.add.toggled.connect(self._show_problems)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._show_problems()

    def result_rows(self) -> Rows:
        """The table after the import, as chosen."""
        return list(self.rows) if self.replace.isChecked() else [*self._current, *self.rows]

    def _show_problems(self) -> None:
        problems = [p.message for p in check_rules(self.result_rows())]
        lines = self.notes + problems
        more = f"\n… and {len(lines) - 8} more." if len(lines) > 8 else ""
        self.problems.setText(
            ("Check before saving:\n" + "\n".join(lines[:8]) + more)
            if lines
            else "No problems found."
        )


def import_rules_into(parent: QWidget, table: RulesTable, status: QLabel) -> None:
    """Ask for a CSV/TSV file, preview it, and add or replace the table's rules (undoable)."""
    path = dialogs.open_file_name(
        parent, "Import rules", "", ["Rules (*.csv *.tsv *.txt)", "All files (*)"]
    )
    if not path:
        return
    try:
        data = Path(path).read_bytes()
        if len(data) > MAX_IMPORT_BYTES:
            raise ValueError("the file is larger than 5 MB")
    except (OSError, ValueError) as exc:
        status.setText(f"Could not import {Path(path).name}: {getattr(exc, 'strerror', exc)}.")
        return
    try:
        text, note = data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        # Spreadsheets on Windows save "CSV" as Windows-1252; read it, and say so.
        text = data.decode("cp1252", errors="replace")
        note = "The file is not UTF-8; it was read as Windows-1252. Check accented words."
    rows, notes = parse_rules_table(text)
    if note:
        notes = [note, *notes]
    preview = ImportPreviewDialog(Path(path).name, rows, notes, table.rows(), parent)
    if preview.exec() == QDialog.DialogCode.Accepted:
        table.change(preview.result_rows())


def export_rules_from(parent: QWidget, table: RulesTable, stem: str, status: QLabel) -> None:
    """Ask where to save, then write the rules as CSV (TSV for a .tsv name), UTF-8, atomically."""
    path, _chosen = dialogs.save_file_name(
        parent, "Export rules", f"{stem}.csv", ["CSV (*.csv)", "TSV (*.tsv)"], "CSV (*.csv)"
    )
    if not path:
        return
    if Path(path).exists() and not dialogs.ask(
        parent, "Replace file?", f"{path} already exists. Replace it?"
    ):
        return
    delimiter = "\t" if path.lower().endswith(".tsv") else ","
    try:
        atomic_write_text(Path(path), format_rules_table(table.rows(), delimiter))
    except OSError as exc:
        status.setText(f"Could not export: {exc.strerror or exc}.")
        return
    status.setText(f"Exported {len(table.rows())} rules to {path}.")
