"""What the GUI polls of the AudioPlayer: state, position, length, underruns, device loss."""

from __future__ import annotations

from studio.audio.outstream import DeviceStream
from studio.audio.playbuffer import ClipBuffer, PlaybackRun, PlaybackState
from studio.core.errors import AudioDeviceError

DEVICE_LOST = (
    "The sound output stopped working while playing (the device was unplugged or the sound "
    "server stopped). Playback has stopped; you can still save clips."
)


class StatusMixin:
    """AudioPlayer's cheap read-only views, polled by a GUI timer; they never take a lock.

    They read the clip buffer and the stream run the way the audio callback does (see
    playbuffer.py), so a poll never waits for the producer or the device.
    """

    output: DeviceStream
    _clip: ClipBuffer | None
    _rate: int
    _mode: PlaybackState
    _paused_at: int
    _last_error: AudioDeviceError | None

    @property
    def state(self) -> PlaybackState:
        """The current state (cheap; polled by a GUI timer)."""
        run, clip, mode = self.output.run, self._clip, self._mode
        if mode is not PlaybackState.PLAYING or run is None or clip is None:
            return mode
        if self._device_lost(run):
            return PlaybackState.STOPPED
        if run.completed:
            return PlaybackState.PLAYING if self.output.active else PlaybackState.FINISHED
        ended = clip.ended  # read before `written`, as the callback does
        if run.prebuffering(clip.written, ended):
            return PlaybackState.BUFFERING  # waiting for the producer
        return PlaybackState.PLAYING

    @property
    def position_s(self) -> float:
        """Seconds into the clip the listener is (output latency accounted for)."""
        if not self._rate or self._clip is None:
            return 0.0
        if self._mode is not PlaybackState.PLAYING:
            return self._paused_at / self._rate
        if self.state is PlaybackState.FINISHED:
            return self.duration_s
        return self._heard_frames() / self._rate

    @property
    def duration_s(self) -> float:
        """Seconds of audio received so far (the whole clip once the stream ended)."""
        clip = self._clip
        return self._frames(clip) / self._rate if clip is not None and self._rate else 0.0

    @property
    def underruns(self) -> int:
        """How often playback ran dry mid-stream and was padded with silence."""
        return self._clip.underruns if self._clip is not None else 0

    @property
    def last_error(self) -> AudioDeviceError | None:
        """The device failure that stopped playback (e.g. device lost), or None."""
        run = self.output.run
        if self._last_error is None and run is not None and self._device_lost(run):
            self._last_error = AudioDeviceError(DEVICE_LOST)
        return self._last_error

    def _device_lost(self, run: PlaybackRun) -> bool:
        """The stream stopped by itself before the end: the device went away."""
        generation = self.output.generation
        if self._mode is not PlaybackState.PLAYING or run.completed:
            return False
        active = self.output.active
        # A verdict only if no start or stop ran while we looked (they bump the generation).
        return not active and generation == self.output.generation and self.output.run is run

    def _heard_frames(self) -> int:
        """The sample the listener hears now: what was sent minus what is still buffered."""
        run, clip = self.output.run, self._clip
        if run is None or clip is None:
            return self._paused_at
        latency = int(self.output.latency_s * self._rate)
        return min(max(run.start, run.read - latency), clip.written)

    @staticmethod
    def _frames(clip: ClipBuffer) -> int:
        """The clip's length as known now: all of a window's clip, what arrived of a stream."""
        return clip.total if clip.ring else clip.written
