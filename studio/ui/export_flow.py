"""File → Export… of a project: the dialog, unrendered segments, progress, Cancel, the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from studio.services.project_bundle import ProjectServices
from studio.services.settings import Settings
from studio.ui import dialogs

if TYPE_CHECKING:  # built on first use
    from studio.project_export import ExportReport, ExportRequest
    from studio.ui.export_dialog import ExportDialog

MAX_LISTED = 8  # unrendered segments named in the question; the rest are counted


class ExportFlow(QObject):
    """The Export command: enabled when the open project has chosen takes.

    Attributes:
        action: File → Export project… (Ctrl+E).
        dialog: The export dialog, built on first use (None until then).
    """

    def __init__(self, window: QMainWindow, services: ProjectServices, settings: Settings) -> None:
        super().__init__(window)
        self._window = window
        self._services = services
        self._settings = settings
        self._after_render: ExportRequest | None = None
        self._rendered_first = False
        self.dialog: ExportDialog | None = None
        self.action = QAction("&Export project…", window)
        self.action.setShortcut("Ctrl+E")
        self.action.setStatusTip("Mix the chosen takes to files, with subtitles and chapters")
        self.action.triggered.connect(self.export)
        window.addAction(self.action)
        transfer = services.transfer
        transfer.export_progressed.connect(self._on_export_progressed)
        transfer.export_finished.connect(self._on_export_finished)
        transfer.export_failed.connect(self._on_export_failed)
        transfer.export_cancelled.connect(self._on_export_cancelled)
        services.projects.project_changed.connect(self._on_project_changed)
        services.renderer.render_finished.connect(self._on_render_finished)
        services.renderer.render_progressed.connect(self._on_render_progressed)
        self._on_project_changed()

    @Slot(object)
    def _on_project_changed(self, _project: object = None) -> None:
        project = self._services.projects.project
        has_takes = project is not None and any(s.chosen_take for s in project.segments())
        self.action.setEnabled(has_takes)

    @Slot()
    def export(self) -> ExportDialog | None:
        """Open the export dialog for the open project (built on first use)."""
        project = self._services.projects.project
        if project is None:
            return None
        if self.dialog is None:
            from studio.ui.export_dialog import ExportDialog

            self.dialog = ExportDialog(self._settings, self._window)
            self.dialog.names_for = self._names_for
            self.dialog.export_requested.connect(self._on_export_requested)
            self.dialog.cancel_requested.connect(self._on_cancel_requested)
        if not self._services.transfer.exporting and self._after_render is None:
            self.dialog.load(project.title)
        self.dialog.show()
        self.dialog.activateWindow()
        return self.dialog

    def _names_for(self, request: ExportRequest) -> list[str]:
        from studio.project_export import output_names

        projects = self._services.projects
        if projects.project is None:
            return []
        fallback = projects.path.stem if projects.path is not None else "project"
        return output_names(projects.project, request, fallback)

    @Slot(object)
    def _on_export_requested(self, request: ExportRequest) -> None:
        from dataclasses import replace

        from studio.core.errors import StudioError
        from studio.core.project_mix import unready

        project, dialog = self._services.projects.project, self.dialog
        if dialog is None:
            return
        if project is None:
            dialog.finish("No project is open any more: nothing was exported.")
            return
        missing = unready(project)
        if missing:
            listed = "\n".join(f"• {m.text[:70]} ({m.state.value})" for m in missing[:MAX_LISTED])
            if len(missing) > MAX_LISTED:
                listed += f"\n…and {len(missing) - MAX_LISTED} more"
            text = f"{len(missing)} segment(s) have no current take:\n\n{listed}"
            plan = self._services.renderer.plan()  # locked segments are not rendered
            choices = ["Export without them"]
            if plan.unvoiced:
                text += f"\n\nPick a voice for {', '.join(plan.unvoiced)} to render them."
            elif plan.jobs and not self._rendered_first:
                choices.insert(0, f"Render {plan.requests} first")
                text += (
                    f"\n\nRendering sends {plan.requests} request(s), {plan.characters} characters."
                )
            choice = dialogs.choose(dialog, "Export project", text, choices)
            if choice < 0:
                self._rendered_first = False
                return
            if choices[choice].startswith("Render"):
                self._render_first(request, plan.requests)
                return
            request = replace(request, leave_out=True)
        self._rendered_first = False
        try:
            names = self._names_for(request)
        except StudioError as exc:
            dialog.finish(exc.user_message)
            return
        existing = [n for n in names if (request.out_dir / n).exists()]
        if existing:
            shown = ", ".join(existing[:4]) + ("…" if len(existing) > 4 else "")
            if not dialogs.ask(dialog, "Replace files?", f"Replace {shown} in {request.out_dir}?"):
                return
            request = replace(request, force=True)
        dialog.set_running(True, "Exporting…")
        self._services.transfer.export(request)

    def _render_first(self, request: ExportRequest, count: int) -> None:
        assert self.dialog is not None
        self._after_render, self._rendered_first = request, True
        self.dialog.set_running(True, f"Rendering {count} segment(s) first…")
        if self._services.renderer.render_changed() == 0:  # nothing to do after all
            self._on_render_finished(0, 0)

    @Slot(int, int)
    def _on_render_progressed(self, done: int, total: int) -> None:
        if self._after_render is not None and self.dialog is not None and total:
            self.dialog.set_progress(done / total)

    @Slot(int, int)
    def _on_render_finished(self, _rendered: int, _failed: int) -> None:
        request, self._after_render = self._after_render, None
        if request is not None and self.dialog is not None:
            self.dialog.set_running(False)
            self._on_export_requested(request)

    @Slot()
    def _on_cancel_requested(self) -> None:
        if self._after_render is not None:
            self._after_render, self._rendered_first = None, False
            self._services.renderer.cancel()
            if self.dialog is not None:
                self.dialog.finish("Rendering stopped; nothing was exported.")
            return
        self._services.transfer.cancel_export()

    @Slot(float)
    def _on_export_progressed(self, fraction: float) -> None:
        if self.dialog is not None:
            self.dialog.set_progress(fraction)

    @Slot(object)
    def _on_export_finished(self, report: ExportReport) -> None:
        files = report.files
        folder = files[0].parent if files else None
        text = f"Exported {len(files)} file(s) to {folder}." if folder else "Nothing exported."
        if self.dialog is not None:
            # e.g. a dubbed cue that runs into the next: the CLI prints the same warnings
            self.dialog.finish(" ".join((text, *report.warnings)), folder)
        self._window.statusBar().showMessage(text, 8000)

    @Slot(str)
    def _on_export_failed(self, message: str) -> None:
        if self.dialog is not None:
            self.dialog.finish(f"{message} Nothing was written.")

    @Slot()
    def _on_export_cancelled(self) -> None:
        if self.dialog is not None:
            self.dialog.finish("Export cancelled; nothing was written.")
