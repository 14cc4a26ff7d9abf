"""A streaming audio player on a sounddevice OutputStream: play, pause, seek and stream chunks."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from studio.audio.devices import OutputDevice, list_output_devices, load_backend
from studio.audio.outstream import DeviceStream
from studio.audio.playbuffer import ClipBuffer, PlaybackRun, PlaybackState
from studio.audio.player_status import DEVICE_LOST, StatusMixin
from studio.audio.player_window import KEEP_S, WINDOW_S, WindowMixin
from studio.core.errors import AudioDeviceError

if TYPE_CHECKING:  # numpy loads with the first audio, not before the first frame
    import numpy.typing as npt


__all__ = ["DEVICE_LOST", "KEEP_S", "WINDOW_S", "AudioPlayer", "OutputDevice", "PlaybackState"]

MIN_LEAD_IN_S = 0.05
TAIL_MARGIN_S = 0.1
PREBUFFER_S = 0.2  # audio queued before a stream starts (or restarts after running dry)


class AudioPlayer(StatusMixin, WindowMixin):
    """Plays whole clips or streamed chunks through PortAudio, with pause, seek and volume.

    Control methods may be called from any one thread at a time (the app's device worker),
    `feed` from one producer thread (the network worker), and the properties from the GUI
    thread's timer. The PortAudio callback only copies from the clip buffer (playbuffer.py),
    so nothing the GUI does can make it wait, and no method waits for playback.

    A long clip, played from its file or as it arrives, is held as a bounded ring that its
    producer keeps filled (player_window.py), so memory does not grow with the clip.

    Every stream start sends a short lead-in of silence and every end a tail of silence:
    ALSA's PulseAudio plugin drops the first buffer of a stream and what is still queued
    when it stops (measured against a null sink's monitor), which would clip the speech.

    Attributes:
        output: The PortAudio stream driver (its `timings` serve benchmarks).
    """

    def __init__(self, device_name: str | None = None, backend: Any = None) -> None:
        """Create an idle player; nothing touches the sound system until something plays.

        Args:
            device_name: PortAudio device name to use; None for the default output.
            backend: The sounddevice module, or a stand-in with the same API (tests).
        """
        self.output = DeviceStream(backend)
        self._device_name = device_name
        self._volume = 1.0
        self._lock = threading.RLock()  # producer vs. control; never taken by the callback
        self._rate = 0  # the buffer's rate (the device's)
        self._resampler: Any = None
        self._source_rate = 0  # the clip's own rate
        self._clip: ClipBuffer | None = None
        self._mode = PlaybackState.STOPPED  # STOPPED, PAUSED or PLAYING (= stream started)
        self._paused_at = 0
        self._last_error: AudioDeviceError | None = None

    @staticmethod
    def list_devices(backend: Any = None) -> list[OutputDevice]:
        """The output devices, the default one marked; [] when there is no sound system."""
        try:
            return list_output_devices(backend or load_backend())
        except AudioDeviceError:
            return []

    @property
    def device_name(self) -> str | None:
        """The chosen device's name, or None for the default output."""
        return self._device_name

    def set_device(self, name: str | None) -> None:
        """Use this device from now on (remembered by name; the default if it is gone).

        Raises:
            AudioDeviceError: playback was running and could not move to the new device.
        """
        self._device_name = name or None
        if self.state in (PlaybackState.PLAYING, PlaybackState.BUFFERING) and self._clip:
            position = self._heard_frames()
            self._stop(PlaybackState.PAUSED)
            self._paused_at = position
            self._start_run(position)  # reopens on the new device

    @property
    def volume(self) -> float:
        """Gain from 0.0 (silent) to 1.0 (as recorded)."""
        return self._volume

    def set_volume(self, volume: float) -> None:
        """Set the gain (clamped to 0..1); the callback picks it up at its next buffer."""
        self._volume = min(1.0, max(0.0, float(volume)))
        run = self.output.run
        if run is not None:
            run.volume = self._volume

    def begin_stream(self, sample_rate: int) -> None:
        """Start a new clip at `sample_rate`, replacing what plays; sound starts with `feed`.

        Raises:
            AudioDeviceError: no usable output device.
        """
        if sample_rate <= 0:
            raise ValueError(f"sample_rate must be positive, got {sample_rate}")
        with self._lock:
            self._open(sample_rate)
            self._clip = ClipBuffer(capacity=self._rate * 10)
            self._start_run(0)

    def _open(self, sample_rate: int) -> None:
        """Drop the clip and open the device for `sample_rate` (resampling if it must)."""
        self._mode = PlaybackState.STOPPED
        self._clip = None
        self._last_error = None
        self._resampler = None
        self._source_rate = sample_rate
        self._rate = self.output.open(self._device_name, sample_rate)
        self._new_resampler()

    def _new_resampler(self) -> None:
        self._resampler = None
        if self._rate != self._source_rate:
            import soxr

            self._resampler = soxr.ResampleStream(self._source_rate, self._rate, 1, "float32")

    def feed(self, samples: npt.ArrayLike, epoch: int | None = None) -> bool:
        """Queue mono float samples of the current clip (the producer thread only).

        For a window (begin_window), `epoch` is the one from window_request(): blocks read
        before a seek moved the window are dropped. Returns False, taking nothing, when a
        window has no room for the block yet (offer it again later).
        """
        import numpy as np

        x = np.asarray(samples, dtype=np.float32).reshape(-1)
        with self._lock:
            clip = self._clip
            if clip is None or clip.ended or x.size == 0:
                return True
            if clip.ring:
                if epoch != clip.epoch:
                    return True  # read for a window position that a seek has left
                needed = int(np.ceil(x.size * self._rate / self._source_rate)) + 64
                if needed > clip.space():
                    return False  # checked before the resampler takes the block
            if self._resampler is not None:
                x = self._resampler.resample_chunk(x)
            clip.append(np.clip(x, -1.0, 1.0))
            return True

    def end_stream(self, epoch: int | None = None) -> None:
        """No more samples for this clip: playback finishes when what is queued has played."""
        import numpy as np

        with self._lock:
            clip = self._clip
            if clip is None or clip.ended or (clip.ring and epoch != clip.epoch):
                return
            if self._resampler is not None:
                rest = self._resampler.resample_chunk(np.zeros(0, np.float32), last=True)
                clip.append(rest[: clip.space()])  # a window kept room for it (feeder)
            clip.ended = True

    def play(self, samples: npt.ArrayLike, sample_rate: int) -> None:
        """Play a whole clip from its start, replacing what plays.

        Raises:
            AudioDeviceError: no usable output device.
        """
        self.begin_stream(sample_rate)
        self.feed(samples)
        self.end_stream()

    def pause(self) -> None:
        """Pause where the listener is; resume() continues from there."""
        if self.state in (PlaybackState.PLAYING, PlaybackState.BUFFERING):
            self._paused_at = self._heard_frames()
            self._stop(PlaybackState.PAUSED)

    def resume(self) -> None:
        """Continue after pause(); after the end or stop(), play the clip again from the start.

        Raises:
            AudioDeviceError: the device could not be restarted.
        """
        state = self.state
        clip = self._clip
        if clip is None or state in (PlaybackState.PLAYING, PlaybackState.BUFFERING):
            return
        start = self._paused_at if state is PlaybackState.PAUSED else 0
        self._start_run(0 if start >= self._frames(clip) and clip.ended else start)

    def stop(self) -> None:
        """Stop playing; the clip stays loaded (resume() replays it from the start)."""
        self._stop(PlaybackState.STOPPED)
        self._paused_at = 0

    def seek(self, seconds: float) -> None:
        """Jump to `seconds` within what has arrived; keeps playing if it was playing.

        Raises:
            AudioDeviceError: the device could not be restarted.
        """
        clip = self._clip
        if clip is None or not self._rate:
            return
        target = int(min(max(0.0, seconds) * self._rate, self._frames(clip)))
        if self.state in (PlaybackState.PLAYING, PlaybackState.BUFFERING):
            self._stop(PlaybackState.PAUSED)
            self._start_run(target)
        else:
            self._stop(PlaybackState.PAUSED)
            self._paused_at = target
            if clip.ring:
                self._hold(clip, target)  # a window refills from there while paused

    def close(self) -> None:
        """Release the device; the player can be used again afterwards."""
        with self._lock:
            self._mode = PlaybackState.STOPPED
            self.output.close()
            self._clip = None

    def _start_run(self, start: int) -> None:
        clip = self._clip
        if clip is None:
            return
        if clip.ring:
            self._hold(clip, start)
        lost = self._last_error is not None  # a dead stream is not restarted: reopen it
        if lost or not self.output.is_open or self.output.device_name != self._device_name:
            self._last_error = None
            self._reopen()
        latency = self.output.latency_s
        run = PlaybackRun(
            clip,
            start,
            lead_in=int(max(MIN_LEAD_IN_S, latency) * self._rate),
            tail=int((latency + TAIL_MARGIN_S) * self._rate),
            prebuffer=int(PREBUFFER_S * self._rate),
        )
        run.volume = self._volume
        try:
            self.output.start(run)
        except AudioDeviceError as exc:
            self._mode = PlaybackState.STOPPED
            self._last_error = exc
            raise
        self._mode = PlaybackState.PLAYING

    def _reopen(self) -> None:
        """Open the device again for the loaded clip, whose samples are at `_rate`."""
        if self.output.open(self._device_name, self._rate) != self._rate:
            self.output.close()
            raise AudioDeviceError(
                f"This output device cannot play {self._rate} Hz audio. Play the clip again "
                "to use the device's own rate."
            )

    def _stop(self, mode: PlaybackState) -> None:
        self._mode = mode  # before stopping, so no poll mistakes the stop for a lost device
        self.output.stop()
