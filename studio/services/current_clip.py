"""CurrentClip: the one owner of "the clip on screen", which Play, Save, Copy and History use."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio.services.clipview import LONG_TEXT_CHARS
from studio.services.messages import MessageBus, user_message
from studio.services.synthesis import RenderJob, RenderResult, SamplesArrived, SynthesisService
from studio.services.tasks import TaskRunner

if TYPE_CHECKING:
    from studio.core.render import Rendered

if TYPE_CHECKING:  # numpy loads with the first audio, not before the first frame
    import numpy as np


def clock(seconds: float) -> str:
    """ "0:05.4": minutes and tenths, as the waveform's readout shows time."""
    minutes, rest = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{rest:04.1f}"


@dataclass(frozen=True)
class ShownClip:
    """What the window shows as the clip, and so what Play, Save, Copy and drag act on.

    Attributes:
        rendered: The clip, or None (nothing rendered yet, or a render is drawing).
        partial_at_s: Set when the user stopped a render part way: the clip is what arrived
            until then, and saving it asks first.
        take_id: The history take it is (None for a partial clip or when no take was kept).
        rendering: The waveform shows audio that is not a finished clip yet (a render drawing,
            or a stopped render's partial clip being written): nothing to save or copy yet.
    """

    rendered: Rendered | None = None
    partial_at_s: float | None = None
    take_id: int | None = None
    rendering: bool = False

    @property
    def usable(self) -> bool:
        """Whether Play, Save and Copy have a clip to act on."""
        return self.rendered is not None and not self.rendering

    @property
    def label(self) -> str:
        """ "partial (cancelled at 0:05.4)" for a partial clip, else ""."""
        if self.partial_at_s is None:
            return ""
        return f"partial (cancelled at {clock(self.partial_at_s)})"


class CurrentClip(QObject):
    """Follows the main window's renders and decides which clip is on screen.

    The rule, in one place: a finished render (or a take the user opened) becomes the clip; a
    render the user stopped leaves what had arrived as a labelled partial clip (the previous
    clip when nothing had arrived); a failed render, or one replaced by a new Speak, puts the
    previous clip back. The samples kept for a partial clip are exactly those the waveform
    drew: both come from the same `synthesis_progressed` events.

    Signals:
        changed(object ShownClip): the clip on screen changed.
    """

    changed = Signal(object)

    def __init__(
        self,
        synthesis: SynthesisService,
        messages: MessageBus,
        parent: QObject | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._messages = messages
        self._tasks = tasks or TaskRunner(max_threads=1, parent=self)  # writes partial clips
        self._state = ShownClip()
        self._before = ShownClip()  # what to put back when a render fails
        self._job: RenderJob | None = None
        self._pieces: list[np.ndarray] = []
        self._rate = 0
        synthesis.synthesis_started.connect(self._on_synthesis_started)
        synthesis.synthesis_progressed.connect(self._on_synthesis_progressed)
        synthesis.synthesis_finished.connect(self._on_synthesis_finished)
        synthesis.synthesis_failed.connect(self._on_synthesis_failed)
        synthesis.synthesis_cancelled.connect(self._on_synthesis_cancelled)

    @property
    def state(self) -> ShownClip:
        """The clip on screen now."""
        return self._state

    @property
    def rendered(self) -> Rendered | None:
        """The clip Play, Save and Copy use, or None when there is none (or one is drawing)."""
        return self._state.rendered if self._state.usable else None

    def show(self, rendered: Rendered, take_id: int | None = None) -> None:
        """Make a clip the one on screen (a take from the history)."""
        if self._job is not None:
            return  # a render is drawing: it owns the screen until it ends
        self._set(ShownClip(rendered, take_id=take_id))

    def forget_take(self, take_id: int) -> None:
        """A take was deleted from the history: its file is gone, so it stops being the clip.

        Play, Save, Copy and drag would otherwise act on a file that no longer exists (and a
        failed render would put it back).
        """
        if self._before.take_id == take_id:
            self._before = ShownClip()
        if self._state.take_id == take_id and not self._state.rendering:
            self._set(ShownClip())
            self._messages.info("The take on screen was deleted.")

    def _set(self, state: ShownClip) -> None:
        self._state = state
        self.changed.emit(state)

    def _end_job(self) -> RenderJob | None:
        job, self._job = self._job, None
        return job

    # --- the render's life -------------------------------------------------------------------
    def _on_synthesis_started(self, _job_id: int, job: RenderJob) -> None:
        if self._job is None:
            self._before = self._state
        self._job, self._pieces, self._rate = job, [], 0
        self._set(ShownClip(rendering=True))

    def _on_synthesis_progressed(self, job_id: int, progress: SamplesArrived) -> None:
        if self._job is None or self._job.job_id != job_id or _is_long(self._job):
            return  # a long render is drawn from peaks: there are no samples to keep
        if progress.sample_rate != self._rate:
            self._pieces, self._rate = [], progress.sample_rate  # the waveform restarts too
        self._pieces.append(progress.samples)

    def _on_synthesis_finished(self, job_id: int, result: RenderResult) -> None:
        if self._job is None or self._job.job_id != job_id:
            return
        self._end_job()
        self._pieces = []
        take_id = result.take.take_id if result.take is not None else None
        self._set(ShownClip(result.rendered, take_id=take_id))

    def _on_synthesis_failed(self, job_id: int, _message: str) -> None:
        if self._job is None or self._job.job_id != job_id:
            return
        self._end_job()
        self._pieces = []
        self._set(self._before)

    def _on_synthesis_cancelled(self, job_id: int, reason: str) -> None:
        import numpy as np

        if self._job is None or self._job.job_id != job_id:
            return
        job = self._end_job()
        assert job is not None
        pieces, self._pieces = self._pieces, []
        if reason != "stop" or not pieces:
            # Replaced by a new Speak, stopped before any audio, or a long render (whose
            # partial audio is not held): the previous clip is back.
            self._set(self._before)
            if reason == "stop":
                self._messages.info("Render cancelled.")
            return
        rate, before = self._rate, self._before
        at_s = sum(len(piece) for piece in pieces) / rate
        # The partial clip is encoded into a file on a worker (minutes of audio take a good
        # part of a second): meanwhile the waveform keeps what it drew, labelled as partial.
        keeping = ShownClip(partial_at_s=at_s, rendering=True)
        self._set(keeping)
        self._messages.info(
            f"Render cancelled at {clock(at_s)}: the partial clip is kept (saving it asks first)."
        )
        self._tasks.submit(
            lambda ctx: partial_rendered(job, np.concatenate(pieces), rate),
            partial(self._on_partial_kept, keeping),
            partial(self._on_partial_failed, keeping, before),
        )

    def _on_partial_kept(self, keeping: ShownClip, rendered: Rendered) -> None:
        shown = ShownClip(rendered, partial_at_s=rendered.duration_s)
        if self._state is keeping:
            self._set(shown)
        elif self._before is keeping:  # a new render started meanwhile: it comes back after
            self._before = shown

    def _on_partial_failed(self, keeping: ShownClip, before: ShownClip, exc: BaseException) -> None:
        self._messages.warning(
            "The partial clip could not be kept: " + user_message(exc, "Keeping a partial clip")
        )
        if self._state is keeping:
            self._set(before)
        elif self._before is keeping:
            self._before = before


def _is_long(job: RenderJob) -> bool:
    return len(job.text) > LONG_TEXT_CHARS


def partial_rendered(job: RenderJob, samples: np.ndarray, rate: int) -> Rendered:
    """A playable, saveable clip from the samples a stopped render had delivered (as WAV).

    Only short renders get here (a long one is drawn from peaks, so its samples were never
    held). Runs on a worker: encoding minutes of audio takes a good part of a second.
    """
    import numpy as np

    from studio.audio.clipfile import clip_from_samples
    from studio.core.render import Rendered
    from studio.pipeline import spool_folder

    spec = replace(job.spec, output_format="wav")
    audio = clip_from_samples(np.asarray(samples, dtype=np.float32), rate, "wav", spool_folder())
    return Rendered(job.text, spec, audio, "", (), (), "partial").preload()
