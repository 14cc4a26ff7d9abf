"""The Script view's text, speaker and cast edits (a mixin of ScriptView, kept apart for size)."""

from __future__ import annotations

from typing import cast as typed

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from studio.core.project_state import newly_stale
from studio.services.project import ProjectService
from studio.ui import dialogs
from studio.ui.script_cast import CastPanel
from studio.ui.script_rows import BlockRow


class ScriptEditing:
    """Edits from the Script view's rows, toolbar and cast panel, all through ProjectService.

    Attributes (set by ScriptView): projects, rows, rows_scroll, cast, and the block the
    caret was last in.
    """

    projects: ProjectService
    rows: dict[str, BlockRow]
    rows_scroll: QScrollArea
    cast: CastPanel
    _caret_block: str

    def paste_script(self, text: str) -> list[str]:
        """Add pasted text at the end of the last chapter ('Name: line' assigns speakers)."""
        project = self.projects.project
        if project is None or not text.strip():
            return []
        chapter = project.chapters[-1]
        ids: list[str] = (
            self.projects.edit(lambda e: e.paste(chapter.chapter_id, len(chapter.blocks), text))
            or []
        )
        return ids

    @Slot()
    def _on_paste_clicked(self) -> None:
        self.paste_script(QApplication.clipboard().text())

    @Slot(str)
    def _on_text_entered(self, block_id: str) -> None:
        self._caret_block = block_id

    def insert_pause(self, seconds: float = 1.0) -> None:
        """Insert a pause marker at the caret of the paragraph last typed in (else the last)."""
        project = self.projects.project
        if project is None or not project.blocks:
            return
        block_id = self._caret_block if project.has(self._caret_block) else ""
        block_id = block_id or project.blocks[-1].block_id
        text = self.rows[block_id].text
        offset = (
            text.textCursor().position()
            if block_id == self._caret_block
            else len(text.toPlainText())
        )
        self.projects.edit(lambda e: e.insert_pause(block_id, offset, seconds))

    @Slot()
    def _on_pause_clicked(self) -> None:
        self.insert_pause()

    @Slot(str, str)
    def _on_text_committed(self, block_id: str, text: str) -> None:
        if text.strip():
            self.projects.edit(lambda e: e.set_block_text(block_id, text))
        else:  # an emptied paragraph goes (Undo brings it back with its takes)
            self.projects.edit(lambda e: e.delete_blocks([block_id]))

    def new_paragraph(self) -> None:
        """Add an empty paragraph at the end (the last speaker's) and put the caret in it."""
        project = self.projects.project
        if project is None:
            return
        chapter = project.chapters[-1]
        speaker = chapter.blocks[-1].speaker_id if chapter.blocks else ""
        block_id = self.projects.edit(
            lambda e: e.insert_block(chapter.chapter_id, len(chapter.blocks), "", speaker)
        )
        row = self.rows.get(block_id or "")
        if row is not None:
            row.text.setFocus()
            self.rows_scroll.ensureWidgetVisible(row)

    @Slot(str, str)
    def _on_speaker_chosen(self, block_id: str, speaker_id: str) -> None:
        self.projects.edit(lambda e: e.set_block_speaker(block_id, speaker_id))

    @Slot(str, object)
    def _on_speaker_changed(self, speaker_id: str, changes: dict[str, object]) -> None:
        before = self.projects.project
        self.projects.edit(lambda e: e.update_speaker(speaker_id, **changes))
        after = self.projects.project
        if before is not None and after is not None and after is not before:
            self.cast.show_stale(newly_stale(before, after))

    @Slot()
    def _on_add_speaker(self) -> None:
        project = self.projects.project
        if project is None:
            return
        name = dialogs.ask_name(
            typed(QWidget, self),
            "Add speaker",
            "Name:",
            f"Speaker {len(project.cast.speakers) + 1}",
        )
        if name and name.strip():
            self.projects.edit(lambda e: e.add_speaker(name))
