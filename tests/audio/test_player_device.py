"""End to end through a real sound server: what the null sink's monitor hears is what we played."""

import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from studio.audio.player import AudioPlayer, PlaybackState
from tests.audio.recorder import NEEDS_NULL_SINK, RATE, Recorder
from tests.audio.signals import dominant_frequency, sine

pytestmark = [
    pytest.mark.audio_device,
    NEEDS_NULL_SINK,
]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """A running recording of everything the default sink plays."""
    rec = Recorder()
    yield rec
    rec.stop()


def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    """Wait until `condition()` holds, at most `timeout` seconds (a deadline, not a sleep)."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        tick.wait(0.02)


def analyse(recording: np.ndarray, threshold: float = 0.1) -> tuple[float, float, float]:
    """(seconds of signal, dominant Hz, longest gap inside it in ms) of a recorded tone."""
    loud = np.nonzero(np.abs(recording) > threshold)[0]
    assert loud.size, "nothing was heard"
    signal = recording[loud[0] : loud[-1] + 1]
    window = RATE // 1000  # 1 ms: one period of the 1 kHz tone
    envelope = np.abs(signal[: len(signal) // window * window]).reshape(-1, window).max(axis=1)
    quiet = envelope < threshold
    longest = run = 0
    for is_quiet in quiet:
        run = run + 1 if is_quiet else 0
        longest = max(longest, run)
    return len(signal) / RATE, dominant_frequency(signal, RATE), float(longest)


def finish(player: AudioPlayer, recorder: Recorder, seconds: float) -> tuple[np.ndarray, int]:
    """Wait for the end of playback and for the sink to fall silent.

    Returns:
        The recording, and the player's under-run count.
    """
    wait_for(lambda: player.state is PlaybackState.FINISHED, seconds + 5)
    wait_for(lambda: np.abs(recorder.samples()[-RATE // 10 :]).max(initial=0) < 0.01, 5)
    underruns = player.underruns
    assert player.last_error is None
    player.close()
    return recorder.stop(), underruns


def test_a_whole_clip_is_heard_complete(recorder: Recorder) -> None:
    """A 2 s 1 kHz tone arrives at 1 kHz, 2 s long (±5 %), without any gap."""
    player = AudioPlayer()
    player.play(sine(1000, 2.0, RATE), RATE)
    recording, underruns = finish(player, recorder, 2.0)
    duration, frequency, gap_ms = analyse(recording)
    assert duration == pytest.approx(2.0, rel=0.05)
    assert frequency == pytest.approx(1000, rel=0.01)
    assert gap_ms <= 10
    assert underruns == 0


def test_a_streamed_clip_plays_its_chunks_back_to_back(recorder: Recorder) -> None:
    """Chunks fed from a worker thread at network-like pace join with no gap over 10 ms."""
    player = AudioPlayer()
    tone = sine(1000, 2.0, RATE)
    player.begin_stream(RATE)
    rng = np.random.default_rng(11)

    def network() -> None:
        tick = threading.Event()
        for part in np.array_split(tone, 16):  # 125 ms chunks, ~1.5x faster than real time
            player.feed(part)
            tick.wait(rng.uniform(0.04, 0.12))
        player.end_stream()

    worker = threading.Thread(target=network)
    worker.start()
    recording, underruns = finish(player, recorder, 2.0)
    worker.join(10)
    duration, frequency, gap_ms = analyse(recording)
    assert duration == pytest.approx(2.0, rel=0.05)
    assert frequency == pytest.approx(1000, rel=0.01)
    assert gap_ms <= 10
    assert underruns == 0


def test_the_default_device_reaches_the_sound_server() -> None:
    """PortAudio's default output is the ALSA route into PulseAudio, and it is marked default."""
    devices = AudioPlayer.list_devices()
    defaults = [d.name for d in devices if d.is_default]
    assert defaults and defaults[0] in ("default", "pulse", "pipewire")
