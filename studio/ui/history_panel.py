"""The history panel: every take, searchable, with replay, re-export, restore, stars and delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import (
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.services.history import HistoryPage, HistoryQuery, HistoryService
from studio.store.take_record import HistoryTake
from studio.ui.icons import icon
from studio.ui.takes_model import COLUMNS, TEXT_COLUMN, TakesModel

SINCE = (("Any time", None), ("Today", 1), ("Last 7 days", 7), ("Last 30 days", 30))


class HistoryPanel(QWidget):
    """Search and act on takes.

    Signals:
        play_requested(object HistoryTake)
        export_requested(object HistoryTake)
        restore_requested(object HistoryTake): put its text and settings back in the editor.
    """

    play_requested = Signal(object)
    export_requested = Signal(object)
    restore_requested = Signal(object)

    def __init__(self, history: HistoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history = history
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search the text of every take…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search takes")
        self.voice = QComboBox(self)
        self.voice.setAccessibleName("Filter takes by voice")
        self.voice.addItem("Any voice", "")
        self.stars = QComboBox(self)
        self.stars.setAccessibleName("Filter takes by stars")
        for n in range(6):
            self.stars.addItem("Any rating" if n == 0 else "★" * n + " or more", n)
        self.since = QComboBox(self)
        self.since.setAccessibleName("Filter takes by date")
        for label, days in SINCE:
            self.since.addItem(label, days)
        self.count = QLabel(self)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for combo in (self.voice, self.stars, self.since):
            filters.addWidget(combo)
        filters.addWidget(self.count)

        self.model = TakesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # The text takes what the short columns leave; they fit their contents.
        for column in range(len(COLUMNS)):
            mode = QHeaderView.ResizeMode.ResizeToContents
            if column == TEXT_COLUMN:
                mode = QHeaderView.ResizeMode.Stretch
            header.setSectionResizeMode(column, mode)
        header.setStretchLastSection(False)
        self.table.setAccessibleName("Takes")
        self.table.setAlternatingRowColors(True)

        self.play_button = QPushButton(icon("play"), "Pla&y", self)
        self.export_button = QPushButton(icon("save"), "Sav&e…", self)
        self.restore_button = QPushButton(icon("refresh"), "&Use settings", self)
        self.restore_button.setToolTip("Put this take's text and settings back in the editor")
        self.rate = QComboBox(self)
        self.rate.setAccessibleName("Rate take")
        for n in range(6):
            self.rate.addItem("No stars" if n == 0 else "★" * n, n)
        self.delete_button = QPushButton(icon("delete"), "De&lete", self)
        actions = QHBoxLayout()
        for widget in (self.play_button, self.export_button, self.restore_button, self.rate):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.delete_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.voice, self.stars, self.since):
            combo.currentIndexChanged.connect(self.run_search)
        self.table.doubleClicked.connect(self._on_play_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.play_button.clicked.connect(self._on_play_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.rate.activated.connect(self._on_rate_activated)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        history.page_ready.connect(self._on_page_ready)
        history.take_changed.connect(self.model.replace)
        history.take_deleted.connect(self._on_take_deleted)
        self._on_selection_changed()
        if not history.available:
            self.count.setText("History unavailable")

    def set_names(
        self, voice_name: Callable[[str], str], dictionary_name: Callable[[str], str]
    ) -> None:
        """How to name voices and dictionaries (ids are shown until this is called)."""
        self.model.voice_name = voice_name
        self.model.dictionary_name = dictionary_name
        self.model.refresh()

    @Slot()
    def refresh_names(self) -> None:
        """Voices or dictionaries were loaded or renamed: redraw the names."""
        self.model.refresh()

    def set_current_take(self, take_id: int | None) -> None:
        """Mark the take that is the clip on screen (None: the clip is not a take)."""
        self.model.current_id = take_id
        self.model.refresh()

    def query(self) -> HistoryQuery:
        """The filters as a query."""
        days = self.since.currentData()
        since = None
        if days:
            today = (
                dt.datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
            )
            since = today - dt.timedelta(days=days - 1)
        return HistoryQuery(
            self.search.text().strip(),
            self.voice.currentData() or None,
            int(self.stars.currentData() or 0),
            since,
        )

    @Slot()
    def run_search(self) -> None:
        """Search now with the current filters."""
        self._history.search(self.query())

    def selected(self) -> HistoryTake | None:
        """The highlighted take."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(Qt.ItemDataRole.UserRole) if rows else None

    @Slot(object)
    def _on_page_ready(self, page: HistoryPage) -> None:
        selected = self.selected()
        self.model.set_takes(list(page.takes))
        shown = len(page.takes)
        more = f" (newest {shown} shown)" if page.total > shown else ""
        self.count.setText(f"{page.total} take{'s' * (page.total != 1)}{more}")
        current = self.voice.currentData()
        self.voice.blockSignals(True)
        self.voice.clear()
        self.voice.addItem("Any voice", "")
        for voice in page.voices:
            self.voice.addItem(self.model.voice_name(voice), voice)
        self.voice.setCurrentIndex(max(0, self.voice.findData(current)))
        self.voice.blockSignals(False)
        if selected is not None:
            for row, take in enumerate(self.model.takes):
                if take.take_id == selected.take_id:
                    self.table.selectRow(row)

    @Slot(int)
    def _on_take_deleted(self, _take_id: int) -> None:
        self.run_search()

    @Slot()
    def _on_selection_changed(self) -> None:
        take = self.selected()
        for widget in (
            self.play_button,
            self.export_button,
            self.restore_button,
            self.rate,
            self.delete_button,
        ):
            widget.setEnabled(take is not None)
        if take is not None:
            self.rate.setCurrentIndex(take.stars)

    @Slot()
    def _on_play_clicked(self) -> None:
        take = self.selected()
        if take is not None:
            self.play_requested.emit(take)

    @Slot()
    def _on_export_clicked(self) -> None:
        take = self.selected()
        if take is not None:
            self.export_requested.emit(take)

    @Slot()
    def _on_restore_clicked(self) -> None:
        take = self.selected()
        if take is not None:
            self.restore_requested.emit(take)

    @Slot(int)
    def _on_rate_activated(self, index: int) -> None:
        take = self.selected()
        if take is not None:
            self._history.set_stars(take.take_id, index)

    @Slot()
    def _on_delete_clicked(self) -> None:
        from studio.ui import dialogs

        take = self.selected()
        if take is not None and dialogs.ask(
            self, "Delete take?", "Delete this take and its audio file?"
        ):
            self._history.delete(take.take_id)
