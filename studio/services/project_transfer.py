"""ProjectTransfer: reading scripts into projects and exporting projects, off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio.core.errors import CancelledError
from studio.services.messages import user_message
from studio.services.project import ProjectService
from studio.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:  # the import and export libraries load on first use (a faster start)
    from studio.core.project import Project
    from studio.core.project_build import ScriptContent
    from studio.core.script_import import ImportedScript
    from studio.project_export import ExportReport, ExportRequest


@dataclass(frozen=True)
class ReadScript:
    """A script read from `path`, ready to go into a project."""

    path: Path
    script: ImportedScript


class ProjectTransfer(QObject):
    """Imports scripts and exports the open project on worker threads of its own.

    Attributes:
        tasks: The runner of imports and exports.

    Signals:
        script_read(object ReadScript): a script file was parsed.
        import_failed(str message): it could not be (the message names the line).
        content_ready(object ScriptContent): blocks to append to the open project.
        export_progressed(float fraction): 0.0–1.0.
        export_finished(object ExportReport): the files written, and warnings.
        export_failed(str message): nothing was written.
        export_cancelled(): stopped on request; nothing was written.
    """

    script_read = Signal(object)
    import_failed = Signal(str)
    content_ready = Signal(object)
    export_progressed = Signal(float)
    export_finished = Signal(object)
    export_failed = Signal(str)
    export_cancelled = Signal()

    def __init__(
        self,
        projects: ProjectService,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._projects = projects
        # Two threads: a script can be read while an export runs (the dialog allows one export).
        self.tasks = tasks or TaskRunner(max_threads=2, parent=self)
        self._export_task = 0

    @property
    def exporting(self) -> bool:
        """True while an export runs."""
        return bool(self._export_task) and self.tasks.is_running(self._export_task)

    # -- import -----------------------------------------------------------------------------

    def read_script(self, path: Path) -> int:
        """Parse a script file (text, Markdown, SRT, VTT, Word, EPUB); see `script_read`."""

        def read(_ctx: TaskContext) -> ReadScript:
            from studio.core.script_import import import_script

            return ReadScript(path, import_script(path))

        return self.tasks.submit(read, self.script_read.emit, self._on_import_failed)

    def build_content(self, project: Project, script: ImportedScript) -> int:
        """Make the blocks `script` adds to `project` (a book resplits for a while); see
        `content_ready`."""

        def build(_ctx: TaskContext) -> ScriptContent:
            from studio.core.project_build import script_content

            return script_content(project, script)

        return self.tasks.submit(build, self.content_ready.emit, self._on_import_failed)

    def create_project(self, path: Path, voice_id: str, script: ImportedScript) -> None:
        """Create a project file at `path` holding `script` and open it (as File → New does)."""

        def build() -> Project:
            from studio.core.project_build import project_from_script

            return project_from_script(script, path.stem, voice_id=voice_id)

        self._projects.create(path, build)

    def _on_import_failed(self, exc: BaseException) -> None:
        self.import_failed.emit(user_message(exc, "Importing the script failed"))

    # -- export -----------------------------------------------------------------------------

    def export(self, request: ExportRequest) -> int:
        """Export the open project as it stands now (it may be ahead of the autosave) with the
        library the CLI uses (studio.project_export); see the export_* signals. Returns the
        task id (0: no project is open)."""
        project, file = self._projects.project, self._projects.file
        if project is None or file is None:
            return 0
        source_path, read = file.path, file.read_audio

        def run(ctx: TaskContext) -> ExportReport:
            from studio.project_export import export_project
            from studio.project_takes import ProjectSnapshot

            source = ProjectSnapshot(project, source_path, read)
            return export_project(
                source, request, lambda fraction, _name: ctx.report(fraction), ctx.cancelled
            )

        self._export_task = self.tasks.submit(
            run, self._on_export_finished, self._on_export_failed, self._on_export_progressed
        )
        return self._export_task

    def cancel_export(self) -> None:
        """Stop the running export (it removes what it made so far)."""
        if self._export_task:
            self.tasks.cancel(self._export_task)

    def _on_export_progressed(self, fraction: object) -> None:
        if isinstance(fraction, float):
            self.export_progressed.emit(fraction)

    def _on_export_finished(self, report: object) -> None:
        self._export_task = 0
        self.export_finished.emit(report)

    def _on_export_failed(self, exc: BaseException) -> None:
        self._export_task = 0
        if isinstance(exc, CancelledError):
            self.export_cancelled.emit()
        else:
            self.export_failed.emit(user_message(exc, "Exporting the project failed"))

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel an export and wait for the worker (on quit)."""
        self.tasks.shutdown(timeout_ms)
