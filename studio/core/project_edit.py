"""ProjectEditor: every user edit of a project as an undoable command."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from studio.core import project_ops as ops
from studio.core.errors import ValidationError
from studio.core.project import Block, Project, Segment, check_pause
from studio.core.project_cast import PALETTE, check_speed
from studio.core.project_edit_cast import CastEdits
from studio.core.project_find import replaced_texts
from studio.core.project_import import parse_script
from studio.core.project_text import resplit
from studio.core.project_undo import Command, Step, sequence

_GRAVEYARD_SIZE = 5000


class ProjectEditor(CastEdits):
    """The current project, edited through undoable commands (text, speaker, pause, lock, take
    choice, cast, chapters, title) and plain updates (renders' takes).

    Not thread-safe: use it on the GUI thread and hand `project` (an immutable value) to
    workers. Methods raise ValidationError for bad input and then change nothing.
    """

    def __init__(self, project: Project, ids: ops.IdFactory = ops.new_id) -> None:
        super().__init__(project, ids)
        # Segments dropped by edits, by text: an undo, redo, split, cut-and-paste or retyped
        # sentence gets its segment back with its id and takes. Bounded; the oldest go first.
        self._graveyard: OrderedDict[str, list[Segment]] = OrderedDict()

    # -- text -------------------------------------------------------------------------------

    def _text_step(self, block_id: str, text: str) -> Step:
        return self._texts_step({block_id: text})

    def _texts_step(self, texts: dict[str, str]) -> Step:
        def step(project: Project) -> Project:
            result, dropped = ops.set_block_texts(project, texts, self._ids, self._revive)
            # Redo must give back the same ids that later edits name; buried in reverse, so
            # that repeated sentences come back in block order (the list is a stack).
            for segment in reversed(dropped):
                self._graveyard.setdefault(segment.text, []).append(segment)
                self._graveyard.move_to_end(segment.text)
            while len(self._graveyard) > _GRAVEYARD_SIZE:
                self._graveyard.popitem(last=False)
            return result

        return step

    def _revive(self, text: str, project: Project) -> Segment | None:
        """The segment for `text` dropped last and absent from `project` (last in, first out;
        one that is back in the project needs no grave)."""
        buried = self._graveyard.get(text)
        while buried:
            segment = buried.pop()
            if not project.has(segment.segment_id):
                return segment
        self._graveyard.pop(text, None)
        return None

    def _revive_absent(self, text: str) -> Segment | None:
        """A dropped segment for `text` (cut here, pasted there keeps its takes)."""
        return self._revive(text, self.project)

    def _text_command(self, block_id: str, text: str, merge_key: str = "") -> Command:
        old = self.project.block(block_id).text
        forward, backward = self._text_step(block_id, text), self._text_step(block_id, old)
        return Command("Edit text", forward, backward, merge_key)

    def set_block_text(self, block_id: str, text: str, *, typing: bool = False) -> Project:
        """Change a block's text; only its edited sentences change (and go stale).

        Args:
            typing: Merge with the previous typing edit of this block into one undo step.
        """
        return self.do(self._text_command(block_id, text, f"text:{block_id}" if typing else ""))

    def insert_pause(self, block_id: str, offset: int, seconds: float) -> Project:
        """Insert a `[pause Ns]` marker at `offset` of the block's text (the Pause button)."""
        from studio.core.project_text import pause_marker

        text = self.project.block(block_id).text
        marker = pause_marker(check_pause(seconds))
        before, after = text[:offset].rstrip(), text[offset:].lstrip()
        return self.set_block_text(block_id, " ".join(p for p in (before, marker, after) if p))

    def replace_all(
        self,
        query: str,
        replacement: str,
        *,
        case_sensitive: bool = False,
        whole_word: bool = False,
    ) -> int:
        """Replace every match in the project as one undo step; returns the blocks changed."""
        changed = replaced_texts(
            self.project, query, replacement, case_sensitive=case_sensitive, whole_word=whole_word
        )
        if changed:
            old = {block_id: self.project.block(block_id).text for block_id in changed}
            self.do(Command("Replace all", self._texts_step(changed), self._texts_step(old)))
        return len(changed)

    # -- blocks -----------------------------------------------------------------------------

    def set_block_speaker(self, block_id: str, speaker_id: str) -> Project:
        """Give a block to another speaker of the cast."""
        if all(s.speaker_id != speaker_id for s in self.project.cast.speakers):
            raise ValidationError("That speaker is not in the cast.", "speaker")
        old = self.project.block(block_id).speaker_id
        return self.do(
            Command(
                "Change speaker",
                lambda p: ops.set_speaker_of_block(p, block_id, speaker_id),
                lambda p: ops.set_speaker_of_block(p, block_id, old),
            )
        )

    def set_block_pause(self, block_id: str, seconds: float | None) -> Project:
        """Set the pause after a block (None: the project's paragraph pause)."""
        new = None if seconds is None else check_pause(seconds)
        old = self.project.block(block_id).pause_after_s

        def to(value: float | None) -> Step:
            return lambda p: ops.replace_block(p, replace(p.block(block_id), pause_after_s=value))

        return self.do(Command("Change pause", to(new), to(old)))

    def _placing(self, label: str, placed: list[tuple[str, int, Block]]) -> Command:
        """Insert `placed` blocks; undo removes them as they are *then* (with their takes)."""
        stash = list(placed)
        block_ids = [b.block_id for _, _, b in placed]

        def insert(project: Project) -> Project:
            return ops.insert_blocks(project, stash)

        def remove(project: Project) -> Project:
            result, where = ops.remove_blocks(project, block_ids)
            stash[:] = where
            return result

        return Command(label, insert, remove)

    def insert_block(
        self, chapter_id: str, index: int, text: str = "", speaker_id: str = ""
    ) -> str:
        """Insert one block (undone in one step with its text); returns its id."""
        speaker = speaker_id or self.project.cast.speakers[0].speaker_id
        block = Block(self._ids(), speaker, "")
        self.project.locate(chapter_id)
        place = self._placing("Insert paragraph", [(chapter_id, index, block)])
        write = Command(
            "", self._text_step(block.block_id, text), self._text_step(block.block_id, "")
        )
        self.do(sequence("Insert paragraph", [place, write]))
        return block.block_id

    def delete_blocks(self, block_ids: list[str]) -> Project:
        """Delete blocks; undo puts them back where they were, with their takes."""
        for block_id in block_ids:
            self.project.locate(block_id)
        _, where = ops.remove_blocks(self.project, block_ids)
        place = self._placing("Delete", where)
        return self.do(Command("Delete", place.backward, place.forward))

    def split_block(self, block_id: str, offset: int, text: str | None = None) -> str:
        """Split a block at `offset` (Enter); the sentences after it keep their takes.

        Args:
            text: The block's text as typed (default: its text now); typing not yet taken is
                part of the same undo step.
        """
        block = self.project.block(block_id)
        ci, bi, _ = self.project.locate(block_id)
        typed = block.text if text is None else text
        head, tail = typed[:offset].rstrip(), typed[offset:].lstrip()
        new = Block(self._ids(), block.speaker_id, "")
        chapter_id = self.project.chapters[ci].chapter_id
        cut = self._text_command(block_id, head)
        place = self._placing("", [(chapter_id, bi + 1, new)])
        fill = Command("", self._text_step(new.block_id, tail), self._text_step(new.block_id, ""))
        self.do(sequence("Split paragraph", [cut, place, fill]))
        return new.block_id

    def join_previous(
        self, block_id: str, text: str | None = None, previous_text: str | None = None
    ) -> int:
        """Join a block to the one before it in its chapter (Backspace at its start), which
        keeps its speaker; sentences keep their takes. Returns where the join is in the
        joined text, or -1 when the block is the first of its chapter (nothing changes).

        Args:
            text: The block's text as typed (default: its text now).
            previous_text: The previous block's text as typed (Delete at its end).
        """
        ci, bi, _ = self.project.locate(block_id)
        if bi == 0:
            return -1
        chapter = self.project.chapters[ci]
        block, before = chapter.blocks[bi], chapter.blocks[bi - 1]
        head = (before.text if previous_text is None else previous_text).rstrip()
        tail = (block.text if text is None else text).strip()
        joined = f"{head} {tail}" if head and tail else head + tail
        # The reverse of split_block: empty the block (its segments go to the graveyard),
        # remove it, then the longer text revives them in the block before.
        empty = Command("", self._text_step(block_id, ""), self._text_step(block_id, block.text))
        gone = Block(block_id, block.speaker_id, "", (), block.pause_after_s)
        place = self._placing("", [(chapter.chapter_id, bi, gone)])
        join = Command(
            "",
            self._text_step(before.block_id, joined),
            self._text_step(before.block_id, before.text),
        )
        self.do(
            sequence("Join paragraphs", [empty, Command("", place.backward, place.forward), join])
        )
        return len(head) + (1 if head and tail else 0)

    def paste(self, chapter_id: str, index: int, text: str) -> list[str]:
        """Insert pasted text as blocks at `index`; `Name: line` tags assign speakers, creating
        any the cast lacks (with the first speaker's voice). Returns the new block ids."""
        self.project.locate(chapter_id)
        paragraphs = parse_script(text, tuple(s.name for s in self.project.cast.speakers))
        speakers = list(self.project.cast.speakers)
        placed: list[tuple[str, int, Block]] = []
        for n, paragraph in enumerate(paragraphs):
            speaker = speakers[0]
            if paragraph.speaker:
                folded = paragraph.speaker.casefold()
                found = next((s for s in speakers if s.name.casefold() == folded), None)
                if found is None:
                    colour = PALETTE[len(speakers) % len(PALETTE)]
                    found = replace(
                        speakers[0], speaker_id=self._ids(), name=paragraph.speaker, colour=colour
                    )
                    speakers.append(found)
                speaker = found
            # Built whole and inserted in one pass: a book-sized paste stays linear. Redo puts
            # back the blocks as undo took them (with any takes rendered meanwhile).
            segments = resplit(paragraph.text, (), self._ids, self._revive_absent)
            block = Block(self._ids(), speaker.speaker_id, paragraph.text, segments)
            placed.append((chapter_id, index + n, block))
        if placed:
            cast = self._cast_command("", tuple(speakers))
            self.do(sequence("Paste", [cast, self._placing("", placed)]))
        return [b.block_id for _, _, b in placed]

    # -- segments ---------------------------------------------------------------------------

    def _segment_command(self, label: str, segment_id: str, **changes: Any) -> Command:
        old = {name: getattr(self.project.segment(segment_id), name) for name in changes}

        def to(values: dict[str, Any]) -> Step:
            return lambda p: ops.replace_segment(p, replace(p.segment(segment_id), **values))

        return Command(label, to(changes), to(old))

    def set_locked(self, segment_id: str, locked: bool) -> Project:
        """Lock or unlock a segment (Render changed skips locked ones)."""
        label = "Lock" if locked else "Unlock"
        return self.do(self._segment_command(label, segment_id, locked=locked))

    def choose_take(self, segment_id: str, take_id: str) -> Project:
        """Make a take the one played and exported."""
        ops.check_take(self.project.segment(segment_id), take_id)
        return self.do(self._segment_command("Choose take", segment_id, chosen_take=take_id))

    def set_overrides(self, segment_id: str, voice_id: str | None, speed: float | None) -> Project:
        """Override the voice and speed of one segment (None: the speaker's)."""
        if speed is not None:
            check_speed(speed)
        return self.do(
            self._segment_command("Segment voice", segment_id, voice_id=voice_id, speed=speed)
        )
