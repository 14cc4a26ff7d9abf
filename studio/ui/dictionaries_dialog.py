"""The dictionaries dialog: list, create, rename, edit and delete pronunciation dictionaries."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import ValidationError
from studio.core.rules import check_rules, clean_rules
from studio.services.dictionaries import DictionaryService, NamedDictionary
from studio.ui import dialogs
from studio.ui.dictionary_picker import dictionary_label
from studio.ui.icons import icon
from studio.ui.rules_import import export_rules_from, import_rules_into
from studio.ui.rules_table import RulesPane

NEW_ID = ""  # the list item of a dictionary that is not saved yet


class DictionariesDialog(QDialog):
    """Edit dictionaries through the API. A failed save keeps the table exactly as typed."""

    def __init__(self, service: DictionaryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pronunciation dictionaries")
        self.resize(860, 520)
        self._service = service
        self._current_id: str | None = None
        self._saved_rows: list[tuple[str, str]] = []
        self._pending_name = ""
        self._create_request: int | None = None  # the create() this dialog waits for

        self.list = QListWidget(self)
        self.list.setAccessibleName("Dictionaries")
        self.new_button = QPushButton(icon("add"), "&New", self)
        self.rename_button = QPushButton(icon("rename"), "Rena&me…", self)
        self.delete_button = QPushButton(icon("delete"), "&Delete", self)
        list_buttons = QHBoxLayout()
        for button in (self.new_button, self.rename_button, self.delete_button):
            list_buttons.addWidget(button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addLayout(list_buttons)

        right = RulesPane(self)
        self.title = right.title
        self.filter = right.filter
        self.table = right.table
        self.add_button = right.add_button
        self.remove_button = right.remove_button
        self.undo_button = right.undo_button
        self.import_button = right.import_button
        self.export_button = right.export_button
        self.problems = right.problems
        self.save_button = right.save_button
        self.revert_button = right.revert_button
        self.close_button = right.close_button

        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self.list.currentItemChanged.connect(self._on_list_current_changed)
        self.new_button.clicked.connect(self.new_dictionary)
        self.rename_button.clicked.connect(self._on_rename_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self._on_revert_clicked)
        self.close_button.clicked.connect(self.reject)
        self.table.rows_changed.connect(self._update_state)
        self.undo_button.clicked.connect(self.table.undo)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.table.undo)
        self.import_button.clicked.connect(self.import_rules)
        self.export_button.clicked.connect(self.export_rules)
        self.filter.textChanged.connect(self._on_filter_text_changed)
        service.dictionary_created.connect(self._on_dictionary_created)
        service.dictionaries_changed.connect(self._on_dictionaries_changed)
        service.operation_failed.connect(self._on_operation_failed)
        self._fill_list(service.dictionaries)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self._show_rules(None)

    # --- list ---------------------------------------------------------------------------------
    def _fill_list(self, entries: list[NamedDictionary], keep: str | None = None) -> None:
        keep = self._current_id if keep is None else keep
        self.list.blockSignals(True)
        self.list.clear()
        for entry in entries:
            item = QListWidgetItem(dictionary_label(entry), self.list)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
        if self._current_id == NEW_ID:
            item = QListWidgetItem(f"{self._pending_name or 'New dictionary'} (not saved)")
            item.setData(Qt.ItemDataRole.UserRole, NEW_ID)
            self.list.addItem(item)
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == keep:
                self.list.setCurrentRow(row)
        self.list.blockSignals(False)

    @Slot(int, object)
    def _on_dictionary_created(self, request: int, entry: NamedDictionary | None) -> None:
        # Only our own create() names the new dictionary: a refresh or another caller may list
        # new ids too, and adopting one of those would make Save overwrite it.
        if request != self._create_request or self._current_id != NEW_ID or entry is None:
            return
        self._create_request = None
        self._current_id = entry.id

    @Slot(object)
    def _on_dictionaries_changed(self, entries: list[NamedDictionary]) -> None:
        self._fill_list(entries)
        entry = self._service.find(self._current_id or "")
        if (entry is not None and not self.is_dirty()) or (
            entry is not None and self._rows_equal(entry)
        ):
            self._show_rules(entry)

    def _rows_equal(self, entry: NamedDictionary) -> bool:
        saved = [(i.word, i.pronunciation) for i in entry.dictionary.items]
        try:
            current = [(i.word, i.pronunciation) for i in clean_rules(self.table.rows())]
        except ValidationError:
            return False
        return saved == current

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_list_current_changed(
        self, current: QListWidgetItem | None, previous: QListWidgetItem | None
    ) -> None:
        if current is None:
            return
        dict_id = current.data(Qt.ItemDataRole.UserRole)
        if dict_id == self._current_id:
            return
        if not self._may_discard_changes():
            self.list.blockSignals(True)
            if previous is not None:
                self.list.setCurrentItem(previous)
            self.list.blockSignals(False)
            return
        self._show_rules(self._service.find(dict_id))

    def _show_rules(self, entry: NamedDictionary | None) -> None:
        self._current_id = entry.id if entry else None
        rows = [(i.word, i.pronunciation) for i in entry.dictionary.items] if entry else []
        self._saved_rows = rows
        self.table.set_rows(rows)
        # A name nobody gave is made from the server's words: escaped, never markup.
        name = html.escape(entry.name) if entry else ""
        self.title.setText(f"<b>{name}</b>" if entry else "Create a dictionary with New.")
        self._update_state()

    @Slot()
    def new_dictionary(self) -> None:
        """Start an unsaved dictionary with one empty rule."""
        name = dialogs.ask_name(
            self, "New dictionary", "Name of the new dictionary:", "My dictionary"
        )
        if name is None:
            return
        self._current_id = NEW_ID
        self._pending_name = name.strip() or "My dictionary"
        self._saved_rows = []
        self._fill_list(self._service.dictionaries, keep=NEW_ID)
        self.table.set_rows([("", "")])
        self.title.setText(f"<b>{html.escape(self._pending_name)}</b> (not saved yet)")
        self.table.edit_cell(0, 0)
        self._update_state()

    @Slot()
    def _on_rename_clicked(self) -> None:
        entry = self._service.find(self._current_id or "")
        if entry is None:
            return
        name = dialogs.ask_name(self, "Rename dictionary", "New name:", entry.name)
        if name and name.strip():
            self._service.rename(entry.id, name)

    @Slot()
    def _on_delete_clicked(self) -> None:
        entry = self._service.find(self._current_id or "")
        if entry is not None and dialogs.ask(
            self,
            "Delete dictionary?",
            f"Delete '{entry.name}' and its {entry.dictionary.word_count} rules from the server?",
        ):
            self._service.delete(entry.id)
            self._show_rules(None)

    # --- rules --------------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        """Whether the table differs from what the server has."""
        return self._current_id == NEW_ID or self.table.rows() != self._saved_rows

    @Slot()
    def _on_add_clicked(self) -> None:
        self.filter.clear()
        row = self.table.add_row()
        self.table.setCurrentCell(row, 0)
        self.table.edit_cell(row, 0)
        self._update_state()

    @Slot()
    def _on_remove_clicked(self) -> None:
        self.table.remove_rows(sorted({i.row() for i in self.table.selectedIndexes()}))

    @Slot()
    def _on_revert_clicked(self) -> None:
        self._show_rules(self._service.find(self._current_id or ""))

    @Slot(str)
    def _on_filter_text_changed(self, text: str) -> None:
        needle = text.lower()
        for row, (word, pronunciation) in enumerate(self.table.rows()):
            hidden = bool(needle) and needle not in f"{word}\n{pronunciation}".lower()
            self.table.setRowHidden(row, hidden)

    def _update_state(self) -> None:
        problems = check_rules(self.table.rows())
        shown = [
            p
            for p in problems
            if not (
                p.kind == "empty"
                and p.row == len(self.table.rows()) - 1
                and not any(self.table.rows()[p.row])
            )
        ]
        self.problems.setText("\n".join(p.message for p in shown[:4]))
        has_dict = self._current_id is not None
        for button in (
            self.add_button,
            self.remove_button,
            self.table,
            self.import_button,
            self.export_button,
        ):
            button.setEnabled(has_dict)
        self.undo_button.setEnabled(has_dict and self.table.can_undo())
        self.rename_button.setEnabled(bool(self._current_id))
        self.delete_button.setEnabled(bool(self._current_id))
        self.save_button.setEnabled(has_dict and self.is_dirty())
        self.revert_button.setEnabled(has_dict and self.is_dirty())

    @Slot()
    def import_rules(self) -> None:
        """Read a CSV/TSV file, preview it with its problems, then add or replace the rules."""
        import_rules_into(self, self.table, self.problems)

    @Slot()
    def export_rules(self) -> None:
        """Write the rules as CSV (or TSV for a .tsv name), UTF-8."""
        entry = self._service.find(self._current_id or "")
        export_rules_from(self, self.table, entry.name if entry else "dictionary", self.problems)

    @Slot()
    def save(self) -> None:
        """Validate and save the table; on failure nothing in the table changes."""
        try:
            items = clean_rules(self.table.rows())
        except ValidationError as exc:
            self.problems.setText(exc.user_message)
            return
        if not items:
            self.problems.setText("Add at least one rule: the API needs one to save.")
            return
        if self._current_id == NEW_ID:
            if self._create_request is not None:
                return  # already being created: a second click must not make a second one
            self._create_request = self._service.create(self._pending_name, items)
        elif self._current_id:
            self._service.update(self._current_id, items)
        self.problems.setText("Saving…")

    def reject(self) -> None:
        """Close (Esc, Close) — but ask before throwing away unsaved rules."""
        if self._may_discard_changes():
            super().reject()

    def _may_discard_changes(self) -> bool:
        """True when nothing is unsaved, or the user agrees to throw the changes away."""
        return not self.is_dirty() or dialogs.ask(
            self, "Discard changes?", "This dictionary has unsaved changes. Discard them?"
        )

    @Slot(str)
    def _on_operation_failed(self, message: str) -> None:
        self._create_request = None
        self.problems.setText(f"Not saved: {message} Your rules are still here.")
