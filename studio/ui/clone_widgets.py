"""Parts of the New clone dialog: the Record panel (count-in, meter) and the sample checklist."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.audio.sample_check import BAD, FAIR, GOOD, UNSURE, SampleReport
from studio.services.clones import CloneService
from studio.ui.icons import icon
from studio.ui.theme import status_colour

METER_INTERVAL_MS = 40  # 25 meter updates a second
METER_FLOOR_DB = -60
CHECK_TITLES = {
    "length": "Length",
    "clipping": "Clipping",
    "loudness": "Loudness",
    "noise": "Background noise",
    "speakers": "One speaker",
    "file": "Upload file",
}
# Icon and status colour per verdict: the colour is never the only cue (the icon shape differs
# too). The colour is the theme's (ui/theme.py), so the icons read well in dark mode as well.
VERDICT_ICONS = {
    GOOD: ("check", "success"),
    FAIR: ("warning", "warning"),
    BAD: ("error", "error"),
    UNSURE: ("question", "muted"),
}


class RecordPanel(QWidget):
    """Microphone picker, reading prompt, 3-2-1 count-in, level meter, record/stop/play.

    Attributes:
        count_in_ms: One count-in step (tests shorten it).

    Signals:
        play_requested()
    """

    play_requested = Signal()

    def __init__(self, service: CloneService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.count_in_ms = 1000
        self._count = 0
        self.device = QComboBox(self)
        self.device.setAccessibleName("Microphone")
        self.device.addItem("System default", None)
        self.prompt = QLabel(self)
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt.setStyleSheet("font-size: 15px; padding: 6px;")
        self.meter = QProgressBar(self)
        self.meter.setRange(METER_FLOOR_DB, 0)
        self.meter.setValue(METER_FLOOR_DB)
        self.meter.setFormat("%v dB")
        self.meter.setAccessibleName("Input level")
        self.meter_values = 0  # meter updates so far (for tests and the benchmark)
        self.status = QLabel("Press Record, wait for the count-in, then read the text.", self)
        self.record_button = QPushButton(icon("synthesize"), "&Record", self)
        self.stop_button = QPushButton(icon("stop"), "S&top", self)
        self.play_button = QPushButton(icon("play"), "Play &back", self)
        self.stop_button.setEnabled(False)
        self.play_button.setEnabled(False)
        buttons = QHBoxLayout()
        for button in (self.record_button, self.stop_button, self.play_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("&Microphone:", self.device)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Read this aloud:", self))
        layout.addWidget(self.prompt)
        layout.addWidget(self.meter)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._count_timer = QTimer(self)
        self._count_timer.timeout.connect(self._on_count_timer_timeout)
        self._meter_timer = QTimer(self)
        self._meter_timer.setInterval(METER_INTERVAL_MS)
        self._meter_timer.timeout.connect(self._on_meter_timer_timeout)
        self.record_button.clicked.connect(self.start_count_in)
        self.stop_button.clicked.connect(self.stop)
        self.play_button.clicked.connect(self.play_requested)
        service.devices_listed.connect(self._on_service_devices_listed)
        service.recording_started.connect(self._on_service_recording_started)

    def _on_service_devices_listed(self, devices: object) -> None:
        self.device.clear()
        for device in devices if isinstance(devices, list) else []:
            label = f"{device.name} (system default)" if device.is_default else device.name
            self.device.addItem(label, device.index)
        if self.device.count() == 0:
            self.device.addItem("No microphone found", None)
            self.record_button.setEnabled(False)

    @Slot()
    def start_count_in(self) -> None:
        """Count 3-2-1, then record; a second press while counting does nothing."""
        if self._count_timer.isActive() or self._service.recorder is not None:
            return
        self._count = 3
        self.status.setText("Get ready… 3")
        self.record_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self._count_timer.start(self.count_in_ms)

    @Slot()
    def _on_count_timer_timeout(self) -> None:
        self._count -= 1
        if self._count > 0:
            self.status.setText(f"Get ready… {self._count}")
            return
        self._count_timer.stop()
        self.status.setText("Opening the microphone…")
        self._service.start_recording(self.device.currentData())

    def _on_service_recording_started(self, rate: int) -> None:
        self.status.setText(f"Recording at {rate} Hz: read the text now.")
        self._meter_timer.start()

    @Slot()
    def _on_meter_timer_timeout(self) -> None:
        recorder = self._service.recorder
        if recorder is None:
            self._meter_timer.stop()
            return
        self.meter.setValue(max(METER_FLOOR_DB, min(0, round(recorder.level_db))))
        self.meter_values += 1
        lost = recorder.overflows
        note = f" · {lost} input overflow{'s' if lost != 1 else ''}" if lost else ""
        self.status.setText(f"Recording… {recorder.elapsed_s:4.1f} / 15 s{note}")
        if recorder.finished.is_set():
            self.stop()

    @Slot()
    def stop(self) -> None:
        """Stop counting in or recording; a recording is then checked."""
        self._count_timer.stop()
        self._meter_timer.stop()
        self.meter.setValue(METER_FLOOR_DB)
        self.stop_button.setEnabled(False)
        self.record_button.setEnabled(True)
        self.record_button.setText("&Re-take")
        if self._service.recorder is not None:
            self.status.setText("Checking the recording…")
            self._service.stop_recording()
        else:
            self.status.setText("Press Record, wait for the count-in, then read the text.")


class Checklist(QListWidget):
    """The sample checks, each with a verdict icon, what was measured and advice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sample checks")
        self.setWordWrap(True)
        self.setMinimumHeight(190)

    def show_report(self, report: SampleReport | None) -> None:
        """Fill the list from a report (empty for None)."""
        self.clear()
        if report is None:
            return
        for check in report.checks:
            title = CHECK_TITLES.get(check.key, check.key)
            text = f"{title}: {check.measured}. {check.advice}"
            name, kind = VERDICT_ICONS.get(check.verdict, ("info", "muted"))
            item = QListWidgetItem(icon(name, QColor(status_colour(kind))), text)
            item.setData(Qt.ItemDataRole.UserRole, check.verdict)
            item.setToolTip(f"{title}: {check.verdict}")
            self.addItem(item)

    def verdicts(self) -> dict[str, str]:
        """Check title → verdict, as shown."""
        out = {}
        for row in range(self.count()):
            item = self.item(row)
            out[item.text().split(":")[0]] = str(item.data(Qt.ItemDataRole.UserRole))
        return out
