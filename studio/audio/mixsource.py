"""Read one mixdown part (a file the app decodes, or samples in memory) at the mix's rate."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from studio.audio.decode import StreamDecoder, decode
from studio.core.errors import DecodeError

FloatArray = npt.NDArray[np.float32]
BLOCK = 65536
READ_BYTES = 1 << 16
# Files whose bytes the app's own decoder reads (the contract's formats, including streamed
# WAVs with placeholder sizes); anything else goes through libsndfile (FLAC, Ogg…).
_APP_DECODED = {".wav": "wav", ".mp3": "mp3", ".pcm": "pcm", ".raw": "pcm", ".ulaw": "ulaw",
                ".alaw": "alaw"}  # fmt: skip


def load_part(
    source: str | os.PathLike[str] | npt.ArrayLike, source_rate: int | None, rate: int
) -> FloatArray:
    """The part's mono samples at `rate`.

    A part is held in memory once (takes are seconds to minutes); the mix never is. The
    resampling runs through soxr's streaming resampler in 64k-sample blocks.

    Raises:
        DecodeError: unreadable file, or a headerless source without a sample rate.
    """
    if isinstance(source, str | os.PathLike):
        samples, src_rate = _read_file(Path(source), source_rate)
    else:
        if not source_rate:
            raise DecodeError("Samples given in memory need their sample rate.")
        samples, src_rate = np.asarray(source, dtype=np.float32).reshape(-1), source_rate
    if src_rate == rate or samples.size == 0:
        return samples
    import soxr

    stream = soxr.ResampleStream(src_rate, rate, 1, dtype="float32", quality="HQ")
    out = [
        stream.resample_chunk(samples[at : at + BLOCK], last=at + BLOCK >= len(samples))
        for at in range(0, len(samples), BLOCK)
    ]
    return np.concatenate(out).astype(np.float32, copy=False)


def _read_file(path: Path, source_rate: int | None) -> tuple[FloatArray, int]:
    kind = _APP_DECODED.get(path.suffix.lower())
    try:
        if kind is not None:
            if kind in ("pcm", "ulaw", "alaw") and not source_rate:
                raise DecodeError(f"{path.name} has no header: give its sample rate.")
            audio = decode(path.read_bytes(), kind, source_rate or 24000)  # WAV/MP3: own rate
            return audio.samples, audio.sample_rate
        import soundfile

        data, src_rate = soundfile.read(path, dtype="float32", always_2d=True)
        return data.mean(axis=1).astype(np.float32), int(src_rate)
    except OSError as exc:
        raise DecodeError(f"Could not read {path.name}: {exc.strerror or exc}.") from exc
    except RuntimeError as exc:  # LibsndfileError
        raise DecodeError(f"Could not decode {path.name}: {exc}.") from exc


def iter_part(path: Path, source_rate: int | None, rate: int) -> Iterator[FloatArray]:
    """The file's mono samples at `rate`, a block at a time: memory stays flat whatever its
    length (the batch merged file joins hours of items this way).

    Raises:
        DecodeError: unreadable file, or a headerless file without a sample rate.
    """
    resampler: Any = None
    for block, src_rate in _file_blocks(path, source_rate):
        if src_rate == rate:
            yield block
            continue
        if resampler is None:
            import soxr

            resampler = soxr.ResampleStream(src_rate, rate, 1, dtype="float32", quality="HQ")
        out = resampler.resample_chunk(block)
        if out.size:
            yield out.astype(np.float32, copy=False)
    if resampler is not None:
        tail = resampler.resample_chunk(np.zeros(0, np.float32), last=True)
        if tail.size:
            yield tail.astype(np.float32, copy=False)


def _file_blocks(path: Path, source_rate: int | None) -> Iterator[tuple[FloatArray, int]]:
    """(mono block, its rate) as the file is read and decoded."""
    kind = _APP_DECODED.get(path.suffix.lower())
    if kind in ("pcm", "ulaw", "alaw") and not source_rate:
        raise DecodeError(f"{path.name} has no header: give its sample rate.")
    try:
        if kind is not None:
            decoder = StreamDecoder(kind, source_rate or 24000)  # WAV/MP3: their own rate
            with open(path, "rb") as handle:
                while data := handle.read(READ_BYTES):
                    block = decoder.feed(data)
                    if block.size:
                        yield block, decoder.sample_rate
            tail = decoder.finish()
            if tail.size:
                yield tail, decoder.sample_rate
            return
        import soundfile

        with soundfile.SoundFile(path) as sound:
            src_rate = int(sound.samplerate)
            while len(frames := sound.read(BLOCK, dtype="float32", always_2d=True)):
                yield np.ascontiguousarray(frames.mean(axis=1), dtype=np.float32), src_rate
    except OSError as exc:
        raise DecodeError(f"Could not read {path.name}: {exc.strerror or exc}.") from exc
    except RuntimeError as exc:  # LibsndfileError
        raise DecodeError(f"Could not decode {path.name}: {exc}.") from exc
