"""Find and replace across a script project: the Script view's find bar and what drives it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from studio.core.errors import ValidationError
from studio.core.project import Project
from studio.core.project_find import Match, compile_query, text_matches
from studio.core.project_text import block_spans

if TYPE_CHECKING:
    from studio.ui.script_view import ScriptView


class FindBar(QWidget):
    """The fields and buttons of find and replace (hidden until Ctrl+F or Ctrl+H).

    Signals:
        closed(): Esc or the close button.
    """

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText("Find in the script")
        self.find_edit.setAccessibleName("Find")
        self.find_edit.setClearButtonEnabled(True)
        self.replace_edit = QLineEdit(self)
        self.replace_edit.setPlaceholderText("Replace with")
        self.replace_edit.setAccessibleName("Replace with")
        self.case_box = QCheckBox("Match case", self)
        self.word_box = QCheckBox("Whole words", self)
        self.previous_button = QPushButton("Previous", self)
        self.previous_button.setToolTip("Previous match (Shift+Enter)")
        self.next_button = QPushButton("Next", self)
        self.next_button.setToolTip("Next match (Enter)")
        self.replace_button = QPushButton("Replace", self)
        self.replace_button.setToolTip("Replace this match and go to the next")
        self.replace_all_button = QPushButton("Replace all", self)
        self.replace_all_button.setToolTip("Replace every match in the project (one undo step)")
        self.count_label = QLabel("", self)
        self.count_label.setAccessibleName("Matches")
        self.close_button = QPushButton("Close", self)
        self.close_button.setToolTip("Close the find bar (Esc)")
        self.close_button.clicked.connect(self.closed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.find_edit, self.previous_button, self.next_button, self.count_label,
            self.case_box, self.word_box, self.replace_edit, self.replace_button,
            self.replace_all_button, self.close_button,
        ):  # fmt: skip
            layout.addWidget(widget)
        layout.setStretch(0, 2)
        layout.setStretch(6, 1)
        for edit in (self.find_edit, self.replace_edit):
            edit.installEventFilter(self)
        self.hide()

    def show_replace(self, on: bool) -> None:
        """Show or hide the replace part (Ctrl+H shows it, Ctrl+F leaves it as it was)."""
        for widget in (self.replace_edit, self.replace_button, self.replace_all_button):
            widget.setVisible(on)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Esc is the window's Stop shortcut: in these fields it closes the bar instead.
        if isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.closed.emit()
                return True
        if (
            watched is self.find_edit
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            (self.previous_button if shift else self.next_button).click()
            return True
        return super().eventFilter(watched, event)


class ScriptFinder(QObject):
    """Finds across the project shown in a ScriptView, highlights matches in the rows, goes to
    them and replaces them through ProjectService (replace all is one undo step).

    Matches are kept per block with the text they were found in, so after an edit only
    changed blocks are searched again.

    Attributes:
        bar: The FindBar.
        matches: In reading order; current: index of the one gone to (-1 for none).
    """

    def __init__(self, view: ScriptView, bar: FindBar) -> None:
        super().__init__(view)
        self._view, self.bar = view, bar
        self.matches: list[Match] = []
        self.current = -1
        self._pattern: re.Pattern[str] | None = None
        self._found: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        # What each row shows now (its text, spans, current index): renders arriving while
        # the bar is open repaint no row whose matches did not change.
        self._lit: dict[str, tuple[str, tuple[tuple[int, int], ...], int]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(100)  # after edits and renders: at most ten searches a second
        self._timer.timeout.connect(self.refresh)
        bar.find_edit.textChanged.connect(self._on_query_changed)
        bar.case_box.toggled.connect(self._on_query_changed)
        bar.word_box.toggled.connect(self._on_query_changed)
        bar.next_button.clicked.connect(lambda: self.go(+1))
        bar.previous_button.clicked.connect(lambda: self.go(-1))
        bar.replace_button.clicked.connect(self.replace_current)
        bar.replace_all_button.clicked.connect(self.replace_all)
        bar.closed.connect(self.close)

    def open(self, replace: bool) -> None:
        """Show the bar (with the replace fields when `replace`), the query selected."""
        if replace:
            self.bar.show_replace(True)
        elif not self.bar.isVisible():
            self.bar.show_replace(False)
        self.bar.show()
        field = self.bar.replace_edit if replace and self.bar.find_edit.text() else None
        field = field or self.bar.find_edit
        field.setFocus()
        field.selectAll()
        self._on_query_changed()

    @Slot()
    def close(self) -> None:
        """Hide the bar and its highlights."""
        self.bar.hide()
        self._pattern = None
        self.matches, self.current, self._found = [], -1, {}
        self._paint()

    def project_changed(self) -> None:
        """The project changed: search the changed blocks again, soon."""
        if self._pattern is not None and not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_query_changed(self) -> None:
        bar = self.bar
        try:
            self._pattern = compile_query(
                bar.find_edit.text(),
                case_sensitive=bar.case_box.isChecked(),
                whole_word=bar.word_box.isChecked(),
            )
        except ValidationError:
            self._pattern = None
        self._found = {}
        self.current = -1
        self.refresh()
        if self.matches:
            self.go(0)

    @Slot()
    def refresh(self) -> None:
        """Search the project shown (blocks unchanged since the last search are not)."""
        project = self._view.projects.project
        pattern = self._pattern
        if project is None or pattern is None:
            self.matches = []
        else:
            at = self.matches[self.current] if 0 <= self.current < len(self.matches) else None
            found: dict[str, tuple[str, list[tuple[int, int]]]] = {}
            matches: list[Match] = []
            for block in project.blocks:
                kept = self._found.get(block.block_id)
                if kept is None or kept[0] is not block.text:
                    kept = (block.text, text_matches(pattern, block.text))
                found[block.block_id] = kept
                matches += [Match(block.block_id, s, e) for s, e in kept[1]]
            self._found, self.matches = found, matches
            if not matches:
                self.current = -1
            else:  # the match at or after the one gone to before (the first after none)
                self.current = self._nearest(project, at) if at is not None else 0
        self._paint()

    def _nearest(self, project: Project, at: Match) -> int:
        """The match at or after `at` in reading order (wrapping to the first)."""
        if not project.has(at.block_id):
            return 0
        order = {b.block_id: n for n, b in enumerate(project.blocks)}
        where = (order[at.block_id], at.start)
        for n, match in enumerate(self.matches):
            if (order[match.block_id], match.start) >= where:
                return n
        return 0

    def _paint(self) -> None:
        rows = self._view.rows
        by_block: dict[str, list[tuple[int, int]]] = {}
        for match in self.matches:
            by_block.setdefault(match.block_id, []).append((match.start, match.end))
        current = self.matches[self.current] if 0 <= self.current < len(self.matches) else None
        lit: dict[str, tuple[str, tuple[tuple[int, int], ...], int]] = {}
        for block_id in self._lit.keys() | by_block.keys():  # rows lit before or now: no others
            spans = by_block.get(block_id, [])
            index = spans.index((current.start, current.end)) if (
                current is not None and current.block_id == block_id
            ) else -1  # fmt: skip
            text = self._found.get(block_id, ("", []))[0]
            shown = (text, tuple(spans), index)
            row = rows.get(block_id)
            if row is not None and self._lit.get(block_id) != shown:
                row.text.set_matches(spans, index)
            if spans:
                lit[block_id] = shown
        self._lit = lit
        total = len(self.matches)
        if self._pattern is None:
            self.bar.count_label.setText("")
        elif not total:
            self.bar.count_label.setText("No matches")
        else:
            number = self.current + 1 if self.current >= 0 else 0
            self.bar.count_label.setText(f"{number} of {total}")
        for button in (self.bar.next_button, self.bar.previous_button, self.bar.replace_button):
            button.setEnabled(bool(total))
        self.bar.replace_all_button.setEnabled(bool(total))

    def go(self, step: int) -> None:
        """Go to the next (+1), previous (-1) or the current (0) match: scroll to its row and
        select its sentence."""
        if not self.matches:
            return
        self.current = (max(self.current, 0) + step) % len(self.matches)
        self._paint()
        match = self.matches[self.current]
        row = self._view.rows.get(match.block_id)
        project = self._view.projects.project
        if row is None or project is None or not project.has(match.block_id):
            return
        self._view.rows_scroll.ensureWidgetVisible(row)
        block = project.block(match.block_id)
        for segment, (start, end) in zip(block.segments, block_spans(block.text), strict=False):
            if start <= match.start < max(end, start + 1):
                self._view.select_segment(segment.segment_id)
                break

    @Slot()
    def replace_current(self) -> None:
        """Replace the match gone to, then go to the next one."""
        project = self._view.projects.project
        if project is None or self._pattern is None or not 0 <= self.current < len(self.matches):
            return
        match = self.matches[self.current]
        if not project.has(match.block_id):
            return
        text = project.block(match.block_id).text
        if not self._pattern.fullmatch(text, match.start, match.end):
            return  # the text moved since the search: the refresh will find it again
        new = text[: match.start] + self.bar.replace_edit.text() + text[match.end :]
        self._view.projects.edit(lambda e: e.set_block_text(match.block_id, new))
        self.refresh()
        if self.matches:
            self.go(0)

    @Slot()
    def replace_all(self) -> None:
        """Replace every match in the project as one undo step and say how many."""
        bar = self.bar
        query, total = bar.find_edit.text(), len(self.matches)
        if not total:
            return
        blocks = self._view.projects.edit(
            lambda e: e.replace_all(
                query,
                bar.replace_edit.text(),
                case_sensitive=bar.case_box.isChecked(),
                whole_word=bar.word_box.isChecked(),
            )
        )
        self.refresh()
        if blocks:
            self._view.status.emit(f"Replaced {total} match(es) in {blocks} paragraph(s).")
