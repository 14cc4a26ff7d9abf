"""File → Export… of a script project: format, files, subtitles, chapters, loudness, joins."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.audio.mixdown import MixOptions
from studio.audio.mp3_export import BITRATES, VBR
from studio.audio.project_export import ProjectExport
from studio.core import export_choices as x
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


class ExportDialog(QDialog):
    """The export choices (remembered in the settings), then progress, Cancel and the result.

    Signals:
        export_requested(object ProjectExport): the user pressed Export.
        cancel_requested(): the user wants the running export stopped.
    """

    export_requested = Signal(object)
    cancel_requested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export project")
        self._settings = settings
        self._running = False
        self._folder_done: Path | None = None
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

        form = QFormLayout()
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
        self.form = form

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName("Export progress")
        self.progress.hide()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            "&Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.show_folder_button = self.buttons.addButton(
            "S&how in folder", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.show_folder_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.show_folder_button.clicked.connect(self.show_in_folder)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for combo in (self.format, self.split, self.loudness):
            combo.currentIndexChanged.connect(self._update_enabled)

    # -- settings ---------------------------------------------------------------------------

    def load(self, project_title: str) -> None:
        """Fill in the last choices (the name is the project's title) and reset the status."""
        s = self._settings
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
        self.show_folder_button.hide()
        self.progress.hide()
        self.message.clear()
        self._update_enabled()

    def _save(self) -> None:
        s = self._settings
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

    def request(self) -> ProjectExport:
        """The export the dialog describes."""
        loudness = float(self.loudness.currentData())
        options = MixOptions(
            export_format=str(self.format.currentData()),
            sample_rate=int(self.rate.currentData()),
            join_ms=float(self.crossfade.value()),
            target_lufs=None if loudness == x.LOUDNESS_OFF else loudness,
            true_peak_db=self.peak.value(),
            bitrate=int(self.bitrate.currentData()),
        )
        return ProjectExport(
            folder=Path(self.folder.text().strip()).expanduser(),
            name=self.name.text().strip(),
            options=options,
            split=str(self.split.currentData()),
            template=self.template.text(),
            zip=self.zip.isChecked(),
            subtitles=tuple(self._subtitles()),
            chapters=self.chapters.isChecked(),
        )

    # -- running ----------------------------------------------------------------------------

    def set_running(self, running: bool, text: str = "") -> None:
        """Show progress and turn Close into Cancel while an export (or a render first) runs."""
        self._running = running
        for i in range(self.form.rowCount()):
            item = self.form.itemAt(i, QFormLayout.ItemRole.FieldRole)
            field = item.widget() if item is not None else None
            if field is not None:
                field.setEnabled(not running)
        self.export_button.setEnabled(not running)
        self.close_button.setText("Cancel" if running else "Close")
        self.progress.setVisible(running)
        if running:
            self.progress.setValue(0)
            self.show_folder_button.hide()
        self.message.setText(text)
        if not running:
            self._update_enabled()

    def set_progress(self, fraction: float) -> None:
        """Move the bar (0.0–1.0)."""
        self.progress.setValue(round(max(0.0, min(1.0, fraction)) * 1000))

    def finish(self, text: str, folder: Path | None = None) -> None:
        """The export ended: say how, and offer Show in folder when files were written."""
        self.set_running(False, text)
        self._folder_done = folder
        self.show_folder_button.setVisible(folder is not None)
        (self.show_folder_button if folder is not None else self.export_button).setFocus()

    @Slot()
    def show_in_folder(self) -> None:
        """Open the folder of the exported files in the file manager."""
        if self._folder_done is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._folder_done)))

    # -- slots ------------------------------------------------------------------------------

    @Slot()
    def _update_enabled(self) -> None:
        self.bitrate.setEnabled(self.format.currentData() == "mp3" and not self._running)
        split = self.split.currentData() != "none"
        self.template.setEnabled(split and not self._running)
        self.peak.setEnabled(self.loudness.currentData() != x.LOUDNESS_OFF and not self._running)

    @Slot()
    def _on_browse_clicked(self) -> None:
        folder = dialogs.folder_name(self, "Export to folder", self.folder.text())
        if folder:
            self.folder.setText(folder)

    @Slot()
    def _on_export_clicked(self) -> None:
        request = self.request()
        if not request.name:
            self.message.setText("Give the export a file name.")
            return
        if not request.folder.is_dir():
            self.message.setText(f"The folder {request.folder} does not exist. Choose another.")
            return
        self._save()
        self.export_requested.emit(request)

    def reject(self) -> None:
        """Close, or while running, cancel the export (the dialog stays to say so)."""
        if self._running:
            self.cancel_requested.emit()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._running:
            self.cancel_requested.emit()
            event.ignore()
            return
        super().closeEvent(event)
