"""Values of the render queue shared by store, batch runner, services and widgets."""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.render import RenderSpec

# Item states. An item is "running" only while a worker holds it; a crash leaves it running,
# and resuming puts it back in the queue (or marks it done when its file is already complete).
QUEUED, RUNNING, DONE, FAILED, SKIPPED = "queued", "running", "done", "failed", "skipped"
ITEM_STATES: tuple[str, ...] = (QUEUED, RUNNING, DONE, FAILED, SKIPPED)
FINISHED_STATES: tuple[str, ...] = (DONE, FAILED, SKIPPED)

# Job states: "active" while a runner owns it (or owned it when the process died), "paused" by
# the user or a full disk, "cancelled" by the user, "finished" when no item is queued or running.
ACTIVE, PAUSED, CANCELLED, FINISHED = "active", "paused", "cancelled", "finished"
JOB_STATES: tuple[str, ...] = (ACTIVE, PAUSED, CANCELLED, FINISHED)

# How much of an item's text a list shows; readers that only list items (the Batch window's
# table) read one character more, which tells them the text goes on.
TEXT_PREVIEW_CHARS = 120


@dataclass(frozen=True)
class ItemSpec:
    """What to render for one item, as stored in the queue.

    Attributes:
        row: The input row (spreadsheet numbering: the header is row 1) or file/line number.
        key: The row's `id` column, or "".
        text: The text to speak.
        voice_id, model, language, speed, sample_rate, dictionary_ids: Render settings.
        export_format: The file format written ("wav", "mp3", "flac"…).
        out_name: The output file name, relative to the job's output folder.
    """

    row: int
    key: str
    text: str
    voice_id: str
    model: str
    language: str
    speed: float
    sample_rate: int
    export_format: str
    out_name: str
    dictionary_ids: tuple[str, ...] = ()

    def render_spec(self, output_format: str) -> RenderSpec:
        """Its render settings, with the server sending (or the file holding) `output_format`."""
        return RenderSpec(
            self.voice_id, self.model, self.language, self.speed, self.sample_rate,
            output_format, self.dictionary_ids,
        )  # fmt: skip


@dataclass(frozen=True)
class QueueItem:
    """One stored item and its progress.

    Attributes:
        id: Database id.
        job_id: The job it belongs to.
        seq: Position in the job (0-based, item order).
        spec: What to render.
        state: One of ITEM_STATES.
        attempts: Renders started (a crash-interrupted one counts).
        error: The last user-facing error text, or "".
        request_id: The server's request id of the last render, or "".
        backend: Who rendered it ("local:tone", "cloud:https://…", "cache").
        duration_s: Audio length of the output.
        elapsed_s: Wall time of the last render.
    """

    id: int
    job_id: int
    seq: int
    spec: ItemSpec
    state: str
    attempts: int = 0
    error: str = ""
    request_id: str = ""
    backend: str = ""
    duration_s: float = 0.0
    elapsed_s: float = 0.0


@dataclass(frozen=True)
class ItemEnd:
    """How an item ended, as the queue records it.

    Attributes:
        item_id: The item.
        state: DONE, FAILED or SKIPPED.
        error: The user-facing error text, or "".
        request_id: The server's request id(s), or "".
        backend: Who rendered it.
        duration_s: Audio length of the output.
        elapsed_s: Wall time of the render.
        finished_at: When it ended (time.time(); 0 = when recorded).
    """

    item_id: int
    state: str
    error: str = ""
    request_id: str = ""
    backend: str = ""
    duration_s: float = 0.0
    elapsed_s: float = 0.0
    finished_at: float = 0.0


@dataclass(frozen=True)
class QueueJob:
    """One stored job.

    Attributes:
        id: Database id.
        created_at: UTC ISO time.
        source: The input file or folder, for display.
        out_dir: The output folder (absolute).
        state: One of JOB_STATES.
        options: Runner options as JSON text (concurrency, merge, report, backend).
        message: Why it is paused, or "".
        owner_pid: The process running it, or 0.
        total: Number of items.
    """

    id: int
    created_at: str
    source: str
    out_dir: str
    state: str
    options: str
    message: str
    owner_pid: int
    total: int


@dataclass(frozen=True)
class JobCounts:
    """Items of a job by state, and characters finished.

    Attributes:
        queued, running, done, failed, skipped: Item counts.
        chars_total: Characters in all items.
        chars_done: Characters in done and skipped items.
    """

    queued: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    chars_total: int = 0
    chars_done: int = 0

    @property
    def total(self) -> int:
        """All items."""
        return self.queued + self.running + self.done + self.failed + self.skipped

    @property
    def finished(self) -> int:
        """Items that need no more work."""
        return self.done + self.failed + self.skipped
