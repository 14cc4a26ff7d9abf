"""File → Export… of a script project: the choices, then progress, Cancel and the result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import StudioError
from studio.project_export import ExportRequest
from studio.services.settings import Settings
from studio.ui.export_fields import ExportFields

PREVIEW_NAMES = 4  # files named under the choices; the rest are counted


class ExportDialog(QDialog):
    """The export choices (remembered in the settings), then progress, Cancel and the result.

    Attributes:
        fields: The choices (ExportFields).
        names_for: Lists the files a request would write (set by the export flow).

    Signals:
        export_requested(object ExportRequest): the user pressed Export.
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
        self.fields = ExportFields(self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName("Export progress")
        self.progress.hide()
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("Files to write")
        self.names_for: Callable[[ExportRequest], list[str]] | None = None
        self._preview_timer = QTimer(self)  # a name typed letter by letter: one update
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(150)
        self._preview_timer.timeout.connect(self.update_preview)
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
        layout.addWidget(self.fields)
        layout.addWidget(self.preview)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.fields.edited.connect(self._preview_timer.start)

    def load(self, project_title: str) -> None:
        """Fill in the last choices (the name is the project's title) and reset the status."""
        self.fields.load(self._settings, project_title)
        self.show_folder_button.hide()
        self.progress.hide()
        self.message.clear()
        self.update_preview()

    @Slot()
    def update_preview(self) -> None:
        """List the files the export will write (from `names_for`, given by the flow)."""
        self._preview_timer.stop()
        if self.names_for is None:
            return
        try:
            names = self.names_for(self.fields.request())
        except StudioError as exc:  # e.g. a template with an unknown field
            self.preview.setText(exc.user_message)
            return
        shown = ", ".join(names[:PREVIEW_NAMES])
        if len(names) > PREVIEW_NAMES:
            shown += f" and {len(names) - PREVIEW_NAMES} more"
        self.preview.setText(f"Writes {shown}." if names else "")

    # -- running ----------------------------------------------------------------------------

    def set_running(self, running: bool, text: str = "") -> None:
        """Show progress and turn Close into Cancel while an export (or a render first) runs."""
        self._running = running
        self.fields.setEnabled(not running)
        self.export_button.setEnabled(not running)
        self.close_button.setText("Cancel" if running else "Close")
        self.progress.setVisible(running)
        if running:
            self.progress.setValue(0)
            self.show_folder_button.hide()
        self.message.setText(text)

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
    def _on_export_clicked(self) -> None:
        request = self.fields.request()
        if not request.name:
            self.message.setText("Give the export a file name.")
            return
        if not request.out_dir.is_dir():
            self.message.setText(f"The folder {request.out_dir} does not exist. Choose another.")
            return
        self.fields.save(self._settings)
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
