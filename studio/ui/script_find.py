"""Find and replace across a script project: the Script view's find bar and what drives it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from studio.core.errors import ValidationError
from studio.core.project import Project
from studio.core.project_find import Match, compile_query, text_matches
from studio.core.project_text import block_spans
from studio.ui.script_find_bar import FindBar

QUERY_DELAY_MS = 120  # a query is searched once its typing pauses this long

if TYPE_CHECKING:
    from studio.ui.script_view import ScriptView


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
        self._lit: dict[str, tuple[tuple[str, list[tuple[int, int]]], int]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(100)  # after edits and renders: at most ten searches a second
        self._timer.timeout.connect(self.refresh)
        # Typing a query searches once the typing pauses: "t" alone can match thousands.
        self._query_timer = QTimer(self)
        self._query_timer.setSingleShot(True)
        self._query_timer.setInterval(QUERY_DELAY_MS)
        self._query_timer.timeout.connect(self._on_query_changed)
        bar.find_edit.textChanged.connect(self._on_query_typed)
        bar.case_box.toggled.connect(self._on_query_changed)
        bar.word_box.toggled.connect(self._on_query_changed)
        bar.next_button.clicked.connect(lambda: self.go(+1))
        bar.previous_button.clicked.connect(lambda: self.go(-1))
        bar.replace_button.clicked.connect(self.replace_current)
        bar.replace_all_button.clicked.connect(self.replace_all)
        bar.closed.connect(self.close)
        view.rows_scroll.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    @Slot(int)
    def _on_scrolled(self, _value: int) -> None:
        if self._pattern is not None:
            self._paint()

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
        """Hide the bar and its highlights; the caret goes to the match gone to."""
        at = self.matches[self.current] if 0 <= self.current < len(self.matches) else None
        self.bar.hide()
        self._pattern = None
        self.matches, self.current, self._found = [], -1, {}
        self._paint()
        row = self._view.rows.get(at.block_id) if at is not None else None
        if row is not None and at is not None:
            row.text.setFocus()
            row.text.set_caret(at.start)

    def project_changed(self) -> None:
        """The project changed: search the changed blocks again, soon."""
        if self._pattern is not None and not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> bool:
        """Search for a query typed in the last moments now; True when there was one."""
        if not self._query_timer.isActive():
            return False
        self._on_query_changed()
        return True

    @Slot(str)
    def _on_query_typed(self, text: str) -> None:
        self._query_timer.start()
        # A click before the search runs searches first (see _flush), so the buttons work.
        for button in (self.bar.next_button, self.bar.previous_button, self.bar.replace_button):
            button.setEnabled(bool(text))
        self.bar.replace_all_button.setEnabled(bool(text))

    def _current(self) -> bool:
        """Bring the matches up to date with edits not searched yet; True when there are any."""
        if self._timer.isActive():
            self._timer.stop()
            self.refresh(paint=False)
        return bool(self.matches)

    def refresh_query(self) -> None:
        """Search for the query now, without waiting for the typing to pause."""
        self._on_query_changed()

    @Slot()
    def _on_query_changed(self) -> None:
        self._query_timer.stop()
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
        self.refresh(paint=not self._pattern)
        if self.matches:
            self.go(0)  # (which paints)
        else:
            self._paint()

    @Slot()
    def refresh(self, paint: bool = True) -> None:
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
        if paint:
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

    def _near_rows(self) -> set[str]:
        """Rows on screen or within a screen of it."""
        scroll = self._view.rows_scroll
        height = scroll.viewport().height()
        top = scroll.verticalScrollBar().value() - height
        bottom = top + 3 * height
        return {
            block_id
            for block_id, row in self._view.rows.items()
            if row.y() < bottom and row.y() + row.height() > top
        }

    @Slot()
    def _paint(self) -> None:
        rows, found = self._view.rows, self._found
        current = self.matches[self.current] if 0 <= self.current < len(self.matches) else None
        lit: dict[str, tuple[tuple[str, list[tuple[int, int]]], int]] = {}
        # Only rows on or near the screen are lit ("t" can match thousands of times); the rest
        # are lit as they scroll near, and rows lit before are cleared when they need it.
        near = {b for b in self._near_rows() if b in found and found[b][1]}
        for block_id in self._lit.keys() | near:
            kept = found.get(block_id, ("", []))
            spans = kept[1] if block_id in near else []
            index = spans.index((current.start, current.end)) if (
                current is not None and current.block_id == block_id and spans
            ) else -1  # fmt: skip
            shown = (kept, index)
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
        if self._flush() or not self._current():
            return  # a query still being typed goes to its first match
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
        self._flush()
        self._current()
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
        self._flush()
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
