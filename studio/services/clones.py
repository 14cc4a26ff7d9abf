"""CloneService: record or import a sample, check it, create the clone, and follow its status."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from studio.api.client import WavesClient
from studio.api.clones import SETTLED, CloneSpec, create_clone, wait_until_settled
from studio.audio import sample_check
from studio.audio.record import Recorder, Recording, list_input_devices
from studio.audio.sample_check import SampleReport
from studio.audio.sample_io import read_sample
from studio.core.clone_prompts import prompt_for
from studio.core.errors import CancelledError, StudioError
from studio.core.models import Voice
from studio.pipeline import RenderSpec, render_text
from studio.services.backend import BackendService
from studio.services.messages import MessageBus, user_message
from studio.services.playback import PlaybackService
from studio.services.tasks import TaskContext, TaskRunner
from studio.services.voices import VoiceCatalog

log = logging.getLogger(__name__)
RecorderFactory = Callable[[int | None], Recorder]


@dataclass(frozen=True)
class Sample:
    """A sample ready for upload, with its checklist.

    Attributes:
        samples: Mono float32 (read-only).
        sample_rate: Hz.
        report: The checks run on exactly these samples.
        source: Where it came from ("recording" or a file name), for messages.
    """

    samples: np.ndarray = field(repr=False)
    sample_rate: int
    report: SampleReport
    source: str


def _checked(samples: np.ndarray, rate: int, source: str) -> Sample:
    samples = np.asarray(samples, dtype=np.float32)
    samples.setflags(write=False)
    return Sample(samples, rate, sample_check.check_sample(samples, rate), source)


class CloneService(QObject):
    """The work behind the New clone dialog, all off the GUI thread.

    Signals:
        devices_listed(object list[InputDevice]): default input first.
        recording_started(int sample_rate)
        sample_ready(object Sample): a recorded, imported or trimmed sample, checked.
        upload_progressed(int done, int total): bytes of the upload sent.
        status_changed(str): pending, processing, completed or failed.
        created(object Voice): the clone exists (it is already in the voice list).
        failed(str): a user-facing message; the sample is kept.
    """

    devices_listed = Signal(object)
    recording_started = Signal(int)
    sample_ready = Signal(object)
    upload_progressed = Signal(int, int)
    status_changed = Signal(str)
    created = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        backend: BackendService,
        tasks: TaskRunner,
        voices: VoiceCatalog,
        playback: PlaybackService | None,
        messages: MessageBus,
        recorder_factory: RecorderFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._tasks = tasks
        self._voices = voices
        self._playback = playback
        self._messages = messages
        self._recorder_factory: RecorderFactory = recorder_factory or Recorder
        self.recorder: Recorder | None = None
        self.sample: Sample | None = None
        self._upload_task: int | None = None
        self._poll_task: int | None = None
        self._status = ""  # the last status told, so each change is told once
        self.poll_first_delay_s = 1.0  # status polling doubles from here (tests shorten it)

    @property
    def is_local(self) -> bool:
        """True on the embedded waves-local (local clones can be deleted there)."""
        info = self._backend.info
        return info is not None and info.kind == "local"

    @property
    def uploading(self) -> bool:
        """True while an upload runs."""
        return self._upload_task is not None

    # --- sources ----------------------------------------------------------------------------------
    def list_devices(self) -> None:
        """List input devices (emits devices_listed; [] when there is no microphone)."""
        from studio.audio.devices import load_backend

        def run(_ctx: TaskContext) -> Any:
            return list_input_devices(load_backend())

        self._tasks.submit(run, self.devices_listed.emit, self._fail)

    def start_recording(self, device: int | None) -> None:
        """Open the microphone and record (at most 15 s); poll `recorder` for the meter."""
        recorder = self._recorder_factory(device)
        self.recorder = recorder

        def run(_ctx: TaskContext) -> int:
            recorder.start()
            return recorder.sample_rate

        self._tasks.submit(run, self.recording_started.emit, self._fail)

    def stop_recording(self) -> None:
        """Stop, close the device and check what was recorded (emits sample_ready)."""
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return

        def run(_ctx: TaskContext) -> Sample:
            recording: Recording = recorder.stop()
            return _checked(recording.samples, recording.sample_rate, "recording")

        self._tasks.submit(run, self._on_sample, self._fail)

    def load_file(self, path: Path) -> None:
        """Decode and check a file (emits sample_ready or failed)."""

        def run(_ctx: TaskContext) -> Sample:
            samples, rate = read_sample(path)
            return _checked(samples, rate, path.name)

        self._tasks.submit(run, self._on_sample, self._fail)

    def trim(self) -> None:
        """Cut the silence at the sample's edges and check it again."""
        sample = self.sample
        if sample is None:
            return

        def run(_ctx: TaskContext) -> Sample:
            trimmed = sample_check.trim_to_speech(sample.samples, sample.sample_rate)
            return _checked(trimmed, sample.sample_rate, sample.source)

        self._tasks.submit(run, self._on_sample, self._fail)

    def play_sample(self) -> None:
        """Play the current sample back."""
        if self.sample is not None and self._playback is not None:
            self._playback.play(
                np.array(self.sample.samples), self.sample.sample_rate, source="clone"
            )

    def _on_sample(self, sample: Sample) -> None:
        self.sample = sample
        self.sample_ready.emit(sample)

    # --- creating ---------------------------------------------------------------------------------
    def create(self, spec: CloneSpec) -> None:
        """Encode and upload the current sample; then follow the clone's status."""
        client = self._backend.client
        sample = self.sample
        if client is None or sample is None or self._upload_task is not None:
            return

        def run(ctx: TaskContext) -> Voice:
            data, mime, ext = sample_check.encode_for_upload(sample.samples, sample.sample_rate)
            stem = Path(sample.source).stem or "sample"
            return create_clone(client, spec, data, mime, f"{stem}{ext}",
                                progress=lambda done, total: ctx.report((done, total)),
                                cancel=ctx.cancelled)  # fmt: skip

        task = self._tasks.submit(
            run,
            partial(self._on_created, client, spec),
            self._on_upload_failed,
            self._on_upload_progress,
        )
        # A runner may finish the task inside submit (SyncTaskRunner): only a running one counts.
        self._upload_task = task if self._tasks.is_running(task) else None

    def cancel(self) -> None:
        """Cancel an upload or a status wait (the upload stops within 200 ms)."""
        for task in (self._upload_task, self._poll_task):
            if task is not None:
                self._tasks.cancel(task)

    def _on_upload_progress(self, value: object) -> None:
        if isinstance(value, tuple):
            self.upload_progressed.emit(int(value[0]), int(value[1]))

    def _on_upload_failed(self, exc: BaseException) -> None:
        self._upload_task = None
        self._fail(exc)

    def _on_created(self, client: WavesClient, spec: CloneSpec, voice: Voice) -> None:
        self._upload_task = None
        self._voices.add_clone(voice)
        self._status = ""
        self._tell_status(voice.status or "completed")
        self.created.emit(voice)
        self._messages.info(f"Clone “{voice.display_name}” created.")
        if voice.status and voice.status not in SETTLED:
            self._follow(client, voice, spec)
        elif voice.status != "failed":
            self._first_preview(client, voice, spec)

    def _follow(self, client: WavesClient, voice: Voice, spec: CloneSpec) -> None:
        def run(ctx: TaskContext) -> Voice:
            return wait_until_settled(
                lambda cancel: client.clones(cancel=cancel), voice.voice_id,
                cancel=ctx.cancelled, on_status=ctx.report,
                first_delay_s=self.poll_first_delay_s,
            )  # fmt: skip

        def settled(done: Voice) -> None:
            self._poll_task = None
            self._voices.add_clone(done)
            self._tell_status(done.status)
            if done.status == "completed":
                self._first_preview(client, done, spec)

        def progress(status: object) -> None:
            self._tell_status(str(status))

        def failed(exc: BaseException) -> None:
            self._poll_task = None
            self._fail(exc)

        task = self._tasks.submit(run, settled, failed, progress)
        self._poll_task = task if self._tasks.is_running(task) else None

    def _first_preview(self, client: WavesClient, voice: Voice, spec: CloneSpec) -> None:
        """Render the reading prompt with the new clone and play it."""
        model = spec.model.replace("-", "_")  # the TTS spelling of the clone model (§1.5)
        settings = RenderSpec(voice.voice_id, model, spec.language, 1.0, 24000, "pcm")
        text = prompt_for(spec.language)

        def run(ctx: TaskContext) -> Any:
            return render_text(client, text, settings, "none", ctx.cancelled)

        def play(rendered: Any) -> None:
            if self._playback is not None:
                self._playback.play_rendered(rendered, source="clone")

        self._tasks.submit(run, play, self._messages.report)

    def _tell_status(self, status: str) -> None:
        if status != self._status:
            self._status = status
            self.status_changed.emit(status)

    # --- deleting (waves-local only) ----------------------------------------------------------
    def delete_local(self, voice_id: str) -> None:
        """Delete a clone of the embedded waves-local (the Waves API has no such call, §6.3)."""
        client = self._backend.client
        if client is None or not self.is_local:
            return

        def run(ctx: TaskContext) -> str:
            client.transport.request("DELETE", f"/waves/v1/voice-cloning/{voice_id}",
                                     idempotent=True, cancel=ctx.cancelled)  # fmt: skip
            return voice_id

        self._tasks.submit(run, self._voices.remove_voice, self._fail)

    def _fail(self, exc: BaseException) -> None:
        if isinstance(exc, CancelledError):
            self.failed.emit("Cancelled. Your sample is kept.")
            return
        if not isinstance(exc, StudioError):
            log.error("Clone work failed", exc_info=exc)
        self.failed.emit(user_message(exc, "Clone work failed"))
