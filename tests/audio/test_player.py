"""The player's logic, driven buffer by buffer through a fake PortAudio (no sound card needed)."""

import threading

import numpy as np
import pytest

from studio.audio.player import DEVICE_LOST, PREBUFFER_S, AudioPlayer, PlaybackState
from studio.core.errors import AudioDeviceError
from tests.audio.fake_sounddevice import FakeSoundDevice
from tests.audio.signals import dominant_frequency, sine

RATE = 8000
LEAD_IN = int(0.1 * RATE)  # max(50 ms, the fake stream's 100 ms latency)


def assert_audio_equal(actual: object, expected: object) -> None:
    """Equal to 16-bit precision: the player keeps its clip as int16 (half the memory)."""
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1.0 / 32768)


def ramp(n: int, start: int = 0) -> np.ndarray:
    """Distinct non-zero values, so any lost, repeated or reordered sample shows."""
    return ((np.arange(start, start + n) % 20000 + 1) / 20001).astype(np.float32)


@pytest.fixture
def sd() -> FakeSoundDevice:
    """A fake sound system with one default device."""
    return FakeSoundDevice()


def audio_only(played: np.ndarray) -> np.ndarray:
    """The played samples without the silence around and between them."""
    return played[played != 0]


def test_a_whole_clip_plays_after_a_lead_in_then_finishes(sd: FakeSoundDevice) -> None:
    """The device gets silence, every sample in order, a silent tail, then the stream stops."""
    player = AudioPlayer(backend=sd)
    clip = ramp(3000, start=1)
    player.play(clip, RATE)
    assert player.state is PlaybackState.PLAYING
    played = sd.stream.pump_all(frames=256)
    assert_audio_equal(played[:LEAD_IN], 0)
    assert_audio_equal(played[LEAD_IN : LEAD_IN + len(clip)], clip)
    assert np.all(played[LEAD_IN + len(clip) :] == 0) and len(played) > LEAD_IN + len(clip)
    assert player.state is PlaybackState.FINISHED
    assert player.position_s == player.duration_s == pytest.approx(3000 / RATE)
    assert player.underruns == 0 and player.last_error is None


def test_streamed_chunks_join_without_gaps_once_prebuffered(sd: FakeSoundDevice) -> None:
    """Playback waits for PREBUFFER_S of audio, then chunks follow each other sample-exact."""
    player = AudioPlayer(backend=sd)
    player.begin_stream(RATE)
    assert player.state is PlaybackState.BUFFERING
    chunks = [ramp(400, start=1 + 400 * i) for i in range(10)]
    player.feed(chunks[0])
    assert np.all(sd.stream.pump(2 * LEAD_IN) == 0)  # still filling: silence, not a gap
    assert player.underruns == 0 and player.state is PlaybackState.BUFFERING
    played = []
    for chunk in chunks[1:]:
        player.feed(chunk)
        played.append(sd.stream.pump(300))
    player.end_stream()
    played.append(sd.stream.pump_all(300))
    out = audio_only(np.concatenate(played))
    assert_audio_equal(out, np.concatenate(chunks))
    assert player.underruns == 0
    assert player.state is PlaybackState.FINISHED


def test_running_dry_pads_with_silence_counts_once_and_loses_nothing(sd: FakeSoundDevice) -> None:
    """An under-run plays silence, counts as one, and playback resumes where it stopped."""
    player = AudioPlayer(backend=sd)
    player.begin_stream(RATE)
    first, second = ramp(2000, start=1), ramp(2000, start=2001)
    player.feed(first)
    played = [sd.stream.pump(4000)]  # lead-in + all of `first` + 1000 frames of nothing
    assert player.underruns == 1 and player.state is PlaybackState.BUFFERING
    played.append(sd.stream.pump(1000))
    assert player.underruns == 1  # one gap, however long
    player.feed(second)
    player.end_stream()
    played.append(sd.stream.pump_all())
    assert_audio_equal(audio_only(np.concatenate(played)), np.concatenate([first, second]))


def test_a_producer_thread_feeding_while_the_callback_reads(sd: FakeSoundDevice) -> None:
    """Lock-free hand-over under contention: the buffer grows, nothing is lost or torn."""
    player = AudioPlayer(backend=sd)
    player.begin_stream(RATE)  # the buffer starts at 10 s and must grow twice
    total = RATE * 35
    done = threading.Event()

    def produce() -> None:
        for start in range(0, total, 333):
            player.feed(ramp(min(333, total - start), start=1 + start))
        player.end_stream()
        done.set()

    producer = threading.Thread(target=produce)
    producer.start()
    played = []
    while sd.stream.active:
        played.append(sd.stream.pump(97))
    producer.join(timeout=30)
    assert done.is_set()
    assert_audio_equal(audio_only(np.concatenate(played)), ramp(total, start=1))


def test_pause_and_resume_continue_where_the_listener_was(sd: FakeSoundDevice) -> None:
    """Pausing subtracts what the device still buffered; resume starts exactly there."""
    player = AudioPlayer(backend=sd)
    clip = ramp(8000, start=1)
    player.play(clip, RATE)
    sd.stream.pump(LEAD_IN + 3000)  # 3000 samples sent, 800 of them still in the device
    player.pause()
    assert player.state is PlaybackState.PAUSED
    assert player.position_s == pytest.approx((3000 - 800) / RATE)
    assert not sd.stream.active
    player.resume()
    resumed = audio_only(sd.stream.pump(LEAD_IN + 100))
    assert_audio_equal(resumed, clip[2200:2300])


def test_seek_while_playing_and_after_the_end(sd: FakeSoundDevice) -> None:
    """Seek jumps within the clip; after the end it prepares a replay from that point."""
    player = AudioPlayer(backend=sd)
    clip = ramp(8000, start=1)
    player.play(clip, RATE)
    sd.stream.pump(LEAD_IN + 500)
    player.seek(0.5)
    assert_audio_equal(audio_only(sd.stream.pump(LEAD_IN + 10)), clip[4000:4010])
    sd.stream.pump_all()
    assert player.state is PlaybackState.FINISHED
    player.seek(0.25)
    assert player.state is PlaybackState.PAUSED and player.position_s == pytest.approx(0.25)
    player.resume()
    assert_audio_equal(audio_only(sd.stream.pump(LEAD_IN + 10)), clip[2000:2010])
    player.seek(99)  # beyond the end: clamps to the end
    assert audio_only(sd.stream.pump_all()).size == 0


def test_stop_then_resume_replays_from_the_start(sd: FakeSoundDevice) -> None:
    """stop() keeps the clip; resume() plays it again from the beginning."""
    player = AudioPlayer(backend=sd)
    clip = ramp(2000, start=1)
    player.play(clip, RATE)
    sd.stream.pump(LEAD_IN + 1000)
    player.stop()
    assert player.state is PlaybackState.STOPPED and player.position_s == 0
    player.resume()
    assert_audio_equal(audio_only(sd.stream.pump_all()), clip)


def test_volume_scales_the_output_and_is_clamped(sd: FakeSoundDevice) -> None:
    """Half volume halves every sample, mid-play; values outside 0..1 are clamped."""
    player = AudioPlayer(backend=sd)
    clip = ramp(1000, start=1)
    player.play(clip, RATE)
    player.set_volume(0.5)
    assert_audio_equal(audio_only(sd.stream.pump_all()), clip * 0.5)
    player.set_volume(7)
    assert player.volume == 1.0
    player.set_volume(-1)
    assert player.volume == 0.0


def test_a_rate_the_device_refuses_is_resampled(sd: FakeSoundDevice) -> None:
    """A 24 kHz clip on a 48 kHz-only device plays at 48 kHz with the same pitch and length."""
    sd.rates = {48000}
    player = AudioPlayer(backend=sd)
    player.begin_stream(24000)
    tone = sine(1000, 1.0, 24000)
    for part in np.array_split(tone, 7):  # streamed: the resampler keeps state across chunks
        player.feed(part)
    player.end_stream()
    assert sd.stream.samplerate == 48000
    played = sd.stream.pump_all(1024)
    audio = played[int(0.1 * 48000) :][: 2 * len(tone)]
    assert dominant_frequency(audio, 48000) == pytest.approx(1000, abs=2)
    assert player.duration_s == pytest.approx(1.0, abs=0.002)


def test_no_output_device_is_a_clear_error() -> None:
    """With no device at all, play raises AudioDeviceError saying clips can still be saved."""
    player = AudioPlayer(backend=FakeSoundDevice(names=()))
    with pytest.raises(AudioDeviceError) as caught:
        player.play(np.zeros(10, np.float32), RATE)
    assert caught.value.user_message.startswith("No sound output is available")
    assert caught.value.user_message.endswith("You can still save clips.")
    assert player.state is PlaybackState.STOPPED
    assert AudioPlayer.list_devices(FakeSoundDevice(names=())) == []


def test_a_busy_device_says_so(sd: FakeSoundDevice) -> None:
    """PortAudio's "device unavailable" becomes advice to close the other program."""
    sd.open_error = "Error opening OutputStream: Device unavailable [PaErrorCode -9985]"
    with pytest.raises(AudioDeviceError, match="busy: another program is using it"):
        AudioPlayer(backend=sd).play(np.zeros(10, np.float32), RATE)


def test_a_device_lost_mid_play_is_reported_not_raised(sd: FakeSoundDevice) -> None:
    """If the stream dies by itself, polls see STOPPED and last_error explains; no exception."""
    player = AudioPlayer(backend=sd)
    player.play(ramp(8000), RATE)
    sd.stream.pump(1000)
    assert player.last_error is None
    sd.stream.die()
    assert player.state is PlaybackState.STOPPED
    assert player.last_error is not None and player.last_error.user_message == DEVICE_LOST
    player.play(ramp(100), RATE)  # a new clip clears it
    assert player.last_error is None


def test_our_own_stops_are_not_mistaken_for_a_lost_device(sd: FakeSoundDevice) -> None:
    """Pause, stop and seek stop the stream too, without raising the device-lost error."""
    player = AudioPlayer(backend=sd)
    player.play(ramp(8000), RATE)
    for action in (player.pause, player.resume, lambda: player.seek(0.3), player.stop):
        action()
        assert player.last_error is None


def test_device_choice_by_name_with_fallback() -> None:
    """A remembered device is used by name; a vanished one falls back to the default."""
    sd = FakeSoundDevice(names=("hw:0", "pulse", "default", "USB headset"))
    sd.default.device = [-1, 0]  # PortAudio's default is the raw card
    devices = AudioPlayer.list_devices(sd)
    assert [d.name for d in devices if d.is_default] == ["pulse"]  # the sound server wins
    player = AudioPlayer(device_name="USB headset", backend=sd)
    player.play(ramp(10), RATE)
    assert sd.stream.settings["device"] == 3
    player.set_device("Unplugged thing")
    player.play(ramp(10), RATE)
    assert sd.stream.settings["device"] == 1 and player.device_name == "Unplugged thing"


def test_changing_device_while_playing_carries_on_from_the_position(sd: FakeSoundDevice) -> None:
    """Switching output mid-play reopens on the new device at the heard position."""
    sd.devices.append(dict(sd.devices[0], name="other", index=1))
    player = AudioPlayer(backend=sd)
    clip = ramp(8000, start=1)
    player.play(clip, RATE)
    sd.stream.pump(LEAD_IN + 2000)
    old = sd.stream
    player.set_device("other")
    assert old.closed and sd.stream is not old and sd.stream.settings["device"] == 1
    assert_audio_equal(audio_only(sd.stream.pump(LEAD_IN + 5)), clip[1200:1205])


def test_feeding_outside_a_stream_is_ignored_and_timings_are_recorded(sd: FakeSoundDevice) -> None:
    """Samples before begin_stream or after end_stream go nowhere; callback timings fill in."""
    player = AudioPlayer(backend=sd)
    player.feed(ramp(100))
    player.begin_stream(RATE)
    player.output.timings = np.zeros(8)
    player.feed(ramp(int(PREBUFFER_S * RATE), start=1))
    player.end_stream()
    player.feed(ramp(100, start=5000))
    assert player.duration_s == pytest.approx(PREBUFFER_S)
    sd.stream.pump_all()
    assert player.output.timing_count == 8 and np.all(player.output.timings > 0)


def test_after_a_lost_device_resume_opens_a_fresh_stream(sd: FakeSoundDevice) -> None:
    """A dead stream is never restarted: resuming opens the device again and replays."""
    player = AudioPlayer(backend=sd)
    clip = ramp(2000, start=1)
    player.play(clip, RATE)
    sd.stream.pump(LEAD_IN + 500)
    dead = sd.stream
    dead.die()
    assert player.last_error is not None
    player.resume()
    assert sd.stream is not dead and dead.closed
    assert player.last_error is None
    assert_audio_equal(audio_only(sd.stream.pump_all()), clip)


def test_a_device_chosen_while_paused_is_used_on_resume(sd: FakeSoundDevice) -> None:
    """Picking another output during a pause moves playback there when it resumes."""
    sd.devices.append(dict(sd.devices[0], name="other", index=1))
    player = AudioPlayer(backend=sd)
    player.play(ramp(4000, start=1), RATE)
    sd.stream.pump(LEAD_IN + 1000)
    player.pause()
    player.set_device("other")
    assert sd.stream.settings["device"] == 0  # nothing reopened while paused
    player.resume()
    assert sd.stream.settings["device"] == 1 and sd.stream.active
