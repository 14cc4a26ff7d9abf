"""Decode any audio file FFmpeg reads (M4A/AAC, WebM/Opus, Ogg, MP3, FLAC, WAV) in one pass."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from studio.audio import codecs
from studio.core.errors import DecodeError

# Longer recordings are refused rather than decoded into memory (voice samples are seconds).
MAX_SECONDS = 30 * 60


def decode_file(
    path: str | os.PathLike[str], max_seconds: float = MAX_SECONDS
) -> tuple[codecs.FloatArray, int]:
    """Decode the first audio stream of a media file to mono float32 at its own rate.

    Voice-clone samples arrive as M4A, WebM or Opus recordings; FFmpeg (through PyAV) reads
    them all, trimming the codec's start padding as its demuxer declares it.

    Returns:
        (samples, sample_rate): mono float32 in [-1, 1], and the stream's rate in Hz.

    Raises:
        DecodeError: the file is missing, unreadable, has no audio stream, is corrupt, or is
            longer than `max_seconds`.
    """
    import av

    name = Path(path).name
    try:
        container = av.open(str(path), "r")
    except FileNotFoundError as exc:
        raise DecodeError(f"The audio file {name} does not exist.") from exc
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise DecodeError(f"{name} is not an audio file FFmpeg can read.") from exc
    with container:
        if not container.streams.audio:
            raise DecodeError(f"{name} holds no audio stream.")
        stream = container.streams.audio[0]
        # Planar float mono at the stream's own rate: FFmpeg downmixes any channel layout.
        resampler = av.AudioResampler(format="flt", layout="mono", rate=stream.rate)
        parts: list[np.ndarray] = []
        total, limit = 0, int(max_seconds * stream.rate)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    parts.append(out.to_ndarray().reshape(-1))
                    total += len(parts[-1])
                if total > limit:
                    raise DecodeError(
                        f"{name} is longer than {max_seconds / 60:.0f} minutes; use a shorter "
                        "recording."
                    )
            for out in resampler.resample(None):
                parts.append(out.to_ndarray().reshape(-1))
        except (av.FFmpegError, ValueError) as exc:
            raise DecodeError(f"{name} is corrupt and could not be decoded.") from exc
    if not parts or not sum(len(p) for p in parts):
        raise DecodeError(f"{name} holds no audio.")
    samples = np.clip(np.concatenate(parts), -1.0, 1.0).astype(np.float32, copy=False)
    return samples, int(stream.rate)
