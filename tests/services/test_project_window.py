"""Read-along playback of a long project through the player's bounded window: memory stays flat
whatever the project's length, every sample is where the timeline says, jumps and seeks read
from there, takes at another rate are resampled in place.

The real ProjectPlayer, PlaybackService and AudioPlayer on a fake PortAudio whose callback the
test runs (tests/services/test_play_window.py), with a real .wavesproj file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from studio.audio.player import KEEP_S, WINDOW_S, AudioPlayer, PlaybackState
from studio.core.project import ExportSettings, SegmentTake
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import add_take, new_project
from studio.core.project_state import segment_key
from studio.services.playback import PlaybackService
from studio.services.project import ProjectService
from studio.services.project_playback import ProjectPlayer
from studio.services.settings import Settings
from studio.store.project_file import ProjectFile
from tests.audio.fake_sounddevice import FakeSoundDevice
from tests.peak_memory import peak_rise
from tests.services.test_play_window import LEAD_IN, RATE, Listener, level

TAKE_S = 10  # each sentence's take
PAUSE = RATE // 2  # the paragraph pause (0.5 s) after each one-sentence paragraph
PERIOD = TAKE_S * RATE + PAUSE
BOUND = 4 * 2**20  # Python's allocations while playing: the window, a block, one take's FLAC
SEED = 7_000_003  # take k's samples are level() from k * SEED on


def take_audio(k: int, frames: int = TAKE_S * RATE) -> np.ndarray:
    """Take k's samples: values that tell takes and positions apart (float, 16-bit grid)."""
    return level(k * SEED, frames).astype(np.float32) / 32768


def expected(start: int, count: int) -> np.ndarray:
    """The programme's samples from `start`: take k, then its pause, for k = 0, 1, …"""
    out = np.zeros(count, np.float32)
    at = start
    while at < start + count:
        k, offset = divmod(at, PERIOD)
        n = min(PERIOD - offset, start + count - at)
        if offset < TAKE_S * RATE:
            m = min(n, TAKE_S * RATE - offset)
            out[at - start : at - start + m] = level(k * SEED + offset, m) / 32768
        at += n
    return out


def write_project(path: Path, takes: list[tuple[np.ndarray, int]], rate: int = RATE) -> None:
    """A project of one-sentence paragraphs, each with a chosen take of the given audio."""
    editor = ProjectEditor(new_project("Long", "tone-alto"))
    text = "\n\n".join(f"Sentence number {k}." for k in range(len(takes)))
    editor.paste(editor.project.chapters[0].chapter_id, 0, text)
    project = replace(editor.project, export=ExportSettings(sample_rate=rate))
    with ProjectFile.create(path, project) as file:
        for k, block in enumerate(project.blocks):
            segment = block.segments[0]
            samples, take_rate = takes[k]
            take_id = f"take{k}"
            file.put_audio(take_id, samples, take_rate)
            take = SegmentTake(take_id, segment_key(project, block, segment), segment.text,
                               len(samples) / take_rate, take_rate, "tone-alto")  # fmt: skip
            project = add_take(project, segment.segment_id, take)
        file.save(project)


@pytest.fixture
def sd() -> FakeSoundDevice:
    return FakeSoundDevice()


@pytest.fixture
def parts(qtbot, tmp_path: Path, sd: FakeSoundDevice, bus) -> Iterator[tuple]:
    """(project service, read-along player, playback service, audio player)."""
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    projects = ProjectService(settings, bus)
    player = AudioPlayer(backend=sd)
    playback = PlaybackService(player, bus)
    reader = ProjectPlayer(projects, playback, bus)
    try:
        yield projects, reader, playback, player
    finally:
        playback.shutdown()
        projects.shutdown()


def open_project(qtbot, projects: ProjectService, path: Path) -> None:
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.open(path)


def wait_run_at(qtbot, player: AudioPlayer, frame: int) -> None:
    """Wait until the player's stream restarted at `frame` (a seek or jump landed)."""
    qtbot.wait_until(
        lambda: (
            player.output.run is not None
            and player.output.run.start == frame
            and player.output.active
        ),
        timeout=5000,
    )


def hear_from(listener: Listener, start: int, seconds: int) -> None:
    """After a (re)start: the lead-in's silence, then `seconds` of the programme from `start`,
    checked a second at a time (so the test's own arrays stay small beside the bound)."""
    assert not listener.hear(LEAD_IN).any()
    for s in range(seconds):
        heard = listener.hear(RATE)
        np.testing.assert_array_equal(heard, expected(start + s * RATE, RATE))


@pytest.mark.slow
def test_a_21_minute_project_plays_in_bounded_memory(qtbot, tmp_path: Path, sd, parts) -> None:
    """120 takes of 10 s with their pauses (21 min; 40 MB as float samples) play from the
    player's window: Python's allocations stay flat, takes join without a gap, the pauses are
    silent, and a click-to-jump or a seek is heard from exactly where the timeline says."""
    count = 120
    path = tmp_path / "Long.wavesproj"
    write_project(path, [(take_audio(k), RATE) for k in range(count)])
    projects, reader, playback, player = parts
    open_project(qtbot, projects, path)
    segments = [s.segment_id for s in projects.project.segments()]  # type: ignore[union-attr]
    total = count * PERIOD
    listener = Listener(qtbot, sd, player)
    with peak_rise() as rise:
        with qtbot.wait_signal(reader.segment_changed, timeout=5000) as started:
            reader.play_from(segments[0])
        assert started.args == [segments[0]]
        hear_from(listener, 0, 25)  # two takes, their pauses, into the third
        started_peak = rise.now()
        assert started_peak < BOUND, f"{started_peak / 2**20:.1f} MB allocated to start"

        with qtbot.wait_signal(reader.segment_changed, timeout=3000) as jumped:
            reader.play_from(segments[100])  # a click on sentence 100 while playing
        assert jumped.args == [segments[100]]
        wait_run_at(qtbot, player, 100 * PERIOD)
        hear_from(listener, 100 * PERIOD, 12)  # take 100, its pause, into take 101

        playback.seek(50 * PERIOD / RATE + 5.0)  # the transport's seek, mid-take
        wait_run_at(qtbot, player, 50 * PERIOD + 40000)
        hear_from(listener, 50 * PERIOD + 40000, 4)
        qtbot.wait_until(lambda: reader.current == segments[50], timeout=3000)
    peak = rise.rise
    print(f"peak rise {peak / 2**20:.1f} MB")
    assert player.duration_s == pytest.approx(total / RATE)  # the whole project, no cap
    clip = player._clip
    assert clip is not None and clip.ring and len(clip.data) == int((WINDOW_S + KEEP_S) * RATE)
    assert peak < BOUND, f"{peak / 2**20:.1f} MB allocated at the peak"

    playback.seek(total / RATE - 1.0)  # the end finishes the programme and the highlight
    wait_run_at(qtbot, player, total - RATE)
    with qtbot.wait_signal(reader.segment_changed, timeout=5000) as ended:
        sd.stream.pump_all(RATE // 10)
    assert ended.args == [""]
    assert player.state is PlaybackState.FINISHED
    assert player.position_s == pytest.approx(total / RATE)


def test_takes_at_another_rate_are_resampled_in_place(qtbot, tmp_path: Path, sd, parts) -> None:
    """A take rendered at 16 kHz in an 8 kHz project plays resampled, exactly as long as the
    timeline says, and the take after it starts on the sample the timeline says."""
    t = np.arange(2 * 16000) / 16000
    tone = np.round(0.5 * np.sin(2 * np.pi * 440 * t) * 32768) / 32768
    path = tmp_path / "Rates.wavesproj"
    write_project(path, [(take_audio(0), RATE), (tone.astype(np.float32), 16000),
                         (take_audio(2), RATE)])  # fmt: skip
    projects, reader, _playback, player = parts
    open_project(qtbot, projects, path)
    segments = [s.segment_id for s in projects.project.segments()]  # type: ignore[union-attr]
    listener = Listener(qtbot, sd, player)
    with qtbot.wait_signal(reader.segment_changed, timeout=5000):
        reader.play_from(segments[1])  # from the resampled take
    wait_run_at(qtbot, player, PERIOD)
    heard = listener.hear(LEAD_IN + 2 * RATE + PAUSE + RATE)[LEAD_IN:]
    spectrum = np.abs(np.fft.rfft(heard[: 2 * RATE]))
    assert np.argmax(spectrum) / 2 == pytest.approx(440, abs=1)  # rfft bins of 0.5 Hz
    assert np.abs(heard[100 : 2 * RATE - 100]).max() == pytest.approx(0.5, abs=0.02)
    assert not heard[2 * RATE : 2 * RATE + PAUSE].any()
    np.testing.assert_array_equal(heard[2 * RATE + PAUSE :], take_audio(2, RATE))
    assert player.duration_s == pytest.approx((PERIOD + 2 * RATE + PAUSE + PERIOD) / RATE)


def test_a_damaged_take_plays_as_silence_and_says_which(qtbot, tmp_path: Path, sd, parts, bus):
    """A take whose stored audio is damaged is silence for its length (the next one keeps its
    place) and a warning names the sentence, instead of stopping the whole project."""
    path = tmp_path / "Damaged.wavesproj"
    write_project(path, [(take_audio(k, RATE), RATE) for k in range(3)])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE audio SET flac = ? WHERE take_id = 'take1'", (b"fLaC garbage",))
    conn.close()
    projects, reader, _playback, player = parts
    open_project(qtbot, projects, path)
    segments = [s.segment_id for s in projects.project.segments()]  # type: ignore[union-attr]
    listener = Listener(qtbot, sd, player)
    with qtbot.wait_signal(reader.segment_changed, timeout=5000):
        reader.play_from(segments[0])
    period = RATE + PAUSE
    heard = listener.hear(LEAD_IN + 3 * period)[LEAD_IN:]
    np.testing.assert_array_equal(heard[:RATE], take_audio(0, RATE))
    assert not heard[period : 2 * period].any()
    np.testing.assert_array_equal(heard[2 * period : 2 * period + RATE], take_audio(2, RATE))
    qtbot.wait_until(lambda: any("cannot be read" in m.text for m in bus.seen), timeout=3000)
    warning = next(m for m in bus.seen if "cannot be read" in m.text)
    assert "“Sentence number 1.”" in warning.text and "Regenerate it" in warning.text


def test_save_as_plays_on_from_the_copy_and_close_stops(qtbot, tmp_path: Path, sd, parts) -> None:
    """Save As while playing carries on from the copy (takes read after it are exact); closing
    the project stops its playback and clears the highlight."""
    path = tmp_path / "Moved.wavesproj"
    write_project(path, [(take_audio(k), RATE) for k in range(6)])  # 63 s: twice the window
    projects, reader, _playback, player = parts
    open_project(qtbot, projects, path)
    segments = [s.segment_id for s in projects.project.segments()]  # type: ignore[union-attr]
    listener = Listener(qtbot, sd, player)
    with qtbot.wait_signal(reader.segment_changed, timeout=5000):
        reader.play_from(segments[0])
    hear_from(listener, 0, 1)
    old = projects.file
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.save_as(tmp_path / "Copy.wavesproj")
    assert projects.file is not old and reader.playing
    for s in range(1, 6 * PERIOD // RATE):  # the window held 32 s: the rest reads from the copy
        np.testing.assert_array_equal(listener.hear(RATE), expected(s * RATE, RATE))
    with qtbot.wait_signal(reader.segment_changed, timeout=3000) as cleared:
        projects.close()
    assert cleared.args == [""]
    qtbot.wait_until(lambda: player.state is PlaybackState.STOPPED, timeout=3000)


def test_a_click_while_paused_plays_from_that_sentence(qtbot, tmp_path: Path, sd, parts) -> None:
    """Paused, a click on a sentence is "play from here": it jumps there and plays."""
    path = tmp_path / "Paused.wavesproj"
    write_project(path, [(take_audio(k), RATE) for k in range(4)])
    projects, reader, playback, player = parts
    open_project(qtbot, projects, path)
    segments = [s.segment_id for s in projects.project.segments()]  # type: ignore[union-attr]
    listener = Listener(qtbot, sd, player)
    with qtbot.wait_signal(reader.segment_changed, timeout=5000):
        reader.play_from(segments[0])
    hear_from(listener, 0, 1)
    qtbot.wait_until(lambda: playback.state == "playing", timeout=3000)  # as the user sees it
    playback.toggle_pause()  # Space
    qtbot.wait_until(lambda: playback.state == "paused", timeout=3000)
    with qtbot.wait_signal(reader.segment_changed, timeout=3000) as jumped:
        reader.play_from(segments[2])
    assert jumped.args == [segments[2]]
    wait_run_at(qtbot, player, 2 * PERIOD)
    hear_from(listener, 2 * PERIOD, 2)
    qtbot.wait_until(lambda: playback.state == "playing", timeout=3000)
