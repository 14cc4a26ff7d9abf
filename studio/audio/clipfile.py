"""Clips on disk: written piece by piece as a render arrives, read back in blocks.

A PCM or WAV render is kept as 16-bit FLAC (lossless: PCM16 comes back bit-exact, about half
the size); MP3, μ-law and A-law keep the server's bytes. Samples never pile up in memory: each
piece is written and summarised into peaks as it decodes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from studio.audio import codecs
from studio.audio.decode import StreamDecoder
from studio.audio.peaks import EnvelopeBuilder
from studio.core.errors import DecodeError, StoreError
from studio.core.render import ClipFile

FloatArray = codecs.FloatArray
KEEP_BYTES = ("mp3", "ulaw", "alaw")  # wire formats whose bytes are kept as they came
READ_BYTES = 1 << 16
BLOCK_FRAMES = 1 << 16
# Files read through libsndfile: the app's FLAC renders, and Ogg files (a batch's outputs).
SOUNDFILE_FORMATS = ("flac", "ogg")


def stored_format(output_format: str) -> str:
    """The file format a render in `output_format` is kept in."""
    return output_format if output_format in KEEP_BYTES else "flac"


class _Peaks:
    """The stored peaks of a stream of samples (see EnvelopeBuilder), and its length."""

    def __init__(self) -> None:
        self._builder: EnvelopeBuilder | None = None
        self._parts: list[np.ndarray] = []

    @property
    def frames(self) -> int:
        return self._builder.frames if self._builder is not None else 0

    def add(self, samples: FloatArray, rate: int) -> None:
        if self._builder is None:
            self._builder = EnvelopeBuilder(rate)
        pairs = self._builder.add(samples)
        if pairs.size:
            self._parts.append(pairs)

    def result(self) -> np.ndarray:
        parts = list(self._parts)
        if self._builder is not None:
            parts.append(self._builder.finish())
        flat = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        peaks = flat.reshape(-1, 2)
        peaks.flags.writeable = False
        return peaks


class ClipWriter:
    """Writes one render's audio to a file as its pieces arrive.

    Call `add_bytes` with each piece's wire bytes and `add_samples` with what they decode to,
    then `finish`. `abort` removes the file. Not thread-safe (one render, one thread).
    """

    def __init__(self, folder: Path, output_format: str) -> None:
        """Create the folder and (for kept bytes) the file.

        Raises:
            StoreError: the folder cannot be made or written (read-only, full, no access).
        """
        self.output_format = output_format
        self.file_format = stored_format(output_format)
        self.path = folder / f".{uuid.uuid4().hex}.{self.file_format}.partial"
        self._rate = 0
        self._peaks = _Peaks()
        self._sound: Any = None  # a soundfile.SoundFile once the rate is known
        self._raw = None
        with self._writing():
            folder.mkdir(parents=True, exist_ok=True)
            if self.file_format in KEEP_BYTES:
                self._raw = open(self.path, "wb")  # noqa: SIM115

    @property
    def frames(self) -> int:
        """Samples written so far."""
        return self._peaks.frames

    def add_bytes(self, data: bytes) -> None:
        """Keep the server's bytes (formats kept as they came; others ignore them).

        Raises:
            StoreError: the disk is full or the folder unwritable.
        """
        if self._raw is not None:
            with self._writing():
                self._raw.write(data)

    def add_samples(self, samples: FloatArray, rate: int) -> None:
        """Count, summarise and (for FLAC) encode decoded samples.

        Raises:
            StoreError: the disk is full or the folder unwritable.
        """
        if samples.size == 0:
            return
        self._rate = rate
        self._peaks.add(samples, rate)
        if self._raw is None:
            with self._writing():
                if self._sound is None:
                    import soundfile

                    self._sound = soundfile.SoundFile(
                        self.path, "w", rate, 1, "PCM_16", format="FLAC"
                    )
                self._sound.write(codecs.float_to_int16(samples))

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Disk errors (a full disk above all) as a StoreError that says what to do."""
        try:
            yield
        except (OSError, RuntimeError) as exc:  # LibsndfileError is a RuntimeError
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            advice = (
                "Make the folder writable (or choose another profile folder) and render again."
                if isinstance(exc, OSError)
                and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
                else "Free some disk space and render again."
            )
            raise StoreError(
                f"Could not write the render's audio to {self.path.parent} ({reason}). {advice}"
            ) from exc

    def finish(
        self, final: Path, request_id: str = "", server_request_id: str = "", mp3_streams: int = 1
    ) -> ClipFile:
        """Close the file, make it durable and move it to `final` (same folder tree).

        The fsync is the render's only one: the take and the cache entry that name this file
        next rely on it (a crash never leaves them pointing at half-written audio).

        Raises:
            StoreError: the file could not be synced or moved.
        """
        self._close()
        with self._writing():
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.path, final)
        return ClipFile(
            final,
            self.file_format,
            self.output_format,
            self._rate,
            self._peaks.frames,
            self._peaks.result(),
            request_id,
            server_request_id,
            mp3_streams,
        )

    def abort(self) -> None:
        """Drop the file (a failed or cancelled render leaves nothing behind)."""
        self._close()
        self.path.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._raw is not None:
            self._raw.close()
        if self._sound is not None:
            self._sound.close()
            self._sound = None


def clip_from_samples(
    samples: FloatArray,
    sample_rate: int,
    output_format: str,
    folder: Path,
    request_id: str = "",
    server_request_id: str = "",
) -> ClipFile:
    """A clip file holding `samples` as a render in `output_format` would store them."""
    writer = ClipWriter(folder, output_format)
    try:
        if writer.file_format in KEEP_BYTES:
            writer.add_bytes(codecs.encode(samples, output_format, sample_rate))
        writer.add_samples(np.asarray(samples, dtype=np.float32), sample_rate)
        return writer.finish(
            folder / f"{uuid.uuid4().hex}.{writer.file_format}", request_id, server_request_id
        )
    except BaseException:
        writer.abort()
        raise


def read_blocks(clip: ClipFile, frames: int = BLOCK_FRAMES) -> Iterator[FloatArray]:
    """The clip's samples as float32 blocks, decoded as the file is read.

    Raises:
        DecodeError: the file is missing or does not decode.
    """
    if clip.file_format in SOUNDFILE_FORMATS:
        import soundfile

        try:
            with soundfile.SoundFile(clip.path) as sound:
                while True:
                    block = sound.read(frames, dtype="float32", always_2d=True)
                    if not len(block):
                        return
                    yield np.ascontiguousarray(
                        block.mean(axis=1) if block.shape[1] > 1 else block[:, 0]
                    )
        except (RuntimeError, OSError) as exc:  # LibsndfileError is a RuntimeError
            raise DecodeError(f"The stored audio {clip.path.name} could not be read.") from exc
        return
    decoder = StreamDecoder(clip.file_format, clip.sample_rate)
    try:
        with open(clip.path, "rb") as handle:
            while data := handle.read(READ_BYTES):
                block = decoder.feed(data)
                if block.size:
                    yield block
    except OSError as exc:
        raise DecodeError(f"The stored audio {clip.path.name} could not be read.") from exc
    tail = decoder.finish()
    if tail.size:
        yield tail


def read_all(clip: ClipFile) -> FloatArray:
    """Every sample of the clip in one array (for short clips)."""
    blocks = list(read_blocks(clip))
    return np.concatenate(blocks) if blocks else np.zeros(0, np.float32)


def wire_bytes(clip: ClipFile) -> bytes:
    """The clip as one file's bytes in its rendered wire format (for short clips)."""
    if clip.file_format == clip.output_format:
        return clip.path.read_bytes()
    return codecs.encode(read_all(clip), clip.output_format, clip.sample_rate)


def open_clip(
    path: Path,
    output_format: str,
    sample_rate: int,
    request_id: str = "",
    server_request_id: str = "",
) -> ClipFile:
    """Describe an existing file (a take or a cache entry): read it once for frames and peaks.

    The file's format is its extension; `sample_rate` is used for headerless formats.

    Raises:
        DecodeError: the file is missing or does not decode.
    """
    file_format = path.suffix.lstrip(".")
    if file_format in SOUNDFILE_FORMATS:
        import soundfile

        try:
            sample_rate = int(soundfile.info(str(path)).samplerate)
        except (RuntimeError, OSError) as exc:
            raise DecodeError(f"The stored audio {path.name} could not be read.") from exc
    probe = ClipFile(path, file_format, output_format, sample_rate, 0, np.zeros((0, 2)))
    peaks = _Peaks()
    decoder_rate = sample_rate
    if file_format in ("mp3", "wav"):
        decoder = StreamDecoder(file_format, sample_rate)
        streams = 0
        try:
            with open(path, "rb") as handle:
                while data := handle.read(READ_BYTES):
                    block = decoder.feed(data)
                    if block.size:
                        peaks.add(block, decoder.sample_rate)
        except OSError as exc:
            raise DecodeError(f"The stored audio {path.name} could not be read.") from exc
        tail = decoder.finish()
        if tail.size:
            peaks.add(tail, decoder.sample_rate)
        decoder_rate = decoder.sample_rate
        streams = decoder.streams
    else:
        streams = 1
        for block in read_blocks(probe):
            peaks.add(block, sample_rate)
    return ClipFile(
        path,
        file_format,
        output_format,
        decoder_rate,
        peaks.frames,
        peaks.result(),
        request_id,
        server_request_id,
        max(1, streams),
    )
