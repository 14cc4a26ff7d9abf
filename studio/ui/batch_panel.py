"""The Batch window: drop a CSV or folder, check the dry run, render it with progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.batch.jobs import JobOptions
from studio.batch.plan import EXPORT_FORMATS, BatchDefaults, BatchPlan
from studio.batch.progress import describe
from studio.batch.runner import Progress
from studio.core.batch import JobCounts, QueueItem
from studio.services.batch import BatchService
from studio.services.settings import Settings
from studio.ui import dialogs
from studio.ui.batch_model import BatchTableModel, size_columns


class BatchPanel(QDialog):
    """Batch rendering in the window (a tool window; Ctrl+Shift+B).

    Signals:
        play_requested(object rendered): Play an item's file (a Rendered; long ones are
            played from the file as it is read).
        progress_fraction_changed(float): 0..1 while a job runs, -1 when idle (for the
            window's title or taskbar).
    """

    play_requested = Signal(object)
    progress_fraction_changed = Signal(float)

    def __init__(self, service: BatchService, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setModal(False)
        self.setWindowTitle("Batch render")
        self.setAcceptDrops(True)
        self.resize(980, 560)
        self.service, self.settings = service, settings
        self.plan: BatchPlan | None = None
        self.input_path: Path | None = None
        self.model = BatchTableModel(self)

        self.input_label = QLabel("Drop a CSV, TSV, text file or folder here, or open one.", self)
        open_file = QPushButton("Open file…", self)
        open_folder = QPushButton("Open folder…", self)
        self.out_edit = QLineEdit(str(Path.home() / "Waves batch"), self)
        self.out_edit.setAccessibleName("Output folder")
        browse_out = QPushButton("Output folder…", self)
        self.format_combo = QComboBox(self)
        self.format_combo.addItems(EXPORT_FORMATS)
        self.format_combo.setToolTip("File format for rows without a 'format' column")
        self.concurrency_spin = QSpinBox(self)
        self.concurrency_spin.setRange(1, 16)
        self.concurrency_spin.setValue(3)
        self.concurrency_spin.setPrefix("At once: ")
        self.merge_check = QCheckBox("Also one merged file", self)
        self.defaults_label = QLabel(self)
        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        size_columns(self.table)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Batch progress")
        self.status_label = QLabel(self)
        self.start_button = QPushButton("Start", self)
        self.pause_button = QPushButton("Pause", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.play_button = QPushButton("Play", self)
        self.retry_button = QPushButton("Retry", self)

        top = _row(open_file, open_folder, self.input_label, None)
        options = _row(browse_out, self.out_edit, self.format_combo, self.concurrency_spin,
                       self.merge_check)  # fmt: skip
        buttons = _row(self.play_button, self.retry_button, None, self.start_button,
                       self.pause_button, self.cancel_button)  # fmt: skip
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(options)
        layout.addWidget(self.defaults_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)

        open_file.clicked.connect(self._on_open_file_clicked)
        open_folder.clicked.connect(self._on_open_folder_clicked)
        browse_out.clicked.connect(self._on_browse_out_clicked)
        self.format_combo.currentTextChanged.connect(self._on_option_changed)
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self.cancel_button.clicked.connect(self.service.cancel)
        self.play_button.clicked.connect(self._on_play_clicked)
        self.retry_button.clicked.connect(self._on_retry_clicked)
        self.table.doubleClicked.connect(self._on_play_clicked)
        service.plan_ready.connect(self._on_plan_ready)
        service.plan_failed.connect(self._on_plan_failed)
        service.job_started.connect(self._on_job_started)
        service.progress_changed.connect(self._on_progress_changed)
        service.items_changed.connect(self.model.update_items)
        service.job_finished.connect(self._on_job_finished)
        service.job_failed.connect(self._on_job_failed)
        service.audio_loaded.connect(self._on_audio_loaded)
        self._set_running(False)

    # --- inputs ------------------------------------------------------------------------------

    def defaults(self) -> BatchDefaults:
        """Values for missing columns: the main window's current controls."""
        s = self.settings
        return BatchDefaults(
            voice_id=s.voice_id,
            model=str(s.get("synthesis/model")),
            language=str(s.get("synthesis/language")),
            speed=float(s.get("synthesis/speed")),
            sample_rate=int(s.get("synthesis/sample_rate")),
            export_format=self.format_combo.currentText(),
            dictionary_ids=tuple(s.get("synthesis/dictionary_ids")),
        )

    def open_input(self, path: Path) -> None:
        """Read `path` (off the GUI thread) and show its dry run."""
        self.input_path = path
        self.input_label.setText(str(path))
        d = self.defaults()
        self.defaults_label.setText(
            f"Rows without their own settings use: voice {d.voice_id or '(none)'}, "
            f"{d.language}, speed {d.speed:g}, {d.export_format} at {d.sample_rate} Hz."
        )
        self.summary_label.setText("Reading…")
        self.start_button.setEnabled(False)
        self.service.dry_run(path, d, Path(self.out_edit.text()))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.open_input(Path(urls[0].toLocalFile()))

    @Slot()
    def _on_open_file_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Batch input", "", "Tables and text (*.csv *.tsv *.txt *.md);;All files (*)"
        )
        if name:
            self.open_input(Path(name))

    @Slot()
    def _on_open_folder_clicked(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Folder of .txt/.md files")
        if name:
            self.open_input(Path(name))

    @Slot()
    def _on_browse_out_clicked(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Output folder", self.out_edit.text())
        if name:
            self.out_edit.setText(name)
            self._on_option_changed()

    @Slot()
    def _on_option_changed(self, _text: str = "") -> None:
        if self.input_path is not None and not self.service.running:
            self.open_input(self.input_path)

    @Slot(object, float)
    def _on_plan_ready(self, plan: BatchPlan, chars_per_s: float) -> None:
        self.plan = plan
        self.model.set_plan(plan)
        notes = "".join(f"<br>Note: {n}" for n in plan.table.notes)
        self.summary_label.setText(plan.summary(chars_per_s) + notes)
        self.start_button.setEnabled(bool(plan.items) and not self.service.running)

    @Slot(str)
    def _on_plan_failed(self, message: str) -> None:
        self.plan = None
        self.summary_label.setText(f"<b>Cannot use this input.</b> {message}")
        self.start_button.setEnabled(False)

    # --- the job -----------------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        """Render the dry run's valid rows."""
        if self.plan is None or not self.plan.items:
            return
        options = JobOptions(
            concurrency=self.concurrency_spin.value(), merge=self.merge_check.isChecked()
        )
        self.service.start(self.plan, Path(self.out_edit.text()), options)

    def show_job(self, job_id: int, out_dir: str) -> None:
        """Show a stored job (a resumed one): its items fill the table."""
        self.out_edit.setText(out_dir)
        self.input_label.setText(f"Job {job_id}")
        self.service.load_items(job_id)

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(
            not running and self.plan is not None and bool(self.plan.items)
        )
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        self.pause_button.setText("Pause")

    @Slot(int)
    def _on_job_started(self, job_id: int) -> None:
        self._set_running(True)
        self.status_label.setText(f"Job {job_id} started…")

    @Slot(object)
    def _on_progress_changed(self, p: Progress) -> None:
        c = p.counts
        self.progress.setRange(0, max(1, c.total))
        self.progress.setValue(c.finished)
        self.status_label.setText(describe(p))
        self.pause_button.setText("Resume" if p.paused else "Pause")
        self.progress_fraction_changed.emit(c.finished / c.total if c.total else 0.0)

    @Slot(int, object)
    def _on_job_finished(self, job_id: int, counts: JobCounts) -> None:
        self._set_running(False)
        self.progress_fraction_changed.emit(-1.0)
        self.status_label.setText(
            f"Job {job_id}: {counts.done + counts.skipped} done, {counts.failed} failed, "
            f"{counts.queued} not rendered. The report is in the output folder."
        )
        self.service.load_items(job_id)

    @Slot(int, str)
    def _on_job_failed(self, _job_id: int, message: str) -> None:
        self._set_running(self.service.running)
        self.status_label.setText(f"<b>Batch stopped.</b> {message}")

    @Slot()
    def _on_pause_clicked(self) -> None:
        runner = self.service.runner
        if runner is not None and runner.paused:
            self.service.resume()
        else:
            self.service.pause()

    def _selected_items(self) -> list[QueueItem]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [item for r in rows if (item := self.model.item_at(r)) is not None]

    @Slot()
    def _on_play_clicked(self) -> None:
        done = [i for i in self._selected_items() if i.state in ("done", "skipped")]
        if done:
            self.service.load_audio(done[0], Path(self.out_edit.text()))

    @Slot()
    def _on_retry_clicked(self) -> None:
        items = self._selected_items()
        if items and not self.service.running:
            self.service.retry(items[0].job_id, [i.id for i in items])

    @Slot(object, object)
    def _on_audio_loaded(self, _item: QueueItem, rendered: object) -> None:
        self.play_requested.emit(rendered)


def _row(*widgets: QWidget | None) -> QHBoxLayout:
    """A row of widgets; None is a stretch."""
    layout = QHBoxLayout()
    for widget in widgets:
        if widget is None:
            layout.addStretch(1)
        else:
            layout.addWidget(widget)
    return layout


def offer_resume(parent: QWidget, service: BatchService, panel: BatchPanel, jobs: object) -> None:
    """After a crash or a pause, ask whether to resume the newest unfinished job."""
    if not isinstance(jobs, list) or not jobs or service.running:
        return
    job = jobs[0]
    more = f" ({len(jobs) - 1} more are waiting.)" if len(jobs) > 1 else ""
    reason = f" It paused: {job.message}" if job.message else " It was interrupted."
    if dialogs.ask(
        parent,
        "Resume batch job?",
        f"Batch job {job.id} ({job.total} items from {Path(job.source).name}) is unfinished."
        f"{reason} Resume it now?{more}",
        default_yes=True,
    ):
        panel.show()
        panel.show_job(job.id, job.out_dir)
        service.resume_job(job.id)
