"""The cast panel of the Script view: speakers, their voice and speed."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core import contract as c
from studio.core.models import Voice
from studio.core.project import Project
from studio.core.project_cast import Speaker


class SpeakerEditor(QGroupBox):
    """One speaker: name, voice from the catalogue, speed.

    Signals:
        changed(str speaker_id, object changes): a dict for ProjectEditor.update_speaker.
    """

    changed = Signal(str, object)

    def __init__(self, speaker: Speaker, voices: tuple[Voice, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.speaker_id = speaker.speaker_id
        self.name = QLineEdit(self)
        self.name.setAccessibleName("Speaker name")
        self.name.editingFinished.connect(self._on_name_edited)
        self.voice = QComboBox(self)
        self.voice.setAccessibleName("Speaker voice")
        self.voice.activated.connect(self._on_voice_activated)
        self.speed = QDoubleSpinBox(self)
        self.speed.setAccessibleName("Speaker speed")
        self.speed.setRange(c.SPEED_MIN, c.SPEED_MAX)
        self.speed.setSingleStep(0.1)
        self.speed.setSuffix("×")
        self.speed.editingFinished.connect(self._on_speed_edited)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Voice", self.voice)
        form.addRow("Speed", self.speed)
        self.show_speaker(speaker, voices)

    def show_speaker(self, speaker: Speaker, voices: tuple[Voice, ...]) -> None:
        """Show the speaker's current settings."""
        self.speaker = speaker
        self.setStyleSheet(
            f"QGroupBox {{ border: 1px solid palette(mid); border-left: 6px solid {speaker.colour};"
            " border-radius: 3px; margin-top: 2px; }"
        )
        if not self.name.hasFocus():
            self.name.setText(speaker.name)
        self.voice.blockSignals(True)
        self.voice.clear()
        for voice in voices:
            self.voice.addItem(voice.display_name or voice.voice_id, voice.voice_id)
        if self.voice.findData(speaker.voice_id) < 0:
            self.voice.addItem(speaker.voice_id or "(default voice)", speaker.voice_id)
        self.voice.setCurrentIndex(self.voice.findData(speaker.voice_id))
        self.voice.blockSignals(False)
        if not self.speed.hasFocus():
            self.speed.setValue(speaker.speed)

    @Slot()
    def _on_name_edited(self) -> None:
        name = self.name.text().strip()
        if name and name != self.speaker.name:
            self.changed.emit(self.speaker_id, {"name": name})

    @Slot(int)
    def _on_voice_activated(self, index: int) -> None:
        voice_id = str(self.voice.itemData(index))
        if voice_id != self.speaker.voice_id:
            self.changed.emit(self.speaker_id, {"voice_id": voice_id})

    @Slot()
    def _on_speed_edited(self) -> None:
        if abs(self.speed.value() - self.speaker.speed) > 1e-6:
            self.changed.emit(self.speaker_id, {"speed": round(self.speed.value(), 2)})


class CastPanel(QWidget):
    """The cast: one SpeakerEditor per speaker, Add speaker, and what the last change made stale.

    Signals:
        speaker_changed(str speaker_id, object changes)
        add_requested()
    """

    speaker_changed = Signal(str, object)
    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.voices: tuple[Voice, ...] = ()
        self.editors: dict[str, SpeakerEditor] = {}
        self._list = QVBoxLayout()
        self.add_button = QPushButton("Add spea&ker", self)
        self.add_button.clicked.connect(self.add_requested)
        self.stale_label = QLabel("", self)
        self.stale_label.setWordWrap(True)
        self.stale_label.setAccessibleName("Segments changed by the cast")
        layout = QVBoxLayout(self)
        title = QLabel("<b>Cast</b>", self)
        layout.addWidget(title)
        layout.addLayout(self._list)
        layout.addWidget(self.add_button)
        layout.addWidget(self.stale_label)
        layout.addStretch(1)

    def set_voices(self, voices: tuple[Voice, ...]) -> None:
        """The catalogue to pick voices from."""
        self.voices = voices
        for editor in self.editors.values():
            editor.show_speaker(editor.speaker, voices)

    def show_project(self, project: Project | None) -> None:
        """Show the project's cast (reusing editors, so a field being typed in stays)."""
        speakers = project.cast.speakers if project is not None else ()
        ids = [s.speaker_id for s in speakers]
        for speaker_id in list(self.editors):
            if speaker_id not in ids:
                self.editors.pop(speaker_id).deleteLater()
        for n, speaker in enumerate(speakers):
            editor = self.editors.get(speaker.speaker_id)
            if editor is None:
                editor = self.editors[speaker.speaker_id] = SpeakerEditor(
                    speaker, self.voices, self
                )
                editor.changed.connect(self.speaker_changed)
                self._list.insertWidget(n, editor)
            elif editor.speaker is not speaker:
                editor.show_speaker(speaker, self.voices)
        self.add_button.setEnabled(project is not None)

    def show_stale(self, count: int) -> None:
        """Say how many segments the last cast change made stale."""
        self.stale_label.setText(
            f"{count} segment{'s' if count != 1 else ''} changed" if count else ""
        )
