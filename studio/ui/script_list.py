"""The Script view's paragraph list: rows exist only for the paragraphs on or near the screen,
so showing a project costs the same for 50 paragraphs as for 10,000."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import accumulate

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from studio.core.project import Block, Project
from studio.ui.script_rows import BlockRow

ROW_ESTIMATE = 64  # px: the height of a paragraph no row has measured yet
BATCH = 3  # rows built per idle tick beyond the screen (~2.5 ms each: a tick stays < 16 ms)
SPARE = 80  # rows scrolled away are kept hidden for reuse (deleting a screenful costs ~100 ms)
MIN_SCREEN = 240  # px: a view not laid out yet still builds its first few rows


class ScriptRows(QScrollArea):
    """A virtual list of BlockRows: every paragraph has a height (measured once its row has
    been built, an average until then), rows on screen are built at once, a screen above and
    below in small batches while the event loop is idle, and rows two screens away are
    hidden and reused for the next paragraphs to show (never the one with the caret or
    uncommitted typing).

    Attributes:
        rows: BlockRow by block id, for the paragraphs built now (the dict is kept, not swapped).
        built: BlockRows created since this list was made (bounded by the screen, not the book).
        reused: rows given another paragraph as they scrolled in.

    Signals:
        rows_built(list block_ids): these paragraphs got new rows (no find highlights yet).
    """

    rows_built = Signal(list)

    def __init__(self, make_row: Callable[[str, QWidget], BlockRow], parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Script paragraphs")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._box = QWidget(self)
        self.setWidget(self._box)  # sized here, not by the scroll area: its height is the book's
        self.rows: dict[str, BlockRow] = {}
        self.built = 0
        self.reused = 0
        self._spare: list[BlockRow] = []
        self._make = make_row
        self._project: Project | None = None
        self._marks = ("", "")
        self._blocks: tuple[Block, ...] = ()
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._measured: dict[str, tuple[int, int]] = {}  # block id -> (width, height)
        self._tops = [0]
        self._placing = False
        self._more = QTimer(self)  # builds the rows near the screen a few at a time
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(self._build_more)
        self._relayout = QTimer(self)  # a row's height changed (its text rewrapped, …)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self._refit)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    def show_project(self, project: Project | None, selected: str, speaking: str) -> None:
        """Show `project`: built rows are updated (unchanged blocks cost nothing), rows of
        deleted blocks go, and the screen is filled."""
        self._project, self._marks = project, (selected, speaking)
        self._blocks = project.blocks if project is not None else ()
        ids = [b.block_id for b in self._blocks]
        if ids != self._order:
            self._order, self._index = ids, {block_id: n for n, block_id in enumerate(ids)}
            self._measured = {b: m for b, m in self._measured.items() if b in self._index}
            for block_id in [b for b in self.rows if b not in self._index]:
                self._drop(block_id)
        if project is not None:
            for block_id, row in self.rows.items():
                row.show_block(project, self._block(block_id), selected, speaking)
        self._place()
        self._fill()

    @property
    def paragraphs(self) -> int:
        """How many paragraphs the list shows (built or not)."""
        return len(self._order)

    @property
    def settled(self) -> bool:
        """True when the rows near the screen are built and placed (nothing is queued)."""
        return not (self._more.isActive() or self._relayout.isActive())

    def mark(self, selected: str, speaking: str) -> None:
        """Show the selected and the spoken segment in the built rows."""
        self._marks = (selected, speaking)
        project = self._project
        if project is not None:
            for block_id, row in self.rows.items():
                row.show_block(project, self._block(block_id), selected, speaking)

    def reveal(self, block_id: str) -> BlockRow | None:
        """Scroll to a paragraph (building its row) and return its row (None: no such block)."""
        n = self._index.get(block_id)
        if n is None or self._project is None:
            return None
        if block_id not in self.rows:
            self._build([block_id])
            self._place()
        row = self.rows[block_id]
        self.ensureWidgetVisible(row)
        self._fill()
        return row

    def _block(self, block_id: str) -> Block:
        # By position (the project's id index would be built again for every edit).
        return self._blocks[self._index[block_id]]

    # -- geometry ---------------------------------------------------------------------------

    def _screen(self) -> tuple[int, int]:
        top = self.verticalScrollBar().value()
        return top, max(self.viewport().height(), MIN_SCREEN)

    def _span(self, top: int, bottom: int) -> range:
        """Indexes of the paragraphs that overlap [top, bottom)."""
        tops = self._tops
        first = max(0, bisect_right(tops, top) - 1)
        last = min(len(self._order), bisect_left(tops, bottom))
        return range(first, last)

    def _place(self) -> None:
        """Measure the built rows, sum the heights, move the rows; the paragraph at the top of
        the screen stays where it is on screen."""
        width = self.viewport().width()
        top = self.verticalScrollBar().value()
        anchor = None
        if top > 0 and self._order:
            n = self._span(top, top + 1).start
            if n < len(self._order):
                anchor = (self._order[n], top - self._tops[min(n, len(self._tops) - 1)])
        for block_id, row in self.rows.items():
            self._measured[block_id] = (width, row.sizeHint().height())
        known = [h for w, h in self._measured.values() if w == width]
        guess = sum(known) // len(known) if known else ROW_ESTIMATE
        measured = self._measured
        heights = [
            m[1] if (m := measured.get(block_id)) is not None and m[0] == width else guess
            for block_id in self._order
        ]
        self._tops = list(accumulate(heights, initial=0))
        self._placing = True
        try:
            self._box.resize(width, self._tops[-1])
            for block_id, row in self.rows.items():
                n = self._index[block_id]
                row.setGeometry(0, self._tops[n], width, heights[n])
            if anchor is not None and anchor[0] in self._index:
                self.verticalScrollBar().setValue(self._tops[self._index[anchor[0]]] + anchor[1])
        finally:
            self._placing = False

    # -- building ---------------------------------------------------------------------------

    def _build(self, block_ids: list[str]) -> None:
        project = self._project
        if project is None:
            return
        width = self.viewport().width()
        for block_id in block_ids:
            if self._spare:
                row = self._spare.pop()
                row.rebind(block_id)
                self.reused += 1
            else:
                row = self._make(block_id, self._box)
                # (A signal, not an event filter: those are called on rows mid-destruction.)
                row.text.fitted.connect(self._relayout.start)
                self.built += 1
            n = self._index[block_id]
            row.setGeometry(0, self._tops[n], width, ROW_ESTIMATE)
            row.show_block(project, self._block(block_id), *self._marks)
            row.show()
            self.rows[block_id] = row
        self.rows_built.emit(list(block_ids))

    def _fill(self) -> None:
        """Build the rows on screen now (a few passes: measured rows move the others), queue
        those a screen away, delete those further off."""
        if self._project is None:
            return
        for _ in range(4):
            top, height = self._screen()
            missing = [self._order[n] for n in self._span(top, top + height)]
            missing = [b for b in missing if b not in self.rows]
            if not missing:
                break
            self._build(missing)
            self._place()
        top, height = self._screen()
        keep = self._span(top - 2 * height, top + 3 * height)
        for block_id in list(self.rows):
            if self._index[block_id] not in keep and not self._pinned(self.rows[block_id]):
                self._drop(block_id)
        if self._near_missing():
            self._more.start()

    def _near_missing(self) -> list[str]:
        top, height = self._screen()
        near = self._span(top - height, top + 2 * height)
        return [self._order[n] for n in near if self._order[n] not in self.rows]

    @Slot()
    def _build_more(self) -> None:
        missing = self._near_missing()[:BATCH]
        if missing:
            self._build(missing)
            self._place()
            self._fill()

    @Slot()
    def _refit(self) -> None:
        self._place()
        self._fill()

    def _drop(self, block_id: str) -> None:
        row = self.rows.pop(block_id)
        row.retire()
        row.hide()
        if len(self._spare) < SPARE:
            self._spare.append(row)
        else:
            row.deleteLater()

    @staticmethod
    def _pinned(row: BlockRow) -> bool:
        """The row being typed in stays, wherever it has scrolled to."""
        focus = QApplication.focusWidget()
        return (focus is not None and row.isAncestorOf(focus)) or row.text.document().isModified()

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab and Shift+Tab go through the paragraphs in reading order (rows are built in
        any order, and Qt's tab chain follows creation), building the row they go to."""
        focus = QApplication.focusWidget()
        row = None
        for block_id, candidate in self.rows.items():
            if focus is not None and candidate.isAncestorOf(focus):
                row = (block_id, candidate)
                break
        if row is None or focus is None:
            return super().focusNextPrevChild(forward)
        chain = _chain(row[1])
        at = next((n for n, w in enumerate(chain) if w is focus or w.isAncestorOf(focus)), -1)
        step = 1 if forward else -1
        if 0 <= at + step < len(chain):
            target = chain[at + step]
        else:
            n = self._index[row[0]] + step
            if not 0 <= n < len(self._order):
                return super().focusNextPrevChild(forward)
            next_row = self.reveal(self._order[n])
            if next_row is None:
                return super().focusNextPrevChild(forward)
            target = _chain(next_row)[0 if forward else -1]
        reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
        target.setFocus(reason)
        self.ensureWidgetVisible(target)
        return True

    # -- events -----------------------------------------------------------------------------

    @Slot(int)
    def _on_scrolled(self, _value: int) -> None:
        if not self._placing:
            self._fill()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout.start()  # the width rewraps the texts: measure again


def _chain(row: BlockRow) -> list[QWidget]:
    """A row's widgets in Tab order."""
    return [row.speaker, row.text, *row.stripe_buttons.values()]
