"""The Script view's text, speaker and cast edits (a mixin of ScriptView, kept apart for size)."""

from __future__ import annotations

from functools import partial
from typing import cast as typed

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from studio.core.project_edit import ProjectEditor
from studio.core.project_state import newly_stale
from studio.core.project_text import pause_marker
from studio.services.dictionaries import DictionaryService, NamedDictionary
from studio.services.project import ProjectService
from studio.ui import dialogs
from studio.ui.script_cast import CastPanel
from studio.ui.script_rows import BlockRow
from studio.ui.script_summary import ScriptSummary


class ScriptEditing:
    """Edits from the Script view's rows, toolbar and cast panel, all through ProjectService.

    Attributes (set by ScriptView): projects, rows, rows_scroll, cast, summary, and the block
    the caret was last in; dictionaries: the DictionaryService speakers pick from, if any.
    """

    projects: ProjectService
    rows: dict[str, BlockRow]
    rows_scroll: QScrollArea
    cast: CastPanel
    summary: ScriptSummary
    _caret_block: str
    dictionaries: DictionaryService | None = None

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
        offset = text.caret() if block_id == self._caret_block else len(text.toPlainText())
        before = self.projects.project
        self.projects.edit(lambda e: e.insert_pause(block_id, offset, seconds))
        after = self.projects.project
        if after is not before and after is not None and block_id == self._caret_block:
            # Back to typing, just after the marker (the edit spaced it from its neighbours).
            head = before.block(block_id).text[:offset].rstrip() if before is not None else ""
            marker = pause_marker(seconds)
            self._caret_to(
                block_id, after.block(block_id).text.find(marker, len(head)) + len(marker) + 1
            )

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

    def _caret_to(self, block_id: str, offset: int) -> None:
        row = self.rows.get(block_id)
        if row is not None:
            row.text.setFocus()
            row.text.set_caret(offset)
            self.rows_scroll.ensureWidgetVisible(row)

    def _keep_typing(self, block_id: str, text: str) -> None:
        """An Enter or Backspace that changed nothing: the typed text stays uncommitted."""
        project, row = self.projects.project, self.rows.get(block_id)
        if row is not None and project is not None and project.has(block_id):
            row.text.document().setModified(text != project.block(block_id).text)

    @Slot(str, int, str)
    def _on_split_requested(self, block_id: str, offset: int, text: str) -> None:
        project = self.projects.project
        if project is None or not project.has(block_id):
            return
        if text[:offset].strip():
            new_id = self.projects.edit(lambda e: e.split_block(block_id, offset, text))
            if new_id:
                self._caret_to(new_id, 0)
            else:
                self._keep_typing(block_id, text)
            return
        # Enter at the start: an empty paragraph above; the caret stays with the text.
        if text != project.block(block_id).text:
            self.projects.edit(lambda e: e.set_block_text(block_id, text))
        ci, bi, _ = project.locate(block_id)
        chapter_id, speaker = project.chapters[ci].chapter_id, project.block(block_id).speaker_id
        self.projects.edit(lambda e: e.insert_block(chapter_id, bi, "", speaker))
        self._caret_to(block_id, 0)

    @Slot(str, str)
    def _on_join_requested(self, block_id: str, text: str) -> None:
        project = self.projects.project
        if project is None or not project.has(block_id):
            return
        ci, bi, _ = project.locate(block_id)
        at = self.projects.edit(lambda e: e.join_previous(block_id, text))
        if at is not None and at >= 0:
            self._caret_to(project.chapters[ci].blocks[bi - 1].block_id, at)
        else:
            self._keep_typing(block_id, text)

    @Slot(str, str)
    def _on_join_next_requested(self, block_id: str, text: str) -> None:
        project = self.projects.project
        if project is None or not project.has(block_id):
            return
        ci, bi, _ = project.locate(block_id)
        blocks = project.chapters[ci].blocks
        if bi + 1 < len(blocks):
            next_id = blocks[bi + 1].block_id
            at = self.projects.edit(lambda e: e.join_previous(next_id, previous_text=text))
            if at is not None and at >= 0:
                self._caret_to(block_id, len(text.rstrip()))
                return
        self._keep_typing(block_id, text)

    @Slot(str)
    def _on_text_typed(self, block_id: str) -> None:
        row = self.rows.get(block_id)
        if row is not None:
            self.summary.typed(block_id, row.text.toPlainText)

    @Slot(str, object, object)
    def _on_overrides_changed(
        self, segment_id: str, voice_id: str | None, speed: float | None
    ) -> None:
        self.projects.edit(lambda e: e.set_overrides(segment_id, voice_id, speed))

    def set_dictionaries(self, service: DictionaryService) -> None:
        """Let speakers pick among `service`'s dictionaries (their rules are snapshotted in
        the project, so editing a rule makes the segments that apply it stale)."""
        self.dictionaries = service
        service.dictionaries_changed.connect(self._on_dictionaries_changed)
        self.projects.file_changed.connect(self._on_project_file_changed)
        self.cast.set_dictionaries(service.dictionaries)

    @Slot(str)
    def _on_project_file_changed(self, path: str) -> None:
        # Rules edited while the project was closed: its snapshots catch up on opening.
        project = self.projects.project
        if path and project is not None:
            self._snapshot_rules({d for s in project.cast.speakers for d in s.dictionaries})

    @Slot(object)
    def _on_dictionaries_changed(self, listed: list[NamedDictionary]) -> None:
        self.cast.set_dictionaries(listed)
        project = self.projects.project
        if project is not None:
            self._snapshot_rules({d for s in project.cast.speakers for d in s.dictionaries})
            after = self.projects.project
            if after is not None and after is not project:  # a rule changed: say what it cost
                self.cast.show_stale(newly_stale(project, after))

    def _snapshot_rules(self, dict_ids: set[str]) -> None:
        service = self.dictionaries
        for dict_id in sorted(dict_ids):
            found = service.find(dict_id) if service is not None else None
            if found is not None:
                rules = tuple((i.word, i.pronunciation) for i in found.dictionary.items)
                self.projects.edit(partial(_set_rules, dict_id, rules))

    @Slot(str, str)
    def _on_speaker_chosen(self, block_id: str, speaker_id: str) -> None:
        self.projects.edit(lambda e: e.set_block_speaker(block_id, speaker_id))

    @Slot(str, object)
    def _on_speaker_changed(self, speaker_id: str, changes: dict[str, object]) -> None:
        before = self.projects.project
        picked = changes.get("dictionaries")
        if isinstance(picked, tuple):
            self._snapshot_rules(set(picked))
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


def _set_rules(dict_id: str, rules: tuple[tuple[str, str], ...], editor: ProjectEditor) -> object:
    return editor.set_dictionary_rules(dict_id, rules)
