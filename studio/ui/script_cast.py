"""The cast panel of the Script view: speakers, their colour, voice, speed and dictionaries."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core import contract as c
from studio.core.models import Voice
from studio.core.project import Project
from studio.core.project_cast import Speaker
from studio.services.dictionaries import NamedDictionary
from studio.ui import dialogs


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(28, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class SpeakerEditor(QGroupBox):
    """One speaker: name, colour, voice from the catalogue, speed, dictionaries.

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
        self.colour_button = QPushButton("Change…", self)
        self.colour_button.setAccessibleName("Speaker colour")
        self.colour_button.clicked.connect(self._on_colour_clicked)
        self.dictionaries: list[NamedDictionary] = []
        self.dict_button = QPushButton("None", self)
        self.dict_button.setAccessibleName("Speaker dictionaries")
        self.dict_button.setToolTip("Pronunciation dictionaries this speaker's sentences apply")
        self.dict_menu = QMenu(self.dict_button)
        self.dict_button.setMenu(self.dict_menu)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Colour", self.colour_button)
        form.addRow("Voice", self.voice)
        form.addRow("Speed", self.speed)
        form.addRow("Dictionaries", self.dict_button)
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
        self.colour_button.setIcon(_swatch(speaker.colour))
        self.colour_button.setIconSize(QSize(28, 14))
        self.colour_button.setToolTip(f"{speaker.colour}: pick another colour for the chips")
        self._show_dictionaries()

    def set_dictionaries(self, dictionaries: list[NamedDictionary]) -> None:
        """The dictionaries to pick from (the backend's list)."""
        self.dictionaries = dictionaries
        self._show_dictionaries()

    def _show_dictionaries(self) -> None:
        chosen = self.speaker.dictionaries
        names = {d.id: d.name for d in self.dictionaries}
        for action in self.dict_menu.actions():  # later: one of them may be emitting now
            self.dict_menu.removeAction(action)
            action.deleteLater()
        # A picked id the backend no longer lists stays, marked, so it can be unticked.
        for dict_id in [*names, *(d for d in chosen if d not in names)]:
            action = self.dict_menu.addAction(names.get(dict_id, f"{dict_id} (missing)"))
            action.setCheckable(True)
            action.setChecked(dict_id in chosen)
            action.toggled.connect(lambda on, d=dict_id: self._on_dictionary_toggled(d, on))
        if not self.dict_menu.actions():
            self.dict_menu.addAction("No dictionaries on this backend").setEnabled(False)
        picked = [names.get(d, d) for d in chosen]
        self.dict_button.setText(", ".join(picked) if picked else "None")

    def _on_dictionary_toggled(self, dict_id: str, on: bool) -> None:
        chosen = [d for d in self.speaker.dictionaries if d != dict_id]
        if on:
            chosen.append(dict_id)
        if tuple(chosen) != self.speaker.dictionaries:
            self.changed.emit(self.speaker_id, {"dictionaries": tuple(chosen)})

    @Slot()
    def _on_colour_clicked(self) -> None:
        colour = dialogs.pick_colour(self, f"Colour of {self.speaker.name}", self.speaker.colour)
        if colour and colour.lower() != self.speaker.colour.lower():
            self.changed.emit(self.speaker_id, {"colour": colour.lower()})

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
        self.dictionaries: list[NamedDictionary] = []
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

    def set_dictionaries(self, dictionaries: list[NamedDictionary]) -> None:
        """The dictionaries each speaker can pick."""
        self.dictionaries = dictionaries
        for editor in self.editors.values():
            editor.set_dictionaries(dictionaries)

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
                editor.set_dictionaries(self.dictionaries)
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
