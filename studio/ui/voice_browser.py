"""The voice browser: search and filter every voice, star favourites, preview with one click."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.core.models import Voice
from studio.services.settings import Settings
from studio.services.voices import VoiceCatalog, VoiceList
from studio.ui.icons import icon
from studio.ui.voice_models import ANY, VoiceFilter, VoiceTableModel

DASHBOARD_URL = "https://app.smallest.ai/waves/voice-cloning"
CLONE_DELETE_NOTE = (
    "Clones cannot be deleted with an API key (the Waves API has no such call). "
    f'Delete it in the <a href="{DASHBOARD_URL}">Waves dashboard</a>, then press Refresh.'
)


class VoiceBrowser(QDialog):
    """Find a voice: search as you type, filter, star, preview, and use it.

    Signals:
        new_clone_requested(): Voices → New clone… from the browser.
        delete_clone_requested(str voice_id): only offered for waves-local clones.
    """

    new_clone_requested = Signal()
    delete_clone_requested = Signal(str)

    def __init__(self, catalog: VoiceCatalog, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Voices")
        self.resize(820, 520)
        self._catalog = catalog
        self._settings = settings
        self.model = VoiceTableModel(catalog, self)
        self.proxy = VoiceFilter(catalog, self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search name, accent, use case…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search voices")
        self.language = QComboBox(self)
        self.gender = QComboBox(self)
        self.accent = QComboBox(self)
        for combo, name in (
            (self.language, "Language"),
            (self.gender, "Gender"),
            (self.accent, "Accent"),
        ):
            combo.setAccessibleName(f"Filter by {name.lower()}")
            combo.setToolTip(f"Filter by {name.lower()}")
        self.clones_only = QCheckBox("&Clones only", self)
        self.favourites_only = QCheckBox("F&avourites only", self)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.clones_only)
        filters.addWidget(self.favourites_only)
        # Each filter says what it filters: three bare "Any" boxes told the user nothing.
        pickers = QHBoxLayout()
        for combo, text in (
            (self.language, "&Language"),
            (self.gender, "&Gender"),
            (self.accent, "Acc&ent"),
        ):
            label = QLabel(text, self)
            label.setBuddy(combo)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            pickers.addWidget(label)
            pickers.addWidget(combo, 1)
        filters_box = QVBoxLayout()
        filters_box.addLayout(filters)
        filters_box.addLayout(pickers)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Voices")
        self.table.setAlternatingRowColors(True)
        self.count_label = QLabel(self)

        self.preview_button = QPushButton(icon("preview"), "&Preview", self)
        self.star_button = QPushButton(icon("star"), "&Star", self)
        self.refresh_button = QPushButton(icon("refresh"), "&Refresh", self)
        self.new_clone_button = QPushButton(icon("add"), "&New clone…", self)
        self.delete_clone_button = QPushButton(icon("delete"), "&Delete clone", self)
        self.delete_clone_button.setVisible(False)
        self.local_clones = False  # True on waves-local, whose own clones can be deleted
        self.clone_note = QLabel(CLONE_DELETE_NOTE, self)
        self.clone_note.setOpenExternalLinks(True)
        self.clone_note.setWordWrap(True)
        self.clone_note.setVisible(False)
        buttons = QDialogButtonBox(self)
        self.use_button = buttons.addButton(
            "&Use this voice", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        actions = QHBoxLayout()
        for button in (self.preview_button, self.star_button, self.refresh_button,
                       self.new_clone_button, self.delete_clone_button):  # fmt: skip
            actions.addWidget(button)
        actions.addWidget(self.count_label, 1)
        actions.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(filters_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.clone_note)
        layout.addLayout(actions)

        self.search.textChanged.connect(self._on_search_text_changed)
        for combo in (self.language, self.gender, self.accent):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.clones_only.toggled.connect(self._on_filter_changed)
        self.favourites_only.toggled.connect(self._on_filter_changed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.preview_button.clicked.connect(self.preview_selected)
        self.star_button.clicked.connect(self.toggle_star)
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        self.new_clone_button.clicked.connect(self.new_clone_requested)
        self.delete_clone_button.clicked.connect(self._on_delete_clone_clicked)
        buttons.accepted.connect(self.use_selected)
        buttons.rejected.connect(self.reject)
        catalog.voices_changed.connect(self._on_voices_changed)
        catalog.favourites_changed.connect(self._on_voices_changed)
        self._on_voices_changed()
        self.search.setFocus()

    def selected_voice(self) -> Voice | None:
        """The highlighted voice."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(Qt.ItemDataRole.UserRole) if rows else None

    def select_voice(self, voice_id: str) -> bool:
        """Highlight a voice by id (if it passes the filters)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(Qt.ItemDataRole.UserRole).voice_id == voice_id:
                self.table.selectRow(row)
                return True
        return False

    @Slot()
    def preview_selected(self) -> None:
        """Play the highlighted voice's sample."""
        voice = self.selected_voice()
        if voice is not None:
            self._catalog.preview(voice, self._settings.render_spec())

    @Slot()
    def toggle_star(self) -> None:
        """Star or unstar the highlighted voice (favourites are pinned on top)."""
        voice = self.selected_voice()
        if voice is not None:
            self._catalog.toggle_favourite(voice.voice_id)
            self.select_voice(voice.voice_id)

    @Slot()
    def use_selected(self) -> None:
        """Make the highlighted voice the current one and close."""
        voice = self.selected_voice()
        if voice is not None:
            self._settings.set("synthesis/voice_id", voice.voice_id)
            self._catalog.mark_used(voice.voice_id)
        self.accept()

    @Slot()
    def _on_refresh_clicked(self) -> None:
        self._catalog.refresh(force=True)

    @Slot()
    def _on_voices_changed(self, _voices: VoiceList | None = None) -> None:
        selected = self.selected_voice()
        self.model.reload()
        voices = self._catalog.voices
        _refill(self.language, sorted({name.title() for v in voices for name in v.languages}))
        _refill(self.gender, sorted({v.gender.title() for v in voices if v.gender}))
        _refill(self.accent, sorted({v.accent.title() for v in voices if v.accent}))
        self.select_voice(selected.voice_id if selected else self._settings.voice_id)
        self._update_count()

    @Slot()
    def _on_filter_changed(self) -> None:
        self.proxy.update(
            language=self.language.currentText() or ANY,
            gender=self.gender.currentText() or ANY,
            accent=self.accent.currentText() or ANY,
            clones_only=self.clones_only.isChecked(),
            favourites_only=self.favourites_only.isChecked(),
        )
        self._update_count()

    @Slot(str)
    def _on_search_text_changed(self, text: str) -> None:
        self.proxy.update(search=text)
        self._update_count()

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.use_selected()

    @Slot()
    def _on_selection_changed(self) -> None:
        voice = self.selected_voice()
        favourite = voice is not None and self._catalog.is_favourite(voice.voice_id)
        self.star_button.setText("Un&star" if favourite else "&Star")
        self.star_button.setIcon(icon("star-filled" if favourite else "star"))
        for button in (self.preview_button, self.star_button, self.use_button):
            button.setEnabled(voice is not None)
        clone = voice is not None and voice.is_clone
        self.delete_clone_button.setVisible(clone and self.local_clones)
        self.clone_note.setVisible(clone and not self.local_clones)

    @Slot()
    def _on_delete_clone_clicked(self) -> None:
        voice = self.selected_voice()
        if voice is not None and voice.is_clone and self.local_clones:
            self.delete_clone_requested.emit(voice.voice_id)

    def _update_count(self) -> None:
        self.count_label.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} voices")


def _refill(combo: QComboBox, values: list[str]) -> None:
    current = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems([ANY, *values])
    index = combo.findText(current)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
