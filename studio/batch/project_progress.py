"""Terminal progress of `waves-studio project render`: the batch display, naming segments."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from studio.batch.progress import TerminalProgress, describe
from studio.batch.project_queue import segment_of
from studio.batch.runner import Progress
from studio.core.batch import DONE, QueueItem
from studio.core.project import Project

LABEL_CHARS = 40


def segment_label(project: Project, segment_id: str) -> str:
    """'paragraph 3, sentence 2 ("How are you…")' for a segment of `project`."""
    if not project.has(segment_id):
        return f"segment {segment_id} (deleted)"
    block = project.block_of(segment_id)
    n = next(i for i, b in enumerate(project.blocks, start=1) if b.block_id == block.block_id)
    m = next(i for i, s in enumerate(block.segments, start=1) if s.segment_id == segment_id)
    text = project.segment(segment_id).text
    if len(text) > LABEL_CHARS:
        text = text[: LABEL_CHARS - 1] + "…"
    return f'paragraph {n}, sentence {m} ("{text}")'


class SegmentProgress(TerminalProgress):
    """A live bar on a terminal, plain lines otherwise; each line names its segment.

    Attributes:
        project: Returns the project now (for the labels).
    """

    def __init__(self, project: Callable[[], Project], stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self.project = project
        self._said = ""

    def _progress(self, p: Progress) -> None:
        if not self.live:  # plain lines: the same line twice (a pause, then the end) says nothing
            line = describe(p)
            if line == self._said:
                return
            self._said = line
        super()._progress(p)

    def _item(self, item: QueueItem) -> None:
        if self.live and item.state == DONE:
            return
        segment_id, _ = segment_of(item)
        line = f"{segment_label(self.project(), segment_id)}: {item.state}"
        if item.error:
            line += f" ({item.error})"
        self._clear()
        print(line, file=self.stream, flush=True)
