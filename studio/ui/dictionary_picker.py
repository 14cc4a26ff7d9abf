"""The dictionary picker: tick the pronunciation dictionaries every render should apply."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.services.dictionaries import DictionaryService, NamedDictionary
from studio.services.settings import Settings
from studio.ui.icons import icon
from studio.ui.theme import mark_as_hint


def dictionary_label(entry: NamedDictionary) -> str:
    """ "Brand names · 12 words"."""
    count = entry.dictionary.word_count
    return f"{entry.name}  ·  {count} word{'s' * (count != 1)}"


class DictionaryPicker(QWidget):
    """A checkable list of dictionaries bound to `synthesis/dictionary_ids`.

    A ticked id the server no longer has stays visible as "missing", so a failing render is
    explained rather than silently changed.

    Signals:
        edit_requested(): open the dictionaries dialog.
    """

    edit_requested = Signal()

    def __init__(
        self, settings: Settings, dictionaries: DictionaryService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._service = dictionaries
        self._updating = False
        title = QLabel("Pronunciation &dictionaries", self)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Pronunciation dictionaries")
        self.list.setMinimumHeight(90)
        title.setBuddy(self.list)
        self.refresh_button = QPushButton(icon("refresh"), "", self)
        self.refresh_button.setToolTip("Reload dictionaries from the server")
        self.refresh_button.setAccessibleName("Reload dictionaries")
        self.edit_button = QPushButton(icon("dictionary"), "Edit…", self)
        self.edit_button.setToolTip("Create, rename, edit and delete dictionaries (Ctrl+D)")
        header = QHBoxLayout()
        header.addWidget(title, 1)
        header.addWidget(self.refresh_button)
        header.addWidget(self.edit_button)
        self.empty_label = QLabel("No dictionaries yet. Use Edit… to create one.", self)
        self.empty_label.setWordWrap(True)
        mark_as_hint(self.empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label)
        self.list.itemChanged.connect(self._on_list_item_changed)
        self.refresh_button.clicked.connect(dictionaries.refresh)
        self.edit_button.clicked.connect(self.edit_requested)
        dictionaries.dictionaries_changed.connect(self._on_dictionaries_changed)
        settings.changed.connect(self._on_settings_changed)
        self._fill(dictionaries.dictionaries)

    def checked_ids(self) -> list[str]:
        """Ids of the ticked dictionaries, in list order."""
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _fill(self, entries: list[NamedDictionary]) -> None:
        self._updating = True
        try:
            selected = self._settings.dictionary_ids
            self.list.clear()
            known = set()
            for entry in entries:
                known.add(entry.id)
                self._add(dictionary_label(entry), entry.id, entry.id in selected)
            for missing in (i for i in selected if i not in known):
                item = self._add(f"Missing dictionary {missing[-6:]}", missing, True)
                item.setToolTip("The server does not have this dictionary; untick it.")
            self.empty_label.setVisible(self.list.count() == 0)
        finally:
            self._updating = False

    def _add(self, label: str, dict_id: str, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(label, self.list)
        item.setData(Qt.ItemDataRole.UserRole, dict_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

    @Slot(object)
    def _on_dictionaries_changed(self, entries: list[NamedDictionary]) -> None:
        self._fill(entries)

    @Slot(str)
    def _on_settings_changed(self, key: str) -> None:
        if key in ("synthesis/dictionary_ids", "dictionaries/names") and not self._updating:
            self._fill(self._service.dictionaries)

    @Slot(QListWidgetItem)
    def _on_list_item_changed(self, _item: QListWidgetItem) -> None:
        if self._updating:
            return
        self._updating = True
        try:
            self._settings.set("synthesis/dictionary_ids", self.checked_ids())
        finally:
            self._updating = False
