"""The audition grid: up to nine takes of one line, played with keys 1–9, Tab, A/B and L."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.services.audition import AuditionService, Cell
from studio.ui.audition_cell import CellWidget
from studio.ui.icons import icon
from studio.ui.theme import mark_as_hint

PRESETS = (
    ("favourites", "My favourite voices"),
    ("language", "All voices for this language"),
    ("speeds", "This voice at 0.9 / 1.0 / 1.1×"),
)


class AuditionPanel(QWidget):
    """The grid with its presets and listening keys.

    Keys (when the grid has focus): 1–9 play a cell, Tab plays the next, A and B play the two
    chosen cells from the same point in the line, L loops.

    Signals:
        render_requested(str preset)
        use_requested(int cell index)
    """

    render_requested = Signal(str)
    use_requested = Signal(int)

    def __init__(
        self,
        service: AuditionService,
        parent: QWidget | None = None,
        voice_name: Callable[[str], str] = str,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.voice_name = voice_name  # "Joe" for "joe": cells say what the voice menu says
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Audition grid")
        self.preset = QComboBox(self)
        self.preset.setAccessibleName("Candidates")
        for value, label in PRESETS:
            self.preset.addItem(label, value)
        self.render_button = QPushButton(icon("synthesize"), "Render &grid", self)
        self.render_button.setToolTip(
            "Render the line (or the selection) for every candidate (Ctrl+G)"
        )
        self.blind = QCheckBox("&Blind", self)
        self.blind.setToolTip("Shuffle the cells and hide the voices until you reveal them")
        self.reveal_button = QPushButton("R&eveal", self)
        self.loop = QCheckBox("&Loop (L)", self)
        self.help = QLabel("1–9 play · Tab next · A/B compare · L loop", self)
        mark_as_hint(self.help)
        header = QHBoxLayout()
        for widget in (self.preset, self.render_button, self.blind, self.reveal_button, self.loop):
            header.addWidget(widget)
        header.addStretch(1)
        header.addWidget(self.help)
        self.cells = [CellWidget(slot, self, voice_name) for slot in range(9)]
        grid = QGridLayout()
        grid.setSpacing(6)
        for slot, cell in enumerate(self.cells):
            grid.addWidget(cell, slot // 3, slot % 3)
            cell.play_requested.connect(self._on_cell_play_requested)
            cell.use_requested.connect(self.use_requested)
            cell.stars_changed.connect(service.set_stars)
        self.empty_hint = QLabel(
            "Choose candidates above and press Render grid (Ctrl+G): the line or the selection "
            "is rendered for each, side by side.",
            self,
        )
        self.empty_hint.setWordWrap(True)
        mark_as_hint(self.empty_hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.empty_hint)
        layout.addLayout(grid, 1)
        self.ab: list[int] = []
        self.render_button.clicked.connect(self._on_render_clicked)
        self.blind.toggled.connect(self._on_blind_toggled)
        self.reveal_button.clicked.connect(self._on_reveal_clicked)
        self.loop.toggled.connect(self._on_loop_toggled)
        service.cell_changed.connect(self._on_cell_changed)
        service.grid_started.connect(self._on_grid_started)
        service.playing_changed.connect(self._on_playing_changed)
        self.refresh()

    def refresh(self) -> None:
        """Redraw every cell from the service's state."""
        service = self.service
        self.empty_hint.setVisible(not service.cells)
        reveal = service.revealed or not service.blind
        self.reveal_button.setEnabled(service.blind and not service.revealed)
        for slot, widget in enumerate(self.cells):
            cell = service.cells[service.order[slot]] if slot < len(service.order) else None
            badge = ""
            if cell is not None and cell.index in self.ab:
                badge = "AB"[self.ab.index(cell.index)]
            widget.show_cell(
                cell, badge, reveal, cell is not None and cell.index == service.playing
            )

    def slot_of(self, index: int) -> int:
        """Where cell `index` is shown (blind mode shuffles)."""
        return self.service.order.index(index)

    def play_slot(self, slot: int) -> bool:
        """Play what is shown in slot `slot` (0-based); remember it for A/B."""
        if slot >= len(self.service.order):
            return False
        index = self.service.order[slot]
        if not self.service.play(index):
            return False
        self.ab = [*[i for i in self.ab if i != index][-1:], index]
        self.refresh()
        return True

    def play_next(self) -> bool:
        """Tab: play the slot after the one playing."""
        count = len(self.service.order)
        if not count:
            return False
        current = self.slot_of(self.service.playing) if self.service.playing >= 0 else -1
        return any(self.play_slot((current + step) % count) for step in range(1, count + 1))

    def play_ab(self, which: str) -> bool:
        """A or B: switch to that chosen cell at the same point in the line."""
        position = "AB".index(which)
        if position >= len(self.ab):
            return False
        ok = self.service.switch_to(self.ab[position])
        self.refresh()
        return ok

    def handle_key(self, event: QKeyEvent) -> bool:
        """The grid's listening keys; True when the key was used."""
        key = event.key()
        if event.modifiers() not in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            return False
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.play_slot(key - Qt.Key.Key_1)
            return True
        if key == Qt.Key.Key_Tab:
            self.play_next()
            return True
        if key in (Qt.Key.Key_A, Qt.Key.Key_B):
            self.play_ab("A" if key == Qt.Key.Key_A else "B")
            return True
        if key == Qt.Key.Key_L:
            self.loop.toggle()
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        # Tab is "play next" for the grid itself; Qt would otherwise move the focus first.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and self.handle_key(event)
        ):
            return True
        return super().event(event)

    @Slot()
    def _on_render_clicked(self) -> None:
        self.render_requested.emit(self.preset.currentData())

    @Slot(bool)
    def _on_blind_toggled(self, blind: bool) -> None:
        self.service.set_blind(blind)
        self.refresh()

    @Slot()
    def _on_reveal_clicked(self) -> None:
        self.service.reveal()
        self.refresh()

    @Slot(bool)
    def _on_loop_toggled(self, loop: bool) -> None:
        self.service.loop = loop

    @Slot(int)
    def _on_cell_play_requested(self, index: int) -> None:
        self.setFocus()
        self.play_slot(self.slot_of(index))

    @Slot(int, object)
    def _on_cell_changed(self, _index: int, _cell: Cell) -> None:
        self.refresh()

    @Slot(int)
    def _on_grid_started(self, _count: int) -> None:
        self.ab = []
        for widget in self.cells:
            widget.wave.clear()
        self.refresh()
        self.setFocus()

    @Slot(int)
    def _on_playing_changed(self, _index: int) -> None:
        self.refresh()
