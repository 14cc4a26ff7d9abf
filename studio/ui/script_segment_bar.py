"""The Script view's bar for the selected sentence: Play, Regenerate, Takes ▾, Lock, and its
own voice and speed."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core import contract as c
from studio.core.models import Voice
from studio.core.project import Project, Segment
from studio.core.project_state import segment_state
from studio.ui.script_rows import OVERRIDE_MARK, override_text

# Speeds the context menu offers for a sentence (the spin box takes any other).
SPEED_PRESETS = (0.8, 0.9, 1.1, 1.2, 1.5)
# The speed box's lowest step stands for "no override" (shown as SPEAKERS_SPEED).
_NO_SPEED = round(c.SPEED_MIN - 0.1, 2)
SPEAKERS_VOICE, SPEAKERS_SPEED = "Speaker's voice", "Speaker's speed"


class SegmentBar(QWidget):
    """Shows the selected segment and offers its actions.

    Signals:
        play_requested(str take_id): the chosen take.
        regenerate_requested(str segment_id)
        take_chosen(str segment_id, str take_id)
        lock_toggled(str segment_id, bool locked)
        overrides_changed(str segment_id, object voice_id, object speed): None for the
            speaker's.
    """

    play_requested = Signal(str)
    regenerate_requested = Signal(str)
    take_chosen = Signal(str, str)
    lock_toggled = Signal(str, bool)
    overrides_changed = Signal(str, object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segment: Segment | None = None
        self.label = QLabel("Select a sentence", self)
        self.play_button = QPushButton("Play", self)
        self.play_button.setToolTip("Play this sentence's chosen take")
        self.play_button.clicked.connect(self._on_play_clicked)
        self.regenerate_button = QPushButton("Regenerate", self)
        self.regenerate_button.setToolTip("Render a new take of this sentence")
        self.regenerate_button.clicked.connect(self._on_regenerate_clicked)
        # A push button, not an instant-popup tool button: Fusion draws a tool button's menu
        # arrow over the end of its text ("Takes (1)" lost its bracket) and its size hint
        # leaves no room for the arrow.
        self.takes_button = QPushButton("Takes", self)
        self.takes_menu = QMenu(self.takes_button)
        self.takes_button.setMenu(self.takes_menu)
        self.lock_button = QPushButton("Lock", self)
        self.lock_button.setCheckable(True)
        self.lock_button.setToolTip("Render changed leaves a locked sentence alone")
        self.lock_button.clicked.connect(self._on_lock_clicked)
        self.voices: tuple[Voice, ...] = ()
        self._speaker: tuple[str, float] = ("", c.DEFAULT_SPEED)  # the selected one's speaker
        self.voice_combo = QComboBox(self)
        self.voice_combo.setAccessibleName("Sentence voice")
        self.voice_combo.setToolTip("Speak this sentence with another voice than its speaker's")
        self.voice_combo.activated.connect(self._on_override_edited)
        self.speed_spin = QDoubleSpinBox(self)
        self.speed_spin.setAccessibleName("Sentence speed")
        self.speed_spin.setToolTip("This sentence's own speed (lowest step: the speaker's)")
        self.speed_spin.setRange(_NO_SPEED, c.SPEED_MAX)
        self.speed_spin.setSingleStep(0.1)
        self.speed_spin.setSuffix("×")
        self.speed_spin.setSpecialValueText(SPEAKERS_SPEED)
        self.speed_spin.editingFinished.connect(self._on_override_edited)
        self.clear_button = QPushButton("Use speaker's", self)
        self.clear_button.setToolTip("Drop this sentence's own voice and speed")
        self.clear_button.clicked.connect(self._on_clear_clicked)
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self.label, 1)
        for widget in (self.play_button, self.regenerate_button, self.takes_button):
            actions.addWidget(widget)
        actions.addWidget(self.lock_button)
        own = QHBoxLayout()
        own.setContentsMargins(0, 0, 0, 0)
        own.addStretch(1)
        own.addWidget(QLabel("This sentence:", self))
        own.addWidget(self.voice_combo)
        own.addWidget(self.speed_spin)
        own.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(actions)
        layout.addLayout(own)
        self.show_segment(None, "")

    def set_voices(self, voices: tuple[Voice, ...]) -> None:
        """The catalogue to pick a sentence's voice from."""
        self.voices = voices
        self._show_overrides(self.segment)

    def _show_overrides(self, segment: Segment | None) -> None:
        voice = segment.voice_id if segment is not None else None
        names = {v.voice_id: v.display_name or v.voice_id for v in self.voices}
        # What "the speaker's" means for this sentence, so an override is chosen knowingly.
        speaker_voice, speaker_speed = self._speaker
        self.voice_combo.blockSignals(True)
        self.voice_combo.clear()
        mine = f" ({names.get(speaker_voice, speaker_voice)})" if speaker_voice else ""
        self.voice_combo.addItem(SPEAKERS_VOICE + mine, None)
        for voice_id, name in names.items():
            self.voice_combo.addItem(name, voice_id)
        if voice is not None and self.voice_combo.findData(voice) < 0:
            self.voice_combo.addItem(voice or "(default voice)", voice)
        self.voice_combo.setCurrentIndex(max(0, self.voice_combo.findData(voice)))
        self.voice_combo.blockSignals(False)
        speed = segment.speed if segment is not None else None
        self.speed_spin.setSpecialValueText(f"{SPEAKERS_SPEED} ({speaker_speed:g}×)")
        self.speed_spin.blockSignals(True)
        self.speed_spin.setValue(_NO_SPEED if speed is None else speed)
        self.speed_spin.blockSignals(False)
        own = segment is not None and (segment.voice_id is not None or segment.speed is not None)
        self.clear_button.setEnabled(own)
        for widget in (self.voice_combo, self.speed_spin):
            widget.setEnabled(segment is not None)

    def show_segment(self, project: Project | None, segment_id: str) -> None:
        """Show a segment of `project` ("" or a missing id: nothing selected)."""
        has = project is not None and bool(segment_id) and project.has(segment_id)
        segment = project.segment(segment_id) if has and project is not None else None
        self.segment = segment
        if segment is not None and project is not None:
            speaker = project.cast.get(project.block_of(segment_id).speaker_id)
            self._speaker = (speaker.voice_id, speaker.speed)
        for widget in (self.play_button, self.regenerate_button, self.takes_button):
            widget.setEnabled(segment is not None)
        self.lock_button.setEnabled(segment is not None)
        self.takes_menu.clear()
        self._show_overrides(segment)
        if segment is None or project is None:
            self.label.setText("Select a sentence")
            self.lock_button.setChecked(False)
            self.takes_button.setText("Takes")
            return
        state = segment_state(project, project.block_of(segment.segment_id), segment)
        own = override_text(segment.voice_id, segment.speed)
        mark = f" {OVERRIDE_MARK} {own}" if own else ""
        self.label.setText(f"“{segment.text[:70]}” — {state.value}{mark}")
        self.play_button.setEnabled(segment.take() is not None)
        # A locked sentence keeps its take: unlock it to render another.
        self.regenerate_button.setEnabled(not segment.locked and bool(segment.text))
        self.lock_button.setChecked(segment.locked)
        self.lock_button.setText("Unlock" if segment.locked else "Lock")
        self.takes_button.setText(f"Takes ({len(segment.takes)})")
        self.takes_button.setEnabled(bool(segment.takes))
        for n, take in enumerate(segment.takes, 1):
            mark = "✓ " if take.take_id == segment.chosen_take else ""
            action = QAction(f"{mark}Take {n} — {take.duration_s:.1f} s, {take.voice_id}", self)
            action.triggered.connect(
                lambda _=False, t=take.take_id, s=segment.segment_id: self.take_chosen.emit(s, t)
            )
            self.takes_menu.addAction(action)

    @Slot()
    def _on_play_clicked(self) -> None:
        take = self.segment.take() if self.segment is not None else None
        if take is not None:
            self.play_requested.emit(take.take_id)

    @Slot()
    def _on_regenerate_clicked(self) -> None:
        if self.segment is not None:
            self.regenerate_requested.emit(self.segment.segment_id)

    @Slot(bool)
    def _on_lock_clicked(self, locked: bool) -> None:
        if self.segment is not None:
            self.lock_toggled.emit(self.segment.segment_id, locked)

    def context_menu(self, parent: QWidget) -> QMenu:
        """The selected sentence's actions as a menu (a right-click on its stripe)."""
        menu = QMenu(parent)
        segment = self.segment
        if segment is None:
            return menu
        sid = segment.segment_id
        for button in (self.play_button, self.regenerate_button):
            action = menu.addAction(button.text(), button.click)
            action.setEnabled(button.isEnabled())
        lock = menu.addAction("Unlock" if segment.locked else "Lock")
        lock.triggered.connect(lambda: self.lock_toggled.emit(sid, not segment.locked))
        menu.addSeparator()
        voices = menu.addMenu("Voice")
        for n in range(self.voice_combo.count()):
            voice = self.voice_combo.itemData(n)
            action = voices.addAction(self.voice_combo.itemText(n))
            action.setCheckable(True)
            action.setChecked(voice == segment.voice_id)
            action.triggered.connect(
                lambda _=False, v=voice: self.overrides_changed.emit(sid, v, segment.speed)
            )
        speeds = menu.addMenu("Speed")
        for speed in (None, *SPEED_PRESETS):
            action = speeds.addAction(SPEAKERS_SPEED if speed is None else f"{speed:g}×")
            action.setCheckable(True)
            action.setChecked(speed == segment.speed)
            action.triggered.connect(
                lambda _=False, s=speed: self.overrides_changed.emit(sid, segment.voice_id, s)
            )
        clear = menu.addAction(self.clear_button.text(), self.clear_button.click)
        clear.setEnabled(self.clear_button.isEnabled())
        return menu

    @Slot()
    def _on_override_edited(self) -> None:
        segment = self.segment
        if segment is None:
            return
        voice = self.voice_combo.currentData()
        speed = self.speed_spin.value()
        speed_or_none = None if speed <= _NO_SPEED + 1e-6 else round(speed, 2)
        if (voice, speed_or_none) != (segment.voice_id, segment.speed):
            self.overrides_changed.emit(segment.segment_id, voice, speed_or_none)

    @Slot()
    def _on_clear_clicked(self) -> None:
        if self.segment is not None:
            self.overrides_changed.emit(self.segment.segment_id, None, None)
