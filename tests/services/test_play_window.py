"""A long clip plays from its file through a bounded window: memory, seeks, end, replay, stop.

The real AudioPlayer and file feeder, with a fake PortAudio whose callback the test runs (so
the feed runs far faster than real time and every sample can be checked).
"""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.audio.clipfile import open_clip
from studio.audio.player import KEEP_S, WINDOW_S, AudioPlayer, PlaybackState
from studio.core.models import new_client_id
from studio.pipeline import Rendered, RenderSpec
from studio.services.playback import PlaybackService
from tests.audio.fake_sounddevice import FakeSoundDevice
from tests.peak_memory import peak_rise

RATE = 8000
LEAD_IN = int(0.1 * RATE)  # max(50 ms, the fake stream's 100 ms latency): silence first
CHUNK = 4096


def level(start: int, count: int) -> np.ndarray:
    """Sample values that tell positions apart (int16), so a wrong seek shows."""
    n = np.arange(start, start + count, dtype=np.int64)
    return (((n * 7919) % 32749) - 16374).astype(np.int16)


def long_clip(folder: Path, minutes: float) -> Rendered:
    """A FLAC render of `minutes`, written in blocks (the test never holds it whole)."""
    path = folder / "long.flac"
    frames = int(minutes * 60 * RATE)
    with soundfile.SoundFile(path, "w", RATE, 1, "PCM_16", format="FLAC") as sound:
        for start in range(0, frames, 1 << 20):
            sound.write(level(start, min(1 << 20, frames - start)))
    audio = open_clip(path, "pcm", RATE)
    spec = RenderSpec("tone-alto", sample_rate=RATE, output_format="pcm")
    return Rendered("long", spec, audio, new_client_id("take"), ("r",), ("s",), "sse")


@pytest.fixture
def sd() -> FakeSoundDevice:
    return FakeSoundDevice()


@pytest.fixture
def player(sd: FakeSoundDevice) -> AudioPlayer:
    return AudioPlayer(backend=sd)


@pytest.fixture
def service(player: AudioPlayer, bus) -> Iterator[PlaybackService]:
    playback = PlaybackService(player, bus)
    yield playback
    playback.shutdown()


class Listener:
    """Pumps the fake device once the window holds enough, and checks what comes out."""

    def __init__(self, qtbot, sd: FakeSoundDevice, player: AudioPlayer) -> None:
        self.qtbot, self.sd, self.player = qtbot, sd, player
        self.most_held = 0

    def ready(self, frames: int) -> bool:
        clip, run = self.player._clip, self.player.output.run
        if clip is None or run is None or not self.sd.stream.active:
            return False
        return clip.ended or clip.written - run.read >= frames + LEAD_IN

    def hear(self, frames: int) -> np.ndarray:
        """The next `frames` frames the device plays, pumped only once they are queued."""
        self.qtbot.wait_until(lambda: self.ready(frames), timeout=10000)
        played = self.sd.stream.pump(frames)
        clip = self.player._clip
        assert clip is not None
        self.most_held = max(self.most_held, clip.written - clip.consumed)
        return played

    def expect_from(self, start: int, frames: int) -> None:
        """After a (re)start: lead-in silence, then the clip from sample `start`."""
        played = self.hear(LEAD_IN + frames)
        assert np.all(played[:LEAD_IN] == 0)
        expected = level(start, frames).astype(np.float32) / 32768
        np.testing.assert_array_equal(played[LEAD_IN:], expected)


def seek_and_wait(qtbot, service: PlaybackService, player: AudioPlayer, seconds: float) -> None:
    """Seek through the service (its device thread) and wait for the new run."""
    target = int(seconds * RATE)
    service.seek(seconds)
    qtbot.wait_until(
        lambda: (
            player.output.run is not None
            and player.output.run.start == target
            and player.output.active
        ),
        timeout=5000,
    )


@pytest.mark.slow
def test_a_30_minute_clip_plays_in_bounded_memory(
    qtbot, tmp_path: Path, sd: FakeSoundDevice, player: AudioPlayer, service: PlaybackService
) -> None:
    """Every sample of a 30-minute clip plays in order while the player holds a window of
    WINDOW_S + KEEP_S: Python's allocations stay flat (the whole clip would be 28.8 MB)."""
    rendered = long_clip(tmp_path, minutes=30)
    total = rendered.audio.frames
    listener = Listener(qtbot, sd, player)
    with peak_rise() as rise:
        service.play_rendered(rendered)
        listener.expect_from(0, CHUNK)
        heard = CHUNK
        while heard < total:
            count = min(8 * CHUNK, total - heard)
            played = listener.hear(count)
            assert played[0] == level(heard, 1)[0] / 32768 and len(played) == count
            heard += count
    print(f"peak rise {rise.rise / 2**20:.1f} MB")
    assert rise.rise < 8 * 2**20, f"memory rose {rise.rise / 2**20:.1f} MB at the peak"
    window = int((WINDOW_S + KEEP_S) * RATE)
    clip = player._clip
    assert clip is not None and len(clip.data) == window
    assert listener.most_held <= window
    sd.stream.pump_all(CHUNK)
    assert player.state is PlaybackState.FINISHED
    assert player.position_s == pytest.approx(30 * 60) and player.underruns == 0


@pytest.mark.slow
def test_seeks_outside_and_inside_the_window_end_replay_and_stop(
    qtbot, tmp_path: Path, sd: FakeSoundDevice, player: AudioPlayer, service: PlaybackService
) -> None:
    """A seek forward or back outside the window reads from the file there; one inside it
    reuses what is held; the end finishes at the clip's length; a replay starts over; stop
    ends the feeder."""
    rendered = long_clip(tmp_path, minutes=10.5)
    listener = Listener(qtbot, sd, player)
    service.play_rendered(rendered)
    listener.expect_from(0, CHUNK)

    epoch = player.window_request()[0]  # type: ignore[index]
    seek_and_wait(qtbot, service, player, 400.0)  # forward, far outside the window
    assert player.window_request() == (epoch + 1, 400.0)
    listener.expect_from(400 * RATE, CHUNK)
    assert player.position_s == pytest.approx(400 + (CHUNK - LEAD_IN) / RATE, abs=0.01)

    seek_and_wait(qtbot, service, player, 60.0)  # back, outside the window
    assert player.window_request() == (epoch + 2, 60.0)
    listener.expect_from(60 * RATE, 2 * CHUNK)

    seek_and_wait(qtbot, service, player, 61.0)  # inside what is held: no re-read
    assert player.window_request() == (epoch + 2, 60.0)
    listener.expect_from(61 * RATE, CHUNK)

    end = rendered.audio.frames
    seek_and_wait(qtbot, service, player, end / RATE - 1.0)
    listener.expect_from(end - RATE, RATE)
    sd.stream.pump_all(CHUNK)
    assert player.state is PlaybackState.FINISHED
    assert player.position_s == pytest.approx(end / RATE)

    player.resume()  # replay after the end: from the start, read from the file again
    assert player.window_request() == (epoch + 4, 0.0)
    listener.expect_from(0, CHUNK)

    service.stop()
    qtbot.wait_until(lambda: service._file_tasks.pool.activeThreadCount() == 0, timeout=5000)


@pytest.mark.slow
def test_a_window_at_a_rate_the_device_refuses_is_resampled(qtbot, tmp_path: Path, bus) -> None:
    """An 8 kHz clip on a 48 kHz-only device: the window holds device-rate samples, a seek
    outside it restarts the resampler there, and the clip ends at its own length."""
    sd = FakeSoundDevice(rates={48000})
    player = AudioPlayer(backend=sd)
    service = PlaybackService(player, bus)
    try:
        rendered = long_clip(tmp_path, minutes=10.5)
        service.play_rendered(rendered)
        qtbot.wait_until(
            lambda: player.window_request() is not None and player.window_space_s() < 1.0,
            timeout=10000,
        )  # the window is full
        clip = player._clip
        assert clip is not None and len(clip.data) == int((WINDOW_S + KEEP_S) * 48000)
        assert player.duration_s == pytest.approx(rendered.duration_s, abs=0.001)
        service.seek(rendered.duration_s - 2.0)
        qtbot.wait_until(lambda: player.window_request()[1] > 600, timeout=5000)  # type: ignore[index]
        qtbot.wait_until(lambda: clip.ended and sd.stream.active, timeout=10000)
        played = sd.stream.pump_all(4800)
        assert np.abs(played).max() > 0.1 and player.underruns == 0
        assert 2.0 <= len(played) / 48000 < 2.6  # lead-in + 2 s + tail
        assert player.state is PlaybackState.FINISHED
        assert player.position_s == pytest.approx(rendered.duration_s, abs=0.001)
    finally:
        service.shutdown()
