"""The choices of File → Export…: format, files, subtitles, chapters, loudness, joins."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from studio.audio.mp3_export import BITRATES, VBR
from studio.core import export_choices as x
from studio.project_export import ExportRequest
from studio.services.settings import Settings
from studio.ui import dialogs
from studio.ui.preferences_dialog import EXPORTS

SPLIT_LABELS = (
    ("none", "One mixed file"),
    ("chapter", "One file per chapter"),
    ("segment", "One file per segment"),
)
K = "project_export/"


def _combo(parent: QWidget, name: str, items: Sequence[tuple[object, str]]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    for value, label in items:
        combo.addItem(label, value)
    return combo


def _row(*widgets: QWidget, stretch: bool = True) -> QWidget:
    """Widgets side by side; with `stretch` they keep their size, else the first one grows."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for n, widget in enumerate(widgets):
        layout.addWidget(widget, 0 if stretch or n else 1)
    if stretch:
        layout.addStretch(1)
    return row


class ExportFields(QWidget):
    """The export choices as a form, read from and saved to the settings.

    Signals:
        edited(): a choice changed (the dialog lists the files it would write).
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit(self)
        self.name.setAccessibleName("File name")
        self.folder = QLineEdit(self)
        self.folder.setAccessibleName("Output folder")
        browse = QPushButton("&Browse…", self)
        browse.clicked.connect(self._on_browse_clicked)
        self.format = _combo(self, "Format", list(EXPORTS))
        self.bitrate = _combo(
            self,
            "MP3 bitrate",
            [(VBR, "VBR (about 190 kbps)")] + [(b, f"{b} kbps") for b in BITRATES],
        )
        self.rate = _combo(self, "Sample rate", [(r, f"{r:,} Hz") for r in x.MIX_RATES])
        self.split = _combo(self, "Files", list(SPLIT_LABELS))
        self.template = QLineEdit(self)
        self.template.setAccessibleName("File names")
        self.template.setToolTip("{n} is the number, {title} the chapter or segment, {project}")
        self.zip = QCheckBox("Pack everything in one &ZIP", self)
        self.srt = QCheckBox("&SRT", self)
        self.vtt = QCheckBox("&WebVTT", self)
        self.chapters = QCheckBox("Chapter &marks in the audio and a chapters list (.txt)", self)
        self.loudness = _combo(self, "Loudness", list(x.LOUDNESS_TARGETS.items()))
        self.peak = QDoubleSpinBox(self)
        self.peak.setAccessibleName("True-peak ceiling")
        self.peak.setRange(-9.0, 0.0)
        self.peak.setSingleStep(0.5)
        self.peak.setSuffix(" dBTP")
        self.crossfade = QSpinBox(self)
        self.crossfade.setAccessibleName("Crossfade")
        self.crossfade.setRange(0, int(x.MAX_CROSSFADE_MS))
        self.crossfade.setSuffix(" ms")
        self.crossfade.setToolTip("An equal-power crossfade at each join, so no join clicks")

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("File &name:", self.name)
        form.addRow("&Folder:", _row(self.folder, browse, stretch=False))
        form.addRow("F&ormat:", _row(self.format, self.bitrate))
        form.addRow("Sample &rate:", _row(self.rate))
        form.addRow("Fi&les:", _row(self.split, self.zip))
        form.addRow("Name &template:", self.template)
        form.addRow("Subtitles:", _row(self.srt, self.vtt))
        form.addRow("Chapters:", self.chapters)
        form.addRow("Lou&dness:", _row(self.loudness, QLabel("ceiling", self), self.peak))
        form.addRow("&Joins:", _row(self.crossfade, QLabel("crossfade", self)))
        for combo in (self.format, self.split, self.loudness):
            combo.currentIndexChanged.connect(self._update_enabled)
        for combo in (self.format, self.split):
            combo.currentIndexChanged.connect(self.edited)
        for edit in (self.name, self.template):
            edit.textChanged.connect(self.edited)
        for box in (self.zip, self.srt, self.vtt, self.chapters):
            box.toggled.connect(self.edited)

    def load(self, settings: Settings, project_title: str) -> None:
        """Fill in the last choices (the name is the project's title)."""
        s = settings
        self.name.setText(project_title)
        self.folder.setText(str(s.get(K + "folder")) or str(Path.home()))
        for combo, key in ((self.format, "format"), (self.bitrate, "mp3_bitrate"),
                           (self.rate, "sample_rate"), (self.split, "split"),
                           (self.loudness, "loudness")):  # fmt: skip
            combo.setCurrentIndex(max(0, combo.findData(s.get(K + key))))
        self.template.setText(str(s.get(K + "name_template")))
        self.zip.setChecked(bool(s.get(K + "zip")))
        subtitles = s.get(K + "subtitles")
        self.srt.setChecked("srt" in subtitles)
        self.vtt.setChecked("vtt" in subtitles)
        self.chapters.setChecked(bool(s.get(K + "chapters")))
        self.peak.setValue(float(s.get(K + "true_peak_db")))
        self.crossfade.setValue(round(float(s.get(K + "crossfade_ms"))))
        self._update_enabled()

    def save(self, settings: Settings) -> None:
        """Remember the choices (the next export starts from them)."""
        s = settings
        values = {
            "folder": self.folder.text().strip(),
            "format": self.format.currentData(),
            "mp3_bitrate": self.bitrate.currentData(),
            "sample_rate": self.rate.currentData(),
            "split": self.split.currentData(),
            "name_template": self.template.text(),
            "zip": self.zip.isChecked(),
            "subtitles": self._subtitles(),
            "chapters": self.chapters.isChecked(),
            "loudness": self.loudness.currentData(),
            "true_peak_db": self.peak.value(),
            "crossfade_ms": float(self.crossfade.value()),
        }
        for key, value in values.items():
            s.set(K + key, value)

    def _subtitles(self) -> list[str]:
        return [k for k, box in (("srt", self.srt), ("vtt", self.vtt)) if box.isChecked()]

    def request(self) -> ExportRequest:
        """The export the choices describe (for studio.project_export, as the CLI's)."""
        loudness = float(self.loudness.currentData())
        return ExportRequest(
            out_dir=Path(self.folder.text().strip()).expanduser(),
            name=self.name.text().strip(),
            export_format=str(self.format.currentData()),
            subtitles=tuple(self._subtitles()),
            split=str(self.split.currentData()),
            zip=self.zip.isChecked(),
            loudness_lufs=None if loudness == x.LOUDNESS_OFF else loudness,
            true_peak_db=self.peak.value(),
            chapters=self.chapters.isChecked(),
            bitrate=int(self.bitrate.currentData()),
            sample_rate=int(self.rate.currentData()),
            crossfade_ms=float(self.crossfade.value()),
            template=self.template.text(),
            make_folder=False,  # the folder was chosen here: one gone since is said, not made
        )

    @Slot()
    def _update_enabled(self) -> None:
        self.bitrate.setEnabled(self.format.currentData() == "mp3")
        self.template.setEnabled(self.split.currentData() != "none")
        self.peak.setEnabled(self.loudness.currentData() != x.LOUDNESS_OFF)

    @Slot()
    def _on_browse_clicked(self) -> None:
        folder = dialogs.folder_name(self, "Export to folder", self.folder.text())
        if folder:
            self.folder.setText(folder)
