"""Script view benchmark: the 500-segment, 2-speaker project of bench_project, in the window.

Run: .venv/bin/python bench/bench_script_view.py [--runs N]

- Show: a fresh ScriptView shows the whole project (one row per paragraph, one stripe per
  sentence) and the event loop settles; the issue's goal for the whole window is 1.0 s.
- Edit: one sentence edited through ProjectEditor, the view repaints (only the edited row is
  rebuilt), the event loop settles; the issue's goal for a GUI stall is 16 ms.
- Summary: the count of sentences, sentences to render, length, words and characters
  (at most every 150 ms): in full when a project opens, then after one edited sentence (only
  the changed block is counted again), then with a paragraph being typed in (its uncommitted
  text counted: what each keystroke costs); stalls with the same 16 ms goal.
- Find: a one-letter query ("t", thousands of matches) searched across the project, the rows
  on and near the screen highlighted, the first match gone to; the same 16 ms goal.
- Book: a 10,000-paragraph script (~1.2 MB, what a long imported book makes): open (a fresh
  view shows it and draws its first frame; the rows exist only on and near the screen, so
  the goal is the 500-segment one, 1.0 s), then the longest GUI stall (a 5 ms heartbeat)
  while the rows a screen away are built in idle batches, while scrolling one screen, when
  the scroll bar is dragged to the middle (the screen's rows built at once) and when a
  paragraph on screen is edited; 16 ms.
Runs are interleaved (show, edit, show, edit…); min / median / max. Offscreen Qt; the machine
may be shared, so compare medians to the goals rather than single runs.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_project import _line, _script, _sentence
from PySide6.QtCore import QCoreApplication, QElapsedTimer, QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication

from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import new_project
from studio.core.project_stats import ProjectTally
from studio.services.messages import MessageBus
from studio.services.playback import PlaybackService
from studio.services.project import ProjectService
from studio.services.project_playback import ProjectPlayer
from studio.services.settings import Settings
from studio.ui.script_view import ScriptView
from tests.fakes import FakeAudioPlayer


class _IdleRenderer(QObject):
    """The renderer's signals and state, with no backend (nothing renders here)."""

    render_progressed = Signal(int, int)
    render_finished = Signal(int, int)
    progress_changed = Signal(object)
    resume_offered = Signal(object, int)
    busy = False


def _book(paragraphs: int) -> ProjectEditor:
    """A long imported book: one sentence of ~120 characters a paragraph, two speakers."""
    rng = random.Random(11)
    lines = [f"{'Narrator' if n % 3 else 'Alice'}: {_sentence(rng, n)}" for n in range(paragraphs)]
    editor = ProjectEditor(new_project("Book", "emily"))
    editor.paste(editor.project.chapters[0].chapter_id, 0, "\n\n".join(lines))
    return editor


def _stall(app: QCoreApplication, view: ScriptView, action: Callable[[], object]) -> float:
    """The longest time the GUI thread was busy (ms): `action`, then the event loop until
    the rows near the screen are built, watched by a 5 ms heartbeat."""
    clock = QElapsedTimer()
    clock.start()
    action()
    longest = [float(clock.elapsed())]
    last = [clock.elapsed()]

    def beat() -> None:
        now = clock.elapsed()
        longest[0] = max(longest[0], now - last[0] - 5)
        last[0] = now

    heartbeat = QTimer()
    heartbeat.timeout.connect(beat)
    heartbeat.start(5)
    # Until the rows near the screen are built, and at least 50 ms (ten beats) in all.
    while not (view.rows_scroll.settled and clock.elapsed() > 50) and clock.elapsed() < 10_000:
        app.processEvents()
    heartbeat.stop()
    return longest[0]


def _book_run(
    app: QCoreApplication,
    projects: ProjectService,
    book: ProjectEditor,
    renderer: object,
    player: ProjectPlayer,
    run: int,
) -> tuple[list[float], int]:
    """Open the book in a fresh view, then scroll, drag and edit: [open, stalls…], rows built."""
    projects.editor = book
    start = time.perf_counter()
    view = ScriptView(projects, renderer, player)  # type: ignore[arg-type]
    view.resize(1100, 700)
    view.show()
    view.show_project(book.project)
    app.processEvents()
    opened = (time.perf_counter() - start) * 1000
    bar = view.rows_scroll.verticalScrollBar()

    def idle() -> None:
        pass

    def scroll() -> None:
        bar.setValue(bar.value() + bar.pageStep())

    def drag() -> None:
        bar.setValue(bar.maximum() // 2)

    def edit() -> None:
        block = book.project.blocks[len(book.project.blocks) // 2 + run]
        book.set_block_text(block.block_id, block.text.replace(".", " today.", 1))
        view.show_project(book.project)

    figures = [opened, *(_stall(app, view, action) for action in (idle, scroll, drag, edit))]
    built = view.rows_scroll.built
    view.close()
    view.deleteLater()
    app.processEvents()
    return figures, built


def main() -> None:
    """Show the project in fresh views and edit sentences, interleaved."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--book", type=int, default=10_000, help="paragraphs of the long book")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="bench-script-view-"))
    settings = Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    messages = MessageBus()
    projects = ProjectService(settings, messages)
    editor = ProjectEditor(new_project("Bench", "emily"))
    editor.paste(editor.project.chapters[0].chapter_id, 0, _script(random.Random(7)))
    projects.editor = editor
    player = ProjectPlayer(projects, PlaybackService(FakeAudioPlayer(), messages), messages)
    project = editor.project
    print(f"{len(project.segments())} segments, {sum(len(b.text) for b in project.blocks)} chars")
    book = _book(args.book)
    book_chars = sum(len(b.text) for b in book.project.blocks)
    print(f"book: {len(book.project.blocks)} paragraphs, {book_chars:,} chars")
    book_figures: list[list[float]] = [[], [], [], [], []]
    book_opens, book_idle, book_scrolls, book_jumps, book_edits = book_figures
    built = 0
    shows: list[float] = []
    edits: list[float] = []
    summaries: list[float] = []
    recounts: list[float] = []
    typing: list[float] = []
    finds: list[float] = []
    renderer = _IdleRenderer()
    matches = 0
    for run in range(args.runs):
        start = time.perf_counter()
        view = ScriptView(projects, renderer, player)  # type: ignore[arg-type]
        view.resize(1100, 700)
        view.show()
        view.show_project(editor.project)
        app.processEvents()
        shows.append((time.perf_counter() - start) * 1000)
        # Settle as a user's first second would: the rows near the screen, the first count.
        while not view.rows_scroll.settled or view.summary.tally.project is not editor.project:
            app.processEvents()
            view.summary.recount()
        start = time.perf_counter()
        ProjectTally().update(editor.project)  # the first count: every block
        summaries.append((time.perf_counter() - start) * 1000)
        for n in range(5):
            block = editor.project.blocks[(run * 5 + n) * 3 % len(editor.project.blocks)]
            start = time.perf_counter()
            editor.set_block_text(block.block_id, block.text.replace(".", " today.", 1))
            view.show_project(editor.project)
            app.processEvents()
            edits.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        view.summary.recount()  # after the edits: only the edited blocks
        recounts.append((time.perf_counter() - start) * 1000)
        typed = editor.project.blocks[run * 7 % len(editor.project.blocks)]
        view.summary.typed(typed.block_id, f"{typed.text} And a few more words.".strip)
        start = time.perf_counter()
        view.summary.recount()  # what a burst of keystrokes costs
        typing.append((time.perf_counter() - start) * 1000)
        view.open_find()
        app.processEvents()
        start = time.perf_counter()
        view.find_bar.find_edit.setText("t")
        view.finder.refresh_query()  # what the query timer runs once typing pauses
        app.processEvents()
        finds.append((time.perf_counter() - start) * 1000)
        matches = len(view.finder.matches)
        view.close()
        view.deleteLater()
        app.processEvents()

        figures, rows_built = _book_run(app, projects, book, renderer, player, run)
        for values, figure in zip(book_figures, figures, strict=True):
            values.append(figure)
        built = max(built, rows_built)
        projects.editor = editor
    _line("show 500 segments", shows, 1000)
    _line("edit one sentence + repaint", edits, 16)
    _line("summary, full (on open)", summaries, 16)
    _line("summary after an edit", recounts, 16)
    _line("summary while typing", typing, 16)
    _line(f"find 't' ({matches} matches)", finds, 16)
    _line(f"open {len(book.project.blocks):,} paragraphs", book_opens, 1000)
    _line("  book: stall, idle building", book_idle, 16)
    _line("  book: stall, scroll a screen", book_scrolls, 16)
    _line("  book: stall, drag to middle", book_jumps, 16)
    _line("  book: stall, edit on screen", book_edits, 16)
    print(f"  rows built per open, at most: {built} (one per paragraph before: {args.book:,})")
    print("(a shared 2-core machine: other engineers' tests run meanwhile; read the medians)")


if __name__ == "__main__":
    main()
