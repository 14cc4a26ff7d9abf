"""Script projects: a cast, chapters of blocks split into segments, each segment with its takes.

Design note (for the Script view, Render changed, read-along playback and `project render`):

- **Values.** Everything here is a frozen dataclass; an edit returns a new `Project` that shares
  every unchanged chapter, block, segment and take *by identity*. `store.project_file` diffs
  saves by identity (only changed rows are written) and the undo stack (`project_edit`) holds
  commands, not copies. A `Project` can be handed to a worker thread as is (save, render).
- **Text.** A block's `text` is what the user types, pause markers included (`[pause 1.5s]`).
  `project_text.split_block` turns it into spoken segments (one per sentence; a sentence over
  250 characters is cut at clauses) with the pause that follows each; `resplit` keeps the
  identity (takes, lock, overrides) of every segment whose sentence survives an edit, and of a
  sentence edited in place, so an edit touches O(edited segments).
  `project_text.block_spans` gives each segment's span in the block text (highlighting).
- **State** (`project_state`) is never stored: a segment's key hashes its spoken text and its
  effective voice, model, language, speed and the *rules* of its speaker's dictionaries (the
  project keeps a snapshot of those rules in `dictionaries`). Takes carry the key they were
  rendered for; chosen take's key == current key means rendered, else stale. Backend, sample
  rate and output format are not in the key: a project moved to another machine stays rendered.
- **Render changed** = `project_render.render_jobs(project)` (one RenderSpec + text per
  unlocked, not rendered / stale / failed segment, with the key); the service sends them through
  the render queue, stores the audio with `ProjectFile.put_audio(take_id, samples, rate)` *then*
  applies `ProjectEditor.add_take` (not undoable); a failure goes to `ProjectEditor.mark_failed`.
  A result for a deleted segment is dropped; one whose key no longer matches is kept, not chosen.
- **Playback**: `project_state.timeline(project)` gives every segment's start, duration and the
  pause after it (chosen take durations, estimates elsewhere); audio via
  `ProjectFile.read_audio(take_id)`, off the GUI thread.
- **Saving**: call `ProjectFile.save(project)` (a worker thread) after each change, or through
  `ProjectAutosaver`, which batches to one write per interval; open with `ProjectFile.open`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from studio.core import contract as c
from studio.core.errors import ValidationError

NARRATOR = "Narrator"
MAX_PAUSE_S = 60.0
MAX_NAME_CHARS = 40
# A palette that stays readable on light and dark themes; new speakers take the next one.
PALETTE: tuple[str, ...] = (
    "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c",
)  # fmt: skip
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def check_pause(seconds: float) -> float:
    """A pause length in seconds, checked to lie within 0–60 s."""
    if not 0.0 <= seconds <= MAX_PAUSE_S:
        raise ValidationError(f"A pause lasts 0 to {MAX_PAUSE_S:.0f} seconds.", "pause")
    return float(seconds)


def check_speed(speed: float) -> float:
    """A speaking speed within the API's range."""
    if not c.SPEED_MIN <= speed <= c.SPEED_MAX:
        raise ValidationError(f"Speed must be {c.SPEED_MIN}–{c.SPEED_MAX}.", "speed")
    return float(speed)


@dataclass(frozen=True)
class Speaker:
    """One voice of the cast: who speaks a block, and how.

    Attributes:
        speaker_id: Stable id (names can change).
        name: Shown on the block's chip; unique in the cast, case-insensitively.
        colour: "#rrggbb" of the chip.
        voice_id, model, language, speed: Request settings for this speaker's segments.
        dictionaries: Pronunciation dictionary ids applied, in order.
    """

    speaker_id: str
    name: str
    colour: str = PALETTE[0]
    voice_id: str = ""
    model: str = c.DEFAULT_MODEL
    language: str = c.DEFAULT_LANGUAGE
    speed: float = c.DEFAULT_SPEED
    dictionaries: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > MAX_NAME_CHARS:
            raise ValidationError(f"A speaker name has 1–{MAX_NAME_CHARS} characters.", "name")
        if not _COLOUR.match(self.colour):
            raise ValidationError("A speaker colour looks like #4c72b0.", "colour")
        check_speed(self.speed)


@dataclass(frozen=True)
class Cast:
    """The speakers of a project, in the order the cast panel lists them (never empty)."""

    speakers: tuple[Speaker, ...]

    def __post_init__(self) -> None:
        if not self.speakers:
            raise ValidationError("A project needs at least one speaker.", "cast")
        names = [s.name.casefold() for s in self.speakers]
        if len(set(names)) != len(names):
            raise ValidationError("Two speakers cannot share a name.", "name")

    def get(self, speaker_id: str) -> Speaker:
        """The speaker with this id; the first speaker when it is gone (a dangling reference)."""
        for speaker in self.speakers:
            if speaker.speaker_id == speaker_id:
                return speaker
        return self.speakers[0]

    def by_name(self, name: str) -> Speaker | None:
        """The speaker called `name` (case-insensitive), if any."""
        folded = name.strip().casefold()
        return next((s for s in self.speakers if s.name.casefold() == folded), None)


@dataclass(frozen=True)
class SegmentTake:
    """One render of a segment, kept in the project file with its audio (by `take_id`).

    Attributes:
        take_id: Id of the audio row in the project file.
        key: The segment key it was rendered for (project_state.segment_key).
        text: The spoken text rendered (shown when the take is stale).
        duration_s, sample_rate: Of the stored audio.
        voice_id, speed: What spoke it (for the Takes menu).
        created_at: ISO-8601 UTC.
        backend: "cloud" or "local"; cache_key: the render cache's key, "" when unknown.
    """

    take_id: str
    key: str
    text: str
    duration_s: float
    sample_rate: int
    voice_id: str = ""
    speed: float = c.DEFAULT_SPEED
    created_at: str = ""
    backend: str = ""
    cache_key: str = ""


@dataclass(frozen=True)
class Segment:
    """A sentence-sized piece of a block: the unit that is rendered, chosen, locked.

    Attributes:
        segment_id: Stable id; survives edits that leave its sentence in place.
        text: Spoken text (no pause markers); empty for a pause-only segment.
        pause_after_s: Inline pause that follows it (`[pause 1.5s]`).
        voice_id, speed: Overrides of the speaker's settings, or None.
        locked: Render changed leaves it alone.
        takes: Renders, oldest first; chosen_take: the take id played and exported, or "".
        failure, failed_key: Message of the last failed render and the key it was for.
    """

    segment_id: str
    text: str
    pause_after_s: float = 0.0
    voice_id: str | None = None
    speed: float | None = None
    locked: bool = False
    takes: tuple[SegmentTake, ...] = ()
    chosen_take: str = ""
    failure: str = ""
    failed_key: str = ""

    def take(self, take_id: str | None = None) -> SegmentTake | None:
        """The take with this id (default: the chosen one), if the segment has it."""
        wanted = self.chosen_take if take_id is None else take_id
        return next((t for t in self.takes if t.take_id == wanted), None)


@dataclass(frozen=True)
class Block:
    """A paragraph: a speaker, the text as typed, its segments and the pause after it.

    Attributes:
        block_id: Stable id.
        speaker_id: Who reads it.
        text: As typed, pause markers included.
        segments: Derived from `text` by project_text.split_block (kept in step by the editor).
        pause_after_s: Pause after the block; None uses the project's paragraph pause.
    """

    block_id: str
    speaker_id: str
    text: str
    segments: tuple[Segment, ...] = ()
    pause_after_s: float | None = None


@dataclass(frozen=True)
class Chapter:
    """A titled run of blocks (exported as one file when chapters are split)."""

    chapter_id: str
    title: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class ExportSettings:
    """How the project renders and exports.

    Attributes:
        output_format: Export file format ("wav", "mp3", "flac").
        sample_rate: Render and export rate (not part of a segment's key: a change resamples).
        normalize_lufs: Loudness target, or None. true_peak_db: its ceiling.
        paragraph_pause_s: Pause after a block that sets none.
        split_chapters: One file per chapter.
    """

    output_format: str = "wav"
    sample_rate: int = 24000
    normalize_lufs: float | None = None
    true_peak_db: float = -1.0
    paragraph_pause_s: float = 0.5
    split_chapters: bool = False


@dataclass(frozen=True)
class DictionaryRules:
    """A snapshot of one pronunciation dictionary's rules, as segment keys hash them."""

    dict_id: str
    rules: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Project:
    """A script project. Look-ups by id use an index built once per project value.

    Attributes:
        title: Shown in the window title.
        cast: The speakers.
        chapters: In order; `blocks` and `segments()` flatten them.
        export: Render and export settings.
        dictionaries: Rules snapshots of the dictionaries the cast applies.
    """

    title: str
    cast: Cast
    chapters: tuple[Chapter, ...]
    export: ExportSettings = field(default_factory=ExportSettings)
    dictionaries: tuple[DictionaryRules, ...] = ()

    @property
    def blocks(self) -> tuple[Block, ...]:
        """Every block, in reading order."""
        return tuple(b for ch in self.chapters for b in ch.blocks)

    def segments(self) -> list[Segment]:
        """Every segment, in reading order."""
        return [s for ch in self.chapters for b in ch.blocks for s in b.segments]

    @functools.cached_property
    def _index(self) -> dict[str, tuple[int, int, int]]:
        """id -> (chapter, block, segment) positions; -1 where the id is a coarser level."""
        index: dict[str, tuple[int, int, int]] = {}
        for ci, chapter in enumerate(self.chapters):
            index[chapter.chapter_id] = (ci, -1, -1)
            for bi, block in enumerate(chapter.blocks):
                index[block.block_id] = (ci, bi, -1)
                for si, segment in enumerate(block.segments):
                    index[segment.segment_id] = (ci, bi, si)
        return index

    @functools.cached_property
    def derived(self) -> dict[str, object]:
        """Scratch space for values derived from this project value (speaker key digests).

        A new value starts empty, so nothing derived can outlive the data it came from.
        """
        return {}

    def locate(self, item_id: str) -> tuple[int, int, int]:
        """(chapter, block, segment) positions of a chapter, block or segment id.

        Raises:
            ValidationError: no such id (it was deleted, e.g. by an edit made meanwhile).
        """
        try:
            return self._index[item_id]
        except KeyError:
            raise ValidationError("That part of the script no longer exists.", "id") from None

    def block(self, block_id: str) -> Block:
        """The block with this id (raises ValidationError when there is none)."""
        ci, bi, _ = self.locate(block_id)
        return self.chapters[ci].blocks[bi]

    def segment(self, segment_id: str) -> Segment:
        """The segment with this id (raises ValidationError when there is none)."""
        ci, bi, si = self.locate(segment_id)
        return self.chapters[ci].blocks[bi].segments[si]

    def block_of(self, segment_id: str) -> Block:
        """The block holding a segment."""
        ci, bi, _ = self.locate(segment_id)
        return self.chapters[ci].blocks[bi]

    def has(self, item_id: str) -> bool:
        """True when a chapter, block or segment with this id exists."""
        return item_id in self._index

    def rules(self, dict_id: str) -> tuple[tuple[str, str], ...] | None:
        """The rules snapshot of a dictionary, or None when the project has none."""
        return next((d.rules for d in self.dictionaries if d.dict_id == dict_id), None)
