"""A long render played as it arrives holds a bounded window: memory, live edge, seeks, end.

The real StreamSink, LiveSpool, live feeder and AudioPlayer, with a fake PortAudio whose
callback the test runs; the test thread is the render's worker (it feeds far faster than
real time, as a fast server does), so every sample can be checked.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from studio.audio.livespool import LiveSpool
from studio.audio.player import KEEP_S, WINDOW_S, AudioPlayer, PlaybackState
from studio.services.playback import PlaybackService
from tests.audio.fake_sounddevice import FakeSoundDevice
from tests.peak_memory import peak_rise
from tests.services.test_play_window import CHUNK, LEAD_IN, RATE, Listener, level, seek_and_wait


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


def arrive(sink, start: int, frames: int) -> None:
    """The render delivers `frames` more samples, in network-sized pieces."""
    for at in range(start, start + frames, 2400):
        count = min(2400, start + frames - at)
        sink.feed(level(at, count).astype(np.float32) / 32768, RATE)


def test_a_long_live_render_is_held_as_a_window_and_seeks_within_what_arrived(
    qtbot, sd: FakeSoundDevice, player: AudioPlayer, service: PlaybackService
) -> None:
    """20 minutes arrive while the first seconds play: the player holds WINDOW_S + KEEP_S,
    Python's allocations stay flat (the whole clip would be 19.2 MB as int16), a seek far
    back into what arrived plays from there, the live edge waits, and the end finishes."""
    listener = Listener(qtbot, sd, player)
    sink = service.open_sink(live=True)
    with peak_rise() as rise:
        arrive(sink, 0, RATE)  # the first second: playback opens its window
        listener.expect_from(0, CHUNK)
        arrive(sink, RATE, 20 * 60 * RATE - RATE)  # the rest, far faster than real time
    print(f"peak rise {rise.rise / 2**20:.1f} MB")
    assert rise.rise < 8 * 2**20, f"memory rose {rise.rise / 2**20:.1f} MB at the peak"
    clip = player._clip
    window = int((WINDOW_S + KEEP_S) * RATE)
    assert clip is not None and clip.ring and len(clip.data) == window
    assert player.duration_s == pytest.approx(20 * 60)  # what arrived, so far

    seek_and_wait(qtbot, service, player, 900.0)  # into what arrived, outside the window
    listener.expect_from(900 * RATE, 2 * CHUNK)
    assert listener.most_held <= window

    service.seek(5000.0)  # past what arrived: to its end, where playback waits for more
    qtbot.wait_until(lambda: player.position_s == pytest.approx(20 * 60, abs=0.1), timeout=5000)
    qtbot.wait_until(lambda: player.state is PlaybackState.BUFFERING, timeout=5000)
    arrive(sink, 20 * 60 * RATE, 2 * RATE)  # two more seconds, then the render ends
    assert player.duration_s == pytest.approx(20 * 60 + 2)
    sink.end()
    qtbot.wait_until(lambda: clip.ended, timeout=5000)
    played = sd.stream.pump_all(CHUNK)
    expected = level(20 * 60 * RATE, 2 * RATE).astype(np.float32) / 32768
    start = int(np.flatnonzero(played)[0])
    np.testing.assert_array_equal(played[start : start + 2 * RATE], expected)
    assert player.state is PlaybackState.FINISHED

    # The feeder stays with the clip (a replay, a seek back) until something else plays.
    assert sink._spool is not None and not sink._spool.closed
    service.stop()
    qtbot.wait_until(lambda: service._file_tasks.pool.activeThreadCount() == 0, timeout=5000)
    assert sink._spool.closed  # its file (and disk space) went with the feeder


def test_a_queued_long_render_waits_for_the_clip_before_it(
    qtbot, sd: FakeSoundDevice, player: AudioPlayer, service: PlaybackService
) -> None:
    """A deferred live sink spools while the clip before it plays, then plays from its start."""
    first = service.open_sink(live=True)
    arrive(first, 0, RATE)
    first.end()
    listener = Listener(qtbot, sd, player)
    listener.expect_from(0, CHUNK)
    queued = service.open_sink(deferred=True, live=True)
    arrive(queued, 10_000_000, 3 * RATE)  # other values: the second clip is told apart
    assert not queued.begun  # the first still plays
    sd.stream.pump_all(CHUNK)  # the first clip finishes
    queued.end()  # the render is over: its sink opens once the player is free
    assert queued.begun
    qtbot.wait_until(lambda: listener.ready(CHUNK), timeout=5000)
    played = sd.stream.pump(LEAD_IN + CHUNK)
    expected = level(10_000_000, CHUNK).astype(np.float32) / 32768
    np.testing.assert_array_equal(played[LEAD_IN:], expected)
    service.stop()
    qtbot.wait_until(lambda: service._file_tasks.pool.activeThreadCount() == 0, timeout=5000)


def test_a_spool_lives_in_its_folder_and_reads_back_what_arrived(tmp_path: Path) -> None:
    """The file is made (unnamed) in the given folder with the first samples; reads stop at
    what arrived; a closed spool takes no more."""
    folder = tmp_path / "renders"
    spool = LiveSpool(folder)
    assert not folder.exists()  # nothing on disk until samples come (not on the GUI thread)
    spool.append(level(0, 1000).astype(np.float32) / 32768, RATE)
    assert folder.is_dir() and list(folder.iterdir()) == []  # unnamed: nothing to leave behind
    assert spool._file is not None and os.readlink(
        f"/proc/self/fd/{spool._file.fileno()}"
    ).startswith(str(folder))
    np.testing.assert_array_equal(
        spool.read(990, 50), level(990, 10).astype(np.float32) / 32768
    )  # only the 10 that arrived
    spool.close()
    spool.append(level(0, 10).astype(np.float32) / 32768, RATE)
    assert spool.frames == 1000 and spool.read(0, 10).size == 0


def test_a_full_disk_stops_live_playback_with_a_message_and_plays_what_arrived(
    qtbot, monkeypatch, sd: FakeSoundDevice, player: AudioPlayer, service: PlaybackService, bus
) -> None:
    """The spool cannot grow (disk full): one message says the render goes on; what was
    spooled still plays to its end."""
    import errno

    from studio.audio import livespool

    sink = service.open_sink(live=True)
    arrive(sink, 0, RATE)
    real_pwrite = livespool.os.pwrite

    def full(fd: int, data: bytes, offset: int) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(livespool.os, "pwrite", full)
    arrive(sink, RATE, RATE)
    monkeypatch.setattr(livespool.os, "pwrite", real_pwrite)
    assert sink.gave_up and sink._spool is not None and sink._spool.frames == RATE
    qtbot.wait_until(lambda: any("could not be spooled" in m.text for m in bus.seen), timeout=5000)
    sink.end()
    qtbot.wait_until(lambda: player._clip is not None and player._clip.ended, timeout=5000)
    played = sd.stream.pump_all(CHUNK)
    assert np.count_nonzero(played) == pytest.approx(RATE, abs=2)  # the second that arrived
    assert player.state is PlaybackState.FINISHED
