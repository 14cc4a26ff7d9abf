"""The New clone dialog: record or import a sample, check it, name it, consent, and upload."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.api.clones import CloneSpec
from studio.audio.sample_io import import_suffixes
from studio.core import contract as c
from studio.core.clone_prompts import prompt_for
from studio.core.models import Voice
from studio.services.clones import CloneService, Sample
from studio.ui import dialogs
from studio.ui.clone_widgets import Checklist, RecordPanel
from studio.ui.icons import icon
from studio.ui.layout import fit_dialog
from studio.ui.waveform import WaveformView

if TYPE_CHECKING:
    from studio.services.bundle import Services

CONSENT_TEXT = "I have the right to clone this voice (it is my own, or its owner agreed)."
MODEL_LABELS = {"lightning-v3.1": "Lightning v3.1", "lightning-v3.1-pro": "Lightning v3.1 Pro"}


def clone_service(services: Services) -> CloneService:
    """A CloneService on the app's general task runner."""
    return CloneService(
        services.backend, services.runners[0], services.voices, services.playback,
        services.messages,
    )  # fmt: skip


def make_clone_dialog(services: Services, parent: QWidget | None = None) -> CloneDialog:
    """The dialog with its own CloneService on the app's general task runner."""
    return CloneDialog(clone_service(services), parent)


class CloneDialog(QDialog):
    """Voices → New clone…: one sample, checked, uploaded with consent, shown at once."""

    def __init__(self, service: CloneService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New voice clone")
        self.service = service
        self.created_voice: Voice | None = None

        self.record_panel = RecordPanel(service, self)
        self.import_button = QPushButton(icon("add"), "&Choose a file…", self)
        self.import_label = QLabel("WAV, FLAC, Ogg or MP3" + (
            ", M4A or WebM" if ".m4a" in import_suffixes() else ""
        ) + ": 5–15 s of one person speaking.", self)  # fmt: skip
        self.import_label.setWordWrap(True)
        import_page = QWidget(self)
        import_layout = QVBoxLayout(import_page)
        import_layout.addWidget(self.import_label)
        import_layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        import_layout.addStretch(1)
        self.sources = QTabWidget(self)
        self.sources.addTab(self.record_panel, icon("synthesize"), "R&ecord")
        self.sources.addTab(import_page, icon("add"), "&Import")

        self.waveform = WaveformView(self)
        self.waveform.setAccessibleName("Sample waveform")
        self.checklist = Checklist(self)
        self.trim_button = QPushButton(icon("remove"), "&Trim silence at the edges", self)
        self.trim_button.setVisible(False)

        self.name = QLineEdit(self)
        self.name.setMaxLength(c.CLONE_NAME_MAX_CHARS)
        self.name.setPlaceholderText("Required, e.g. “My narration voice”")
        self.language = QComboBox(self)
        for code in c.LANGUAGE_CODES[:20]:
            self.language.addItem(f"{c.LANGUAGE_NAMES.get(code, code).title()} ({code})", code)
        self.accent = QLineEdit(self)
        self.accent.setPlaceholderText("e.g. general, indian")
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText("comma-separated")
        self.model = QComboBox(self)
        for model in c.CLONE_MODELS:
            self.model.addItem(MODEL_LABELS.get(model, model), model)
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Language:", self.language)
        form.addRow("Acc&ent:", self.accent)
        form.addRow("Ta&gs:", self.tags)
        form.addRow("&Model:", self.model)
        self.consent = QCheckBox(CONSENT_TEXT, self)
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(self)
        self.create_button = buttons.addButton(
            "C&reate clone", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.setVisible(False)

        left = QVBoxLayout()
        left.addWidget(self.sources, 2)
        left.addWidget(self.waveform, 1)
        left.addWidget(QLabel("Checks:", self))
        left.addWidget(self.checklist, 3)
        left.addWidget(self.trim_button, 0, Qt.AlignmentFlag.AlignLeft)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.consent)
        right.addStretch(1)
        right.addWidget(self.progress)
        right.addWidget(self.status)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(buttons)
        # 920x700 where the screen has room; a 1366x768 work area keeps the buttons on screen.
        fit_dialog(self, QSize(920, 700))

        self.import_button.clicked.connect(self.choose_file)
        self.trim_button.clicked.connect(self._on_trim_button_clicked)
        self.record_panel.play_requested.connect(service.play_sample)
        self.language.currentIndexChanged.connect(self._on_language_changed)
        self.name.textChanged.connect(self._update_buttons)
        self.consent.toggled.connect(self._update_buttons)
        self.create_button.clicked.connect(self.create_clone)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.close_button.clicked.connect(self.reject)
        service.sample_ready.connect(self._on_service_sample_ready)
        service.upload_progressed.connect(self._on_service_upload_progressed)
        service.status_changed.connect(self._on_service_status_changed)
        service.created.connect(self._on_service_created)
        service.failed.connect(self._on_service_failed)
        self._on_language_changed()
        self._update_buttons()
        self.setAcceptDrops(True)
        service.list_devices()

    # --- sample -----------------------------------------------------------------------------------
    @Slot()
    def choose_file(self) -> None:
        """Ask for a file and load it (decoded and checked off the GUI thread)."""
        patterns = " ".join(f"*{suffix}" for suffix in import_suffixes())
        path = dialogs.open_file_name(self, "Import a voice sample", "", [f"Audio ({patterns})"])
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        """Load and check a sample file."""
        self.status.setText(f"Reading {path.name}…")
        self.service.load_file(path)

    def _on_service_sample_ready(self, sample: Sample) -> None:
        self.waveform.set_clip(sample.samples, sample.sample_rate)
        self.checklist.show_report(sample.report)
        self.trim_button.setVisible(sample.report.can_trim)
        self.record_panel.play_button.setEnabled(True)
        if sample.report.usable:
            self.status.setText(f"The sample ({sample.report.duration_s:.1f} s) can be used.")
        else:
            self.status.setText("The sample needs another take: see the checks.")
        self._update_buttons()

    @Slot()
    def _on_trim_button_clicked(self) -> None:
        self.service.trim()

    @Slot()
    def _on_language_changed(self) -> None:
        self.record_panel.prompt.setText(prompt_for(str(self.language.currentData())))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept one dropped audio file."""
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Import the dropped file."""
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile():
            self.sources.setCurrentIndex(1)
            self.load_file(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()

    # --- create ----------------------------------------------------------------------------------
    def spec(self) -> CloneSpec:
        """The clone settings as entered."""
        tags = tuple(t.strip() for t in self.tags.text().split(",") if t.strip())
        return CloneSpec(
            self.name.text().strip(), str(self.language.currentData()),
            self.accent.text().strip(), "", tags, str(self.model.currentData()),
        )  # fmt: skip

    @Slot()
    def _update_buttons(self) -> None:
        sample = self.service.sample
        uploading = self.service.uploading
        ready = (
            sample is not None and sample.report.usable and bool(self.name.text().strip())
            and self.consent.isChecked() and not uploading and self.created_voice is None
        )  # fmt: skip
        self.create_button.setEnabled(ready)
        self.cancel_button.setVisible(uploading)
        missing = []
        if sample is None:
            missing.append("record or import a sample")
        if not self.name.text().strip():
            missing.append("give it a name")
        if not self.consent.isChecked():
            missing.append("confirm you have the right to clone this voice")
        self.create_button.setToolTip(
            "To create the clone: " + ", ".join(missing) + "." if missing else "Upload and create"
        )

    @Slot()
    def create_clone(self) -> None:
        """Upload the checked sample (only with consent)."""
        if not self.consent.isChecked() or self.service.sample is None:
            return
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText("Uploading…")
        self.service.create(self.spec())
        self._update_buttons()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.service.cancel()

    def _on_service_upload_progressed(self, done: int, total: int) -> None:
        self.progress.setValue(round(100 * done / total) if total else 0)

    def _on_service_status_changed(self, status: str) -> None:
        self.status.setText(f"Clone status: {status}.")

    def _on_service_created(self, voice: Voice) -> None:
        self.created_voice = voice
        self.progress.setValue(100)
        self.status.setText(
            f"“{voice.display_name}” is ready ({voice.status or 'completed'}); it is in the "
            "voice list, and a first preview plays it reading the prompt."
        )
        self._update_buttons()

    def _on_service_failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.status.setText(message)
        self._update_buttons()

    def reject(self) -> None:
        """Close; a running upload or recording is cancelled first."""
        self.service.cancel()
        if self.service.recorder is not None:
            self.record_panel.stop()
        super().reject()

    def done(self, result: int) -> None:
        """Stop listening to the service: its tasks may finish after this dialog is gone (the
        service is not our child, so it lives until they have)."""
        self.service.cancel()
        for signal in (
            self.service.devices_listed, self.service.recording_started,
            self.service.sample_ready, self.service.upload_progressed,
            self.service.status_changed, self.service.created, self.service.failed,
        ):  # fmt: skip
            with contextlib.suppress(RuntimeError):
                signal.disconnect()
        super().done(result)
