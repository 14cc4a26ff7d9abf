"""Script projects: a cast, chapters of blocks split into segments, each segment with its takes.

Design note (what the Script view, Render changed, read-along and `project render` build on):

- **Values.** Frozen dataclasses (cast in `project_cast`). An edit returns a new `Project`
  sharing every unchanged chapter, block, segment and take *by identity*: saves diff by identity
  (`store.project_rows`), undo keeps commands, and a `Project` goes to a worker thread as is.
- **Editing** (GUI thread): `project_edit.ProjectEditor` (`undo`/`redo`, `undo_label`,
  `version` counts every change). Typing: `set_block_text(id, text, typing=True)`, `seal()` when
  the caret leaves; Enter `split_block`, Backspace/Delete `join_previous`; paste `paste`
  (`Name: line` makes speakers); Pause button `insert_pause`; `set_locked`, `choose_take`,
  `set_overrides`, cast/chapter edits, `replace_all` (`project_find.find` for hits);
  `project_stats.ProjectTally` for words, characters and length, per changed block.
- **Text.** A block's `text` is as typed, `[pause 1.5s]` markers included;
  `project_text.split_block` makes one segment per sentence (over 250 characters: cut at
  clauses), a marker ends a segment and becomes its pause, `block_spans` maps segments to
  text spans. Re-splits keep segment ids (and takes) for unchanged sentences and for a
  sentence edited in place; dropped segments are revived by undo, redo, split or retyping.
- **State** (`project_state`) is derived, never stored: `segment_key` hashes the spoken text
  and the effective voice, model, language, speed and dictionary *rules* (snapshots in
  `Project.dictionaries`, refreshed with `set_dictionary_rules`). Backend, sample rate and
  format are left out, so a copied project stays rendered. `block_states` after an edit,
  `states` after a cast change (`newly_stale(before, after)` for "N segments changed");
  `SegmentState` values are the accessible texts.
- **Render changed**: `project_render.render_jobs(project)` (or `{segment_id}` for Regenerate)
  and `job_characters` for the confirmation; each job has the key, the text and a RenderSpec.
  On a result: `ProjectFile.put_audio(take_id, samples, rate)` in the worker, *then*
  `ProjectEditor.add_take(segment_id, SegmentTake(take_id, job.key, ...))` on the GUI thread
  (not undoable; chosen when current); failures `mark_failed(segment_id, job.key, message)`.
- **Read-along**: `project_state.timeline(project)` gives each segment's start, duration, the
  pause after it and its chosen take; `entry_at(entries, player_position)` for the highlight;
  `estimated_duration` for the status bar. Audio: `ProjectFile.read_audio`, off the GUI thread.
- **Files**: `store.project_file.ProjectFile.create/open/save/save_as/close` (exclusive lock
  while open: the CLI gets a clear error if the app holds the file); `store.project_autosave`
  batches: `changed(project)` after each edit, `poll()` from a worker when `due_in()` says;
  `ProjectFile.checkpoint()` when edits pause (a copy of the open file is then complete).
  `waves-studio project render FILE`: open, `render_jobs`, per result `put_audio`, `add_take`,
  `save` (each finished take is durable at once), close.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from studio.core import contract as c
from studio.core.errors import ValidationError
from studio.core.project_cast import Cast

MAX_PAUSE_S = 60.0
PROJECT_SUFFIX = ".wavesproj"  # a project file's name ends so (store.project_file writes it)


def check_pause(seconds: float) -> float:
    """A pause length in seconds, checked to lie within 0–60 s."""
    if not 0.0 <= seconds <= MAX_PAUSE_S:
        raise ValidationError(f"A pause lasts 0 to {MAX_PAUSE_S:.0f} seconds.", "pause")
    return float(seconds)


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
        cue: (start, end) seconds of the subtitle cue it dubs (a block imported from SRT or
            WebVTT); its speech starts at the cue's start in the mix. None: it follows the
            block before it.
    """

    block_id: str
    speaker_id: str
    text: str
    segments: tuple[Segment, ...] = ()
    pause_after_s: float | None = None
    cue: tuple[float, float] | None = None


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

    def __post_init__(self) -> None:
        if self.sample_rate not in c.SAMPLE_RATES:
            rates = ", ".join(str(r) for r in c.SAMPLE_RATES)
            raise ValidationError(f"The sample rate must be one of {rates} Hz.", "sample_rate")
        check_pause(self.paragraph_pause_s)


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
    def timed(self) -> bool:
        """True for a project dubbed to subtitle timing (some block has a cue)."""
        return any(b.cue is not None for b in self.blocks)

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
