"""Tests for studio/audio/mixdown.py: formats, timeline, click-free joins, loudness, atomicity."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.audio import codecs
from studio.audio.levels import integrated_loudness, true_peak
from studio.audio.loudstream import LoudnessMeter
from studio.audio.mixdown import MixOptions, Part, mixdown
from studio.core.errors import DecodeError, ExportError, FileExistsExportError

RATE = 24000


def tone(freq: float, seconds: float, phase: float = 0.3, amp: float = 0.5) -> np.ndarray:
    """A sine that starts and ends mid-wave (a butt join of two of them clicks)."""
    t = np.arange(int(seconds * RATE)) / RATE
    return (amp * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def speechlike(seconds: float, seed: int, amp: float = 0.2) -> np.ndarray:
    """A voiced-speech stand-in: harmonics of a 150 Hz voice under a 4 Hz syllable envelope
    (a crest factor like speech's, so a -16 LUFS target fits under a -1 dBTP ceiling)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    env = np.maximum(0.0, np.sin(2 * np.pi * 4 * t + seed)) ** 2
    voice = sum(np.sin(2 * np.pi * 150 * k * t + rng.uniform(0, 6)) / k for k in range(1, 6))
    return (amp * env * voice).astype(np.float32)


def read_back(path: Path, fmt: str, rate: int) -> np.ndarray:
    """Decode the saved file with the format's own reader."""
    data = path.read_bytes()
    if fmt == "pcm":
        return codecs.pcm16_to_float(data)
    if fmt in ("ulaw", "alaw"):
        return codecs.ulaw_to_float(data) if fmt == "ulaw" else codecs.alaw_to_float(data)
    x, sr = soundfile.read(path, dtype="float32")
    assert sr == rate
    return x


@pytest.mark.parametrize("fmt", ["wav", "wav_float", "flac", "ogg", "mp3", "pcm", "ulaw", "alaw"])
def test_every_format_reads_back_with_the_timeline_length(tmp_path: Path, fmt: str) -> None:
    """Each format's file decodes to (about) the frames the timeline reports, at the asked rate."""
    parts = [Part(tone(300, 0.5), RATE, pause_after_s=0.25), Part(tone(500, 0.5), RATE)]
    result = mixdown(parts, tmp_path / f"mix.{fmt}", MixOptions(fmt, sample_rate=32000))
    x = read_back(result.path, fmt, 32000)
    expected = 32000 * 1.25
    assert result.frames == pytest.approx(expected, abs=4)
    slack = 2400 if fmt in ("mp3", "ogg") else 0  # encoder padding
    assert result.frames <= len(x) <= result.frames + slack


def test_timeline_places_parts_with_pauses_and_crossfades(tmp_path: Path) -> None:
    """Spans follow the parts' lengths, pauses and the crossfade overlap exactly."""
    parts = [
        Part(tone(200, 1.0), RATE, pause_after_s=0.5),
        Part(tone(300, 1.0), RATE),  # no pause: crossfaded into the next
        Part(tone(400, 1.0), RATE, pause_after_s=0.1),
    ]
    options = MixOptions("wav", sample_rate=RATE, join_ms=20)
    result = mixdown(parts, tmp_path / "m.wav", options)
    overlap = int(0.02 * RATE)
    assert [(s.start, s.end) for s in result.spans] == [
        (0, RATE),
        (RATE + RATE // 2, 2 * RATE + RATE // 2),
        (2 * RATE + RATE // 2 - overlap, 3 * RATE + RATE // 2 - overlap),
    ]
    assert result.frames == 3 * RATE + RATE // 2 - overlap + int(0.1 * RATE)


def test_absolute_starts_are_kept_and_an_overrun_is_pushed_later(tmp_path: Path) -> None:
    """Timed parts start at their cue; one that would overlap the previous part starts after it."""
    parts = [
        Part(tone(200, 1.0), RATE, start_s=0.5),
        Part(tone(300, 1.0), RATE, start_s=2.0),
        Part(tone(400, 1.0), RATE, start_s=2.5),  # the previous one ends at 3.0
    ]
    result = mixdown(parts, tmp_path / "m.wav", MixOptions("wav", sample_rate=RATE, join_ms=0))
    assert [s.start for s in result.spans] == [RATE // 2, 2 * RATE, 3 * RATE]


def test_parts_are_resampled_from_files_and_memory(tmp_path: Path) -> None:
    """A 16 kHz WAV file and 48 kHz samples land in a 44.1 kHz mix at their true lengths."""
    source = tmp_path / "take.wav"
    source.write_bytes(codecs.wav_bytes(np.zeros(16000, dtype=np.float32) + 0.1, 16000))
    t = np.arange(48000) / 48000
    parts = [Part(source), Part((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 48000)]
    result = mixdown(parts, tmp_path / "m.flac", MixOptions("flac", 44100, join_ms=0))
    assert [s.end - s.start for s in result.spans] == [44100, 44100]
    x, _ = soundfile.read(result.path, dtype="float32")
    spectrum = np.abs(np.fft.rfft(x[44100 + 1000 : 44100 + 1000 + 32768]))
    assert np.argmax(spectrum) * 44100 / 32768 == pytest.approx(440, abs=3)


def _max_jump(x: np.ndarray, at: int, radius: int) -> float:
    return float(np.max(np.abs(np.diff(x[max(0, at - radius) : at + radius]))))


@pytest.mark.parametrize("mode", ["crossfade", "zero"])
@pytest.mark.parametrize("pause", [0.0, 0.2])
def test_no_discontinuity_spike_at_any_join(tmp_path: Path, mode: str, pause: float) -> None:
    """At every join the sample-to-sample step stays within the signals' own slope."""
    freqs = [220.0, 330.0, 277.0, 415.0]
    parts = [
        Part(tone(f, 0.37 + 0.01 * i, phase=1.0 + i), RATE, pause) for i, f in enumerate(freqs)
    ]
    slope = max(2 * np.pi * f * 0.5 / RATE for f in freqs)
    result = mixdown(parts, tmp_path / "m.wav", MixOptions("wav_float", RATE, 10, mode))
    x, _ = soundfile.read(result.path, dtype="float32")
    joins = [s.start for s in result.spans] + [s.end for s in result.spans]
    for at in joins:
        assert _max_jump(x, at, int(0.03 * RATE)) <= 2.0 * slope, at


def test_a_butt_join_does_click(tmp_path: Path) -> None:
    """The spike detector sees the click a 0 ms join makes (so the test above can fail)."""
    parts = [Part(tone(220, 0.37, phase=1.0), RATE), Part(tone(330, 0.38, phase=2.0), RATE)]
    slope = 2 * np.pi * 330 * 0.5 / RATE
    result = mixdown(parts, tmp_path / "m.wav", MixOptions("wav_float", RATE, 0))
    x, _ = soundfile.read(result.path, dtype="float32")
    assert _max_jump(x, result.spans[1].start, 10) > 5 * slope


def test_streaming_meter_matches_pyloudnorm() -> None:
    """Fed in odd-sized blocks, the meter agrees with the whole-array measurement."""
    x = np.concatenate([speechlike(3.0, 1), np.zeros(RATE, np.float32), speechlike(4.0, 2, 0.05)])
    meter = LoudnessMeter(RATE)
    for at in range(0, len(x), 3001):
        meter.feed(x[at : at + 3001])
    assert meter.integrated() == pytest.approx(integrated_loudness(x, RATE), abs=0.05)


@pytest.mark.parametrize("target", [-16.0, -23.0, -19.0])
def test_loudness_target_reached_on_the_whole_mix(tmp_path: Path, target: float) -> None:
    """The saved mix measures at the target, whatever the parts' own levels."""
    parts = [Part(speechlike(3.0, i, amp), RATE, 0.3) for i, amp in enumerate((0.02, 0.3, 0.1))]
    options = MixOptions("wav_float", RATE, target_lufs=target, true_peak_db=-1.0)
    result = mixdown(parts, tmp_path / "m.wav", options)
    x, _ = soundfile.read(result.path, dtype="float32")
    assert integrated_loudness(x, RATE) == pytest.approx(target, abs=0.5)
    assert 20 * np.log10(true_peak(x, RATE)) <= -1.0 + 0.1


def test_true_peak_ceiling_holds_when_the_gain_would_clip(tmp_path: Path) -> None:
    """A peaky mix pushed to -16 LUFS is limited: true peak under -1 dBTP, loudness kept."""
    x = speechlike(6.0, 7, 0.05)
    x[::24000] = 0.5  # sparse clicks: little energy, but peaks the gain would push past 0 dBFS
    options = MixOptions("wav_float", RATE, target_lufs=-16.0, true_peak_db=-1.0)
    result = mixdown([Part(x, RATE)], tmp_path / "m.wav", options)
    y, _ = soundfile.read(result.path, dtype="float32")
    assert result.limited
    assert len(y) == len(x)
    assert 20 * np.log10(true_peak(y, RATE)) <= -1.0 + 0.1
    assert integrated_loudness(y, RATE) == pytest.approx(-16.0, abs=1.0)


def test_a_failed_part_leaves_no_file_and_no_temp(tmp_path: Path) -> None:
    """A part that cannot be decoded aborts the save: nothing appears in the folder."""
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunk")
    parts = [Part(tone(200, 0.5), RATE), Part(bad)]
    with pytest.raises(DecodeError):
        mixdown(parts, tmp_path / "m.wav", MixOptions("wav", RATE))
    assert sorted(os.listdir(tmp_path)) == ["bad.wav"]


def test_existing_file_is_not_replaced_without_overwrite(tmp_path: Path) -> None:
    """Without overwrite an existing file is refused and kept as it was."""
    target = tmp_path / "m.wav"
    target.write_bytes(b"keep")
    with pytest.raises(FileExistsExportError):
        mixdown([Part(tone(200, 0.1), RATE)], target, MixOptions("wav", RATE))
    assert target.read_bytes() == b"keep"
    mixdown([Part(tone(200, 0.1), RATE)], target, MixOptions("wav", RATE, overwrite=True))
    assert soundfile.info(target).frames == int(0.1 * RATE)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (MixOptions(join_ms=60), "0–50 ms"),
        (MixOptions(join_mode="wobble"), "join mode"),
        (MixOptions(export_format="aiff"), "Cannot save as"),
    ],
)
def test_bad_options_are_refused_clearly(tmp_path: Path, options: MixOptions, message: str) -> None:
    """Join length, mode and format are checked with a message that says what is allowed."""
    with pytest.raises(ExportError, match=message):
        mixdown([Part(tone(200, 0.1), RATE)], tmp_path / "m.x", options)
    assert os.listdir(tmp_path) == []


def test_float_wav_has_its_fact_chunk_and_paths_may_be_strings(tmp_path: Path) -> None:
    """Float WAV carries the fact chunk non-PCM WAV needs; a part given as a str path works."""
    source = tmp_path / "take.wav"
    source.write_bytes(codecs.wav_bytes(np.full(RATE, 0.25, np.float32), RATE))
    result = mixdown([Part(str(source))], tmp_path / "m.wav", MixOptions("wav_float", RATE, 0))
    data = result.path.read_bytes()
    assert data[38:42] == b"fact" and int.from_bytes(data[46:50], "little") == RATE
    x, _ = soundfile.read(result.path, dtype="float32")
    assert len(x) == RATE and x[RATE // 2] == pytest.approx(0.25, abs=1e-4)


@pytest.mark.parametrize(("rate", "bitrate"), [(16000, 320), (8000, 128), (48000, 0)])
def test_mp3_bitrate_is_held_to_what_the_rate_allows(
    tmp_path: Path, rate: int, bitrate: int
) -> None:
    """MPEG-2/2.5 rates take their highest bitrate instead of failing; VBR works too."""
    options = MixOptions("mp3", rate, bitrate=bitrate)
    result = mixdown([Part(tone(300, 1.0), RATE)], tmp_path / "m.mp3", options)
    assert soundfile.info(result.path).samplerate == rate


def test_progress_is_reported_and_cancel_leaves_nothing(tmp_path: Path) -> None:
    """Progress rises to 1.0 over both loudness passes; a cancel mid-way removes the temp file."""
    import threading

    from studio.core.errors import CancelledError

    parts = [Part(tone(200 + i, 0.2), RATE) for i in range(4)]
    seen: list[float] = []
    options = MixOptions("wav", RATE, target_lufs=-16.0)
    mixdown(parts, tmp_path / "a.wav", options, progress=seen.append)
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] == 1.0 and len(seen) == 9
    cancel = threading.Event()

    def stop_half_way(fraction: float) -> None:
        if fraction >= 0.5:
            cancel.set()

    with pytest.raises(CancelledError):
        mixdown(parts, tmp_path / "b.wav", options, progress=stop_half_way, cancel=cancel)
    assert sorted(os.listdir(tmp_path)) == ["a.wav"]


def test_a_timed_part_that_abuts_the_previous_one_keeps_its_start(tmp_path: Path) -> None:
    """No crossfade pulls a part with an absolute start earlier, even when parts touch."""
    parts = [Part(tone(200, 1.0), RATE, start_s=0.0), Part(tone(300, 1.0), RATE, start_s=1.0)]
    result = mixdown(parts, tmp_path / "m.wav", MixOptions("wav", RATE, join_ms=20))
    assert [s.start for s in result.spans] == [0, RATE]
