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
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_project import _line, _script
from PySide6.QtCore import QObject, QSettings, Signal
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
    busy = False


def main() -> None:
    """Show the project in fresh views and edit sentences, interleaved."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
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
    _line("show 500 segments", shows, 1000)
    _line("edit one sentence + repaint", edits, 16)
    _line("summary, full (on open)", summaries, 16)
    _line("summary after an edit", recounts, 16)
    _line("summary while typing", typing, 16)
    _line(f"find 't' ({matches} matches)", finds, 16)


if __name__ == "__main__":
    main()
