"""Saved clips open in sox with the right rate, channels and length; original bytes are kept."""

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.audio import codecs
from studio.audio.decode import decode
from studio.audio.export import EXPORT_FORMATS, export_audio, export_clip, file_extension
from studio.audio.levels import integrated_loudness
from studio.core.errors import DecodeError, ExportError, FileExistsExportError
from studio.core.models import AudioClip
from tests.audio.signals import RATES, sine, snr_db, speech_like

RAW_SOX_TYPES = {
    "pcm": ["-t", "raw", "-e", "signed", "-b", "16"],
    "ulaw": ["-t", "ul"],
    "alaw": ["-t", "al"],
}


def sox_info(path: Path, export_format: str, rate: int) -> tuple[int, int, int]:
    """(rate, channels, samples) as sox sees the file; raw files get their layout from us."""
    if export_format in RAW_SOX_TYPES:
        args = ["sox", *RAW_SOX_TYPES[export_format], "-r", str(rate), "-c", "1", str(path)]
        out = subprocess.run([*args, "-n", "stat"], capture_output=True, text=True, check=True)
        samples = int(re.search(r"Samples read:\s+(\d+)", out.stderr).group(1))  # type: ignore[union-attr]
        return rate, 1, samples
    info = [
        subprocess.run(["soxi", flag, str(path)], capture_output=True, text=True, check=True)
        for flag in ("-r", "-c", "-s")
    ]
    assert all(not i.stderr for i in info), info  # no "header missing…" warnings either
    return int(info[0].stdout), int(info[1].stdout), int(info[2].stdout)


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("export_format", EXPORT_FORMATS)
def test_every_format_opens_in_sox_with_the_right_layout(
    tmp_path: Path, export_format: str, rate: int
) -> None:
    """One second at each contract rate saves as a mono file of one second at that rate."""
    path = tmp_path / f"clip.{file_extension(export_format)}"
    export_audio(sine(440, 1.0, rate), rate, path, export_format)
    got_rate, channels, samples = sox_info(path, export_format, rate)
    assert (got_rate, channels) == (rate, 1)
    # sox's MP3 reader ignores the LAME gapless tag: it adds the codec delay and padding.
    tolerance = 3 * 1152 if export_format == "mp3" else 0
    assert rate <= samples <= rate + tolerance


@pytest.mark.parametrize("fmt", ["pcm", "ulaw", "alaw", "wav", "mp3"])
def test_saving_in_the_rendered_format_keeps_the_original_bytes(tmp_path: Path, fmt: str) -> None:
    """No re-encode: the file is byte-for-byte what the API sent."""
    data = codecs.encode(speech_like(0.5, 24000), fmt, 24000)
    path = export_clip(AudioClip(data, fmt, 24000), tmp_path / f"take.{fmt}", fmt)
    assert path.read_bytes() == data


def test_a_streaming_wav_header_gets_real_sizes_and_nothing_else_changes(tmp_path: Path) -> None:
    """The 0xFFFFFFFF size fields are patched; the audio bytes stay as they were."""
    pcm = codecs.float_to_pcm16(sine(440, 0.5, 16000))
    data = codecs.wav_header(16000, None) + pcm
    saved = export_clip(AudioClip(data, "wav", 16000), tmp_path / "s.wav", "wav").read_bytes()
    assert saved == codecs.wav_header(16000, len(pcm)) + pcm
    assert sox_info(tmp_path / "s.wav", "wav", 16000) == (16000, 1, 8000)


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_a_clip_of_several_files_is_saved_as_one_file(tmp_path: Path, fmt: str) -> None:
    """Per-chunk framed WAV or MP3 becomes one file whose header covers all the audio."""
    tone = sine(440, 1.5, 24000)
    data = b"".join(codecs.encode(part, fmt, 24000) for part in np.array_split(tone, 3))
    path = export_clip(AudioClip(data, fmt, 24000), tmp_path / f"joined.{fmt}", fmt)
    rate, _, samples = sox_info(path, fmt, 24000)
    assert rate == 24000
    assert len(tone) <= samples <= len(tone) + (3 * 1152 if fmt == "mp3" else 0)
    assert decode(path.read_bytes(), fmt, 24000).duration_s == pytest.approx(1.5, abs=0.001)


def test_converting_wav_to_flac_is_lossless(tmp_path: Path) -> None:
    """16-bit audio saved as FLAC decodes to the very same samples."""
    data = codecs.encode(speech_like(0.5, 16000), "wav", 16000)
    path = export_clip(AudioClip(data, "wav", 16000), tmp_path / "t.flac", "flac")
    flac, rate = soundfile.read(path, dtype="float32")
    assert rate == 16000
    np.testing.assert_array_equal(flac, decode(data, "wav", 16000).samples)


def test_wav_float_keeps_samples_beyond_16_bits(tmp_path: Path) -> None:
    """32-bit float WAV stores the decoded floats exactly."""
    tone = sine(440, 0.5, 8000) * np.float32(0.001)
    path = export_audio(tone, 8000, tmp_path / "f.wav", "wav_float")
    saved, _ = soundfile.read(path, dtype="float32")
    np.testing.assert_array_equal(saved, tone)


def test_normalising_reaches_the_target_and_reencodes(tmp_path: Path) -> None:
    """Asking for -16 LUFS changes the bytes and the loudness of the saved file."""
    quiet = 0.05 * speech_like(3.0, 24000)
    data = codecs.encode(quiet, "pcm", 24000)
    path = export_clip(AudioClip(data, "pcm", 24000), tmp_path / "n.pcm", "pcm", target_lufs=-16)
    assert path.read_bytes() != data
    saved = decode(path.read_bytes(), "pcm", 24000).samples
    assert integrated_loudness(saved, 24000) == pytest.approx(-16, abs=0.5)
    assert snr_db(saved / np.max(np.abs(saved)), quiet / np.max(np.abs(quiet))) > 40


def test_trim_removes_edge_silence(tmp_path: Path) -> None:
    """With trim on, a clip padded with two seconds of silence comes out shorter."""
    padded = np.concatenate(
        [np.zeros(16000, np.float32), sine(300, 0.5, 8000), np.zeros(8000, np.float32)]
    )
    path = export_audio(padded, 8000, tmp_path / "t.wav", "wav", trim=True)
    assert sox_info(path, "wav", 8000)[2] == pytest.approx(0.5 * 8000 + 0.3 * 8000, abs=200)


def test_an_existing_file_is_only_replaced_when_allowed(tmp_path: Path) -> None:
    """Without overwrite the old file survives and the error names it; with it, it is replaced."""
    target = tmp_path / "take.wav"
    target.write_bytes(b"precious")
    tone = sine(440, 0.1, 8000)
    with pytest.raises(FileExistsExportError) as caught:
        export_audio(tone, 8000, target, "wav")
    assert caught.value.path == str(target) and "already exists" in caught.value.user_message
    assert target.read_bytes() == b"precious"
    export_audio(tone, 8000, target, "wav", overwrite=True)
    assert target.read_bytes() == codecs.wav_bytes(tone, 8000)
    assert [p.name for p in tmp_path.iterdir()] == ["take.wav"]  # no temp file left


def test_unknown_formats_and_corrupt_clips_are_refused(tmp_path: Path) -> None:
    """A format outside the list is an ExportError; damaged audio is a DecodeError; no file."""
    with pytest.raises(ExportError, match="Choose one of"):
        export_audio(np.zeros(8), 8000, tmp_path / "x.aiff", "aiff")
    with pytest.raises(DecodeError):
        export_clip(AudioClip(b"\x01\x02\x03", "pcm", 8000), tmp_path / "x.pcm", "pcm")
    assert list(tmp_path.iterdir()) == []


def test_export_formats_match_the_settings_table() -> None:
    """The exporter offers exactly the formats Settings lets the user pick."""
    from studio.services.settings import EXPORT_FORMATS as SETTINGS_FORMATS

    assert tuple(SETTINGS_FORMATS) == EXPORT_FORMATS
    assert {file_extension(f) for f in EXPORT_FORMATS} == {
        "wav", "flac", "ogg", "mp3", "pcm", "ulaw", "alaw",
    }  # fmt: skip
