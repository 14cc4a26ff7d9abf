"""Preferences: backend, streaming, render rule, output device, saving and loudness options."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import ValidationError
from studio.profile import CACHE_MB_MAX, CACHE_MB_MIN
from studio.services.settings import DEFAULT_BASE_URL, DEFAULT_NAME_TEMPLATE
from studio.ui.theme import THEME_LABELS, status_colour

if TYPE_CHECKING:
    from studio.services.bundle import Services

BACKENDS = (
    ("auto", "Automatic: Waves cloud with a key, offline voices without"),
    ("cloud", "Waves cloud"),
    ("local", "Offline voices (embedded waves-local)"),
)
STREAMING = (("sse", "Server-sent events (SSE)"), ("ws", "WebSocket"), ("none", "Off (plain HTTP)"))
RULES = (("cancel", "Cancel it and start the new one"), ("queue", "Queue the new one after it"))
EXPORTS = (
    ("wav", "WAV 16-bit"),
    ("wav_float", "WAV 32-bit float"),
    ("flac", "FLAC"),
    ("ogg", "Ogg Vorbis"),
    ("mp3", "MP3"),
    ("pcm", "Raw PCM"),
    ("ulaw", "Raw μ-law"),
    ("alaw", "Raw A-law"),
)


def _combo(
    parent: QWidget, items: tuple[tuple[str, str], ...], current: str, name: str
) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    for value, label in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class PreferencesDialog(QDialog):
    """Edits settings; OK applies them (switching backend or device as needed)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(560)
        self.services = services
        s = services.settings

        self.backend = _combo(self, BACKENDS, s.get("backend/mode"), "Backend")
        self.base_url = QLineEdit(s.get("backend/base_url"), self)
        self.base_url.setAccessibleName("Server address")
        self.base_url.setPlaceholderText(DEFAULT_BASE_URL)
        self.streaming = _combo(self, STREAMING, s.get("synthesis/streaming"), "Streaming")
        self.rule = _combo(self, RULES, s.get("synthesis/while_rendering"), "While rendering")
        server = QGroupBox("Speech", self)
        server_form = QFormLayout(server)
        server_form.addRow("&Backend", self.backend)
        server_form.addRow("Server &address", self.base_url)
        server_form.addRow("&Streaming", self.streaming)
        server_form.addRow("Speak while a render &runs", self.rule)

        self.device = QComboBox(self)
        self.device.setAccessibleName("Output device")
        self.device.addItem("System default", "")
        saved_device = s.get("audio/output_device")
        if saved_device:
            self.device.addItem(saved_device, saved_device)
            self.device.setCurrentIndex(1)
        self.volume = QSpinBox(self)
        self.volume.setRange(0, 100)
        self.volume.setSuffix(" %")
        self.volume.setValue(round(float(s.get("audio/volume")) * 100))
        self.volume.setAccessibleName("Volume")
        audio = QGroupBox("Playback", self)
        audio_form = QFormLayout(audio)
        audio_form.addRow("Output &device", self.device)
        audio_form.addRow("&Volume", self.volume)

        self.folder = QLineEdit(s.get("export/folder"), self)
        self.folder.setPlaceholderText("Last folder used")
        self.folder.setAccessibleName("Default save folder")
        browse = QPushButton("Browse…", self)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.template = QLineEdit(s.get("export/name_template"), self)
        self.template.setAccessibleName("File name template")
        self.template.setToolTip(
            "Fields: {date}, {voice} and {words} (the first words of the text)"
        )
        self.export_format = _combo(self, EXPORTS, s.get("export/format"), "Default save format")
        self.normalize = QCheckBox("&Normalise loudness to", self)
        self.normalize.setChecked(bool(s.get("export/normalize")))
        self.lufs = QDoubleSpinBox(self)
        self.lufs.setRange(-40.0, -5.0)
        self.lufs.setSuffix(" LUFS")
        self.lufs.setValue(float(s.get("export/target_lufs")))
        self.lufs.setAccessibleName("Loudness target")
        self.peak = QDoubleSpinBox(self)
        self.peak.setRange(-9.0, 0.0)
        self.peak.setSingleStep(0.5)
        self.peak.setSuffix(" dBTP ceiling")
        self.peak.setValue(float(s.get("export/true_peak_db")))
        self.peak.setAccessibleName("True-peak ceiling")
        loud_row = QHBoxLayout()
        loud_row.addWidget(self.normalize)
        loud_row.addWidget(self.lufs)
        loud_row.addWidget(self.peak)
        self.trim = QCheckBox("&Trim silence at the start and end (never cuts speech)", self)
        self.trim.setChecked(bool(s.get("export/trim_silence")))
        self.cache_mb = QSpinBox(self)
        self.cache_mb.setRange(CACHE_MB_MIN, CACHE_MB_MAX)
        self.cache_mb.setSingleStep(100)
        self.cache_mb.setSuffix(" MB")
        self.cache_mb.setValue(int(s.get("cache/max_mb")))
        self.cache_mb.setAccessibleName("Render cache size")
        self.cache_mb.setToolTip(
            "Repeat renders play from this cache with no API call; the "
            "least recently used audio goes first when it is full"
        )
        saving = QGroupBox("Saving clips", self)
        saving_form = QFormLayout(saving)
        folder_label = QLabel("Default &folder", self)
        folder_label.setBuddy(self.folder)
        saving_form.addRow(folder_label, folder_row)
        saving_form.addRow("File na&me", self.template)
        saving_form.addRow("Default f&ormat", self.export_format)
        saving_form.addRow(loud_row)
        saving_form.addRow(self.trim)
        saving_form.addRow("Render &cache", self.cache_mb)

        self.theme = _combo(self, tuple(THEME_LABELS.items()), s.get("app/theme"), "Theme")
        look = QGroupBox("Appearance", self)
        QFormLayout(look).addRow("T&heme", self.theme)

        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # may quote the server
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {status_colour('error')};")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        side_by_side = QHBoxLayout()  # keeps the dialog short enough for a 1366x768 screen
        side_by_side.addWidget(audio, 2)
        side_by_side.addWidget(look, 1)
        layout.addWidget(server)
        layout.addLayout(side_by_side)
        for widget in (saving, self.error):
            layout.addWidget(widget)
        layout.addWidget(buttons)

        browse.clicked.connect(self._on_browse_clicked)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        services.playback.devices_listed.connect(self._on_devices_listed)
        services.playback.request_devices()

    @Slot(object)
    def _on_devices_listed(self, names: list[str]) -> None:
        current = self.device.currentData()
        self.device.clear()
        self.device.addItem("System default", "")
        for name in names:
            self.device.addItem(name, name)
        index = self.device.findData(current)
        if index < 0 and current:
            self.device.addItem(f"{current} (not connected)", current)
            index = self.device.count() - 1
        self.device.setCurrentIndex(max(index, 0))

    @Slot()
    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Default save folder", self.folder.text())
        if folder:
            self.folder.setText(folder)

    @Slot()
    def apply(self) -> None:
        """Validate and store everything; switch backend/device if they changed."""
        s = self.services.settings
        old_backend = (s.get("backend/mode"), s.get("backend/base_url"))
        old_device = s.get("audio/output_device")
        old_cache_mb = s.get("cache/max_mb")
        try:
            from studio.api.safety import check_base_url

            base_url = check_base_url(self.base_url.text().strip() or DEFAULT_BASE_URL)
            values = {
                "backend/base_url": base_url,
                "synthesis/streaming": self.streaming.currentData(),
                "synthesis/while_rendering": self.rule.currentData(),
                "audio/output_device": self.device.currentData() or "",
                "audio/volume": self.volume.value() / 100,
                "export/folder": self.folder.text().strip(),
                "export/name_template": self.template.text().strip() or DEFAULT_NAME_TEMPLATE,
                "export/format": self.export_format.currentData(),
                "export/normalize": self.normalize.isChecked(),
                "export/target_lufs": self.lufs.value(),
                "export/true_peak_db": self.peak.value(),
                "export/trim_silence": self.trim.isChecked(),
                "cache/max_mb": self.cache_mb.value(),
                "app/theme": self.theme.currentData(),
            }
        except ValidationError as exc:
            self.error.setText(exc.user_message)
            return
        problem = s.check(values)  # all or nothing: a refused value changes nothing
        if problem:
            self.error.setText(problem)
            return
        for key, value in values.items():
            s.set(key, value)
        self.services.playback.set_volume(float(s.get("audio/volume")))
        library = self.services.library
        if library is not None and s.get("cache/max_mb") != old_cache_mb:
            # Shrinking evicts files under the cache's write lock, which a render may hold
            # for a while: never on the GUI thread.
            limit = int(s.get("cache/max_mb")) * 1024 * 1024
            runners = self.services.runners
            if runners:
                runners[0].submit(lambda ctx: library.set_cache_limit(limit))
            else:  # a composition without workers (none ships): apply it here
                library.set_cache_limit(limit)
        if s.get("audio/output_device") != old_device:
            self.services.playback.set_device(str(s.get("audio/output_device")))
        new_mode = self.backend.currentData()
        if (new_mode, base_url) != old_backend:
            self.services.backend.switch(new_mode)
        self.accept()
