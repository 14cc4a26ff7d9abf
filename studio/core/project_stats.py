"""A project's words, characters, sentences and estimated length, kept per block so that an
edit (or a keystroke's preview) costs the edited block, not the whole script."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from studio.core.errors import ValidationError
from studio.core.project import Block, Project
from studio.core.project_cast import Speaker
from studio.core.project_state import (
    DEFAULT_CHARS_PER_S,
    SegmentState,
    segment_key,
    segment_state,
    voicing,
)
from studio.core.project_text import resplit

_WAITING = (SegmentState.NOT_RENDERED, SegmentState.STALE, SegmentState.FAILED)


@dataclass(frozen=True)
class BlockFigures:
    """What one block adds to the project's figures.

    Attributes:
        words, characters: Of the spoken text (pause markers left out).
        sentences: Segments with spoken text; waiting: those Render changed would send.
        rendered_s: Length of the current chosen takes; pauses_s: inline and paragraph pauses.
        unrendered: Characters still to estimate, by (voice id, speed).
        measured: Characters and seconds (at speed 1.0) of every take, by voice id: the
            voice's measured speaking rate.
    """

    words: int = 0
    characters: int = 0
    sentences: int = 0
    waiting: int = 0
    rendered_s: float = 0.0
    pauses_s: float = 0.0
    unrendered: tuple[tuple[tuple[str, float], int], ...] = ()
    measured: tuple[tuple[str, int, float], ...] = ()


def block_figures(project: Project, block: Block) -> BlockFigures:
    """The figures of one block of `project` (O(its segments and takes))."""
    words = chars = sentences = waiting = 0
    rendered = pauses = 0.0
    unrendered: Counter[tuple[str, float]] = Counter()
    measured: dict[str, tuple[int, float]] = {}
    paragraph = (
        block.pause_after_s if block.pause_after_s is not None else project.export.paragraph_pause_s
    )
    for segment in block.segments:
        pauses += segment.pause_after_s
        for t in segment.takes:
            if t.duration_s > 0 and t.text:
                c, s = measured.get(t.voice_id, (0, 0.0))
                measured[t.voice_id] = (c + len(t.text), s + t.duration_s * t.speed)
        if not segment.text:
            continue
        sentences += 1
        words += len(segment.text.split())
        chars += len(segment.text)
        waiting += segment_state(project, block, segment) in _WAITING
        take = segment.take()
        if take is not None and take.key == segment_key(project, block, segment):
            rendered += take.duration_s
        else:
            v = voicing(project, block, segment)
            unrendered[(v.voice_id, v.speed)] += len(segment.text)
    if block.segments:
        pauses += paragraph
    return BlockFigures(
        words,
        chars,
        sentences,
        waiting,
        rendered,
        pauses,
        tuple(unrendered.items()),
        tuple((voice, c, s) for voice, (c, s) in measured.items()),
    )


@dataclass(frozen=True)
class ProjectFigures:
    """The Script tab's summary figures.

    Attributes:
        sentences, waiting, words, characters: Totals over the project.
        seconds: Estimated length: current takes as rendered, the rest from the voice's
            measured speaking rate (a default rate before its first take), pauses included.
        rendered_s: The part of `seconds` that is rendered audio.
    """

    sentences: int
    waiting: int
    words: int
    characters: int
    seconds: float
    rendered_s: float


class ProjectTally:
    """Figures of a project value, updated by the blocks that changed since the last one.

    Blocks, speakers and rules are shared by identity between project values, so `update`
    recomputes only blocks that are new objects or whose speaker or dictionary rules
    changed (the rest costs an identity check each); `preview` gives the figures with one
    block's text as it is being typed, before it is committed (O(that block)).
    """

    def __init__(self) -> None:
        self.project: Project | None = None
        # block id -> (block, its speaker, dictionaries, paragraph pause, figures)
        self._blocks: dict[str, tuple[Block, Speaker, object, float, BlockFigures]] = {}
        self._totals = [0, 0, 0, 0]  # sentences, waiting, words, characters
        self._seconds = [0.0, 0.0]  # rendered, pauses
        self._unrendered: Counter[tuple[str, float]] = Counter()
        self._measured: dict[str, list[float]] = {}

    def _apply(self, figures: BlockFigures, sign: int) -> None:
        f = figures
        for n, value in enumerate((f.sentences, f.waiting, f.words, f.characters)):
            self._totals[n] += sign * value
        self._seconds[0] += sign * f.rendered_s
        self._seconds[1] += sign * f.pauses_s
        for key, chars in f.unrendered:
            self._unrendered[key] += sign * chars
        for voice, chars, seconds in f.measured:
            entry = self._measured.setdefault(voice, [0.0, 0.0])
            entry[0] += sign * chars
            entry[1] += sign * seconds

    def update(self, project: Project) -> ProjectFigures:
        """The figures of `project`, reusing those of the blocks it shares with the last one."""
        if project is self.project:
            return self.figures()
        old, fresh = self._blocks, {}
        pause = project.export.paragraph_pause_s
        for block in project.blocks:
            speaker = project.cast.get(block.speaker_id)
            kept = old.pop(block.block_id, None)
            if kept is not None and (
                kept[0] is block
                and kept[1] is speaker
                and kept[2] is project.dictionaries
                and kept[3] == pause
            ):
                fresh[block.block_id] = kept
                continue
            if kept is not None:
                self._apply(kept[4], -1)
            figures = block_figures(project, block)
            self._apply(figures, +1)
            fresh[block.block_id] = (block, speaker, project.dictionaries, pause, figures)
        for gone in old.values():
            self._apply(gone[4], -1)
        if not fresh:  # nothing left: start from exact zeros (no float residue)
            self._unrendered.clear()
            self._measured.clear()
            self._seconds = [0.0, 0.0]
        self._blocks, self.project = fresh, project
        return self.figures()

    def figures(self, swap: tuple[BlockFigures, BlockFigures] | None = None) -> ProjectFigures:
        """The current figures; `swap` (old, new) counts one block's new figures instead."""
        if swap is not None:
            self._apply(swap[0], -1)
            self._apply(swap[1], +1)
        try:
            rates = {v: c / s for v, (c, s) in self._measured.items() if s > 1e-9 and c > 0}
            estimated = sum(
                chars / (rates.get(voice, DEFAULT_CHARS_PER_S) * speed)
                for (voice, speed), chars in self._unrendered.items()
                if chars > 0
            )
            rendered, pauses = self._seconds
            sentences, waiting, words, characters = self._totals
            return ProjectFigures(
                sentences, waiting, words, characters, rendered + pauses + estimated, rendered
            )
        finally:
            if swap is not None:
                self._apply(swap[1], -1)
                self._apply(swap[0], +1)

    def preview(self, block_id: str, text: str) -> ProjectFigures | None:
        """The figures if block `block_id` read `text` (typing, not yet committed); None when
        the block is not in the last project or the text is over the paragraph limit."""
        kept = self._blocks.get(block_id)
        if kept is None or self.project is None:
            return None
        block = kept[0]
        if text == block.text:
            return self.figures()
        try:
            segments = resplit(text, block.segments, lambda: "")
        except ValidationError:
            return None
        typed = replace(block, text=text, segments=segments)
        return self.figures((kept[4], block_figures(self.project, typed)))
