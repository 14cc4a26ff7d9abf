"""Save clips as WAV, FLAC, Ogg Vorbis, MP3 or raw PCM/G.711, atomically, keeping original bytes."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

from studio.audio import codecs
from studio.audio.atomic import write_atomically
from studio.audio.decode import decode
from studio.audio.filenames import suggest_file_name
from studio.audio.formats import EXPORT_FORMATS, check_format, file_extension
from studio.audio.levels import normalize_loudness, trim_silence
from studio.audio.mp3frames import id3v2_size, parse_header, parse_info_tag
from studio.audio.wav import UNKNOWN_SIZES
from studio.core.errors import ExportError
from studio.core.models import AudioClip

_SOUNDFILE_FORMATS = {"flac": ("FLAC", "PCM_16"), "ogg": ("OGG", "VORBIS")}

__all__ = [
    "EXPORT_FORMATS",
    "encode_for_export",
    "export_audio",
    "export_clip",
    "file_extension",
    "suggest_file_name",
]


_check_format = check_format


def encode_for_export(samples: npt.ArrayLike, sample_rate: int, export_format: str) -> bytes:
    """Encode mono float samples as a complete file in `export_format`.

    wav: 16-bit PCM; wav_float: 32-bit IEEE float (with the fact chunk non-PCM WAV needs);
    flac: 16-bit; ogg: Vorbis; mp3: LAME; pcm, ulaw, alaw: headerless, at `sample_rate`.
    """
    _check_format(export_format)
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    if export_format == "wav_float":
        return _float_wav(x, sample_rate)
    if export_format in _SOUNDFILE_FORMATS:
        import soundfile

        container, subtype = _SOUNDFILE_FORMATS[export_format]
        buffer = io.BytesIO()
        try:
            soundfile.write(
                buffer, np.clip(x, -1.0, 1.0), sample_rate, subtype=subtype, format=container
            )
        except (RuntimeError, ValueError) as exc:  # LibsndfileError is a RuntimeError
            raise ExportError(f"Could not encode the clip as {export_format}: {exc}") from exc
        return buffer.getvalue()
    return codecs.encode(x, export_format, sample_rate)


def _float_wav(x: npt.NDArray[np.float32], sample_rate: int) -> bytes:
    return codecs.float_wav_header(sample_rate, len(x)) + x.astype("<f4").tobytes()


def export_audio(
    samples: npt.ArrayLike,
    sample_rate: int,
    path: str | os.PathLike[str],
    export_format: str,
    *,
    overwrite: bool = False,
    target_lufs: float | None = None,
    true_peak_db: float = -1.0,
    trim: bool = False,
) -> Path:
    """Save decoded samples to `path` in `export_format`, atomically.

    Args:
        samples: Mono float32 samples.
        sample_rate: Their rate in Hz (kept: no resampling).
        path: The target file.
        export_format: One of EXPORT_FORMATS.
        overwrite: Replace an existing file (the caller asked the user first).
        target_lufs: Normalise to this integrated loudness; None leaves the level alone.
        true_peak_db: The true-peak ceiling (dBTP) normalisation never exceeds.
        trim: Cut silence at the start and end (never inside the speech).

    Returns:
        The saved path.

    Raises:
        FileExistsExportError: the file exists and `overwrite` is False.
        ExportError: bad format, no permission, disk full, missing folder…
    """
    target = Path(path)
    x = processed(samples, sample_rate, target_lufs, true_peak_db, trim)
    data = encode_for_export(x, sample_rate, export_format)
    write_atomically(target, [data], overwrite=overwrite)
    return target


def processed(
    samples: npt.ArrayLike,
    sample_rate: int,
    target_lufs: float | None,
    true_peak_db: float,
    trim: bool,
) -> npt.NDArray[np.float32]:
    """Mono float32 samples with the save's options applied: trimmed, then normalised."""
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    if trim:
        x = trim_silence(x, sample_rate)
    if target_lufs is not None:
        x = normalize_loudness(x, sample_rate, target_lufs, true_peak_db)
    return x


def export_clip(
    clip: AudioClip,
    path: str | os.PathLike[str],
    export_format: str,
    *,
    overwrite: bool = False,
    target_lufs: float | None = None,
    true_peak_db: float = -1.0,
    trim: bool = False,
) -> Path:
    """Save a clip. In the format it was rendered in, with no processing, its bytes are kept.

    A WAV clip whose header has streaming placeholder sizes gets its size fields patched
    (the audio bytes are untouched). A clip made of several WAV files or MP3 streams one
    after another (several requests, or streamed chunks) is rewritten as one file, because
    players stop at the first file's end or trust the first MP3 header's frame count.

    Raises:
        DecodeError: the clip's bytes are corrupt.
        FileExistsExportError, ExportError: as for export_audio.
    """
    _check_format(export_format)
    target = Path(path)
    # Decoded once: it refuses corrupt audio even when the bytes are kept, and it is what a
    # rewrite encodes.
    audio = decode(clip.data, clip.output_format, clip.sample_rate)
    if export_format == clip.output_format and target_lufs is None and not trim:
        original = _original_bytes(clip)
        if original is not None:
            write_atomically(target, [original], overwrite=overwrite)
            return target
    return export_audio(
        audio.samples,
        audio.sample_rate,
        target,
        export_format,
        overwrite=overwrite,
        target_lufs=target_lufs,
        true_peak_db=true_peak_db,
        trim=trim,
    )


def _original_bytes(clip: AudioClip) -> bytes | None:
    """The clip's bytes as a single well-formed file, or None when it must be rewritten."""
    if clip.output_format == "wav":
        return _single_wav(clip.data)
    if clip.output_format == "mp3":
        return clip.data if _mp3_streams(clip.data) <= 1 else None
    return clip.data


_NEXT_WAV = re.compile(rb"RIFF....WAVE", re.DOTALL)


def _single_wav(data: bytes) -> bytes | None:
    """One WAV file with correct size fields (patched if they were placeholders), or None."""
    at = 12
    while at + 8 <= len(data):
        chunk_id, size = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
        if chunk_id == b"data":
            if size in UNKNOWN_SIZES:
                if _NEXT_WAV.search(data, at + 8):
                    return None  # several streamed files: rebuild from the samples
                size = len(data) - at - 8
            end = at + 8 + size + (size & 1)
            if end > len(data) or _NEXT_WAV.match(data, end):
                return None
            patched = bytearray(data)
            patched[4:8] = (len(data) - 8).to_bytes(4, "little")
            patched[at + 4 : at + 8] = size.to_bytes(4, "little")
            return bytes(patched)
        at += 8 + size + (size & 1)
    return None


def _mp3_streams(data: bytes) -> int:
    """How many Xing/Info headers (independently encoded streams) the MP3 bytes hold."""
    streams, at = 0, 0
    while at + 4 <= len(data):
        tag = id3v2_size(data, at)
        header = parse_header(data, at)
        if tag:
            at += tag
        elif header is not None:
            streams += parse_info_tag(data[at : at + header.length], header) is not None
            at += header.length
        else:
            at += 1  # an ID3v1 tag; decode() above vouched for the rest
    return streams
