"""The bytes of a batch item's output file, and writing it atomically."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import DecodeError

if TYPE_CHECKING:
    from studio.core.models import AudioClip
    from studio.core.render import Rendered

_RAW_WIDTH = {"pcm": 2, "ulaw": 1, "alaw": 1}


def output_bytes(clip: AudioClip, export_format: str) -> tuple[bytes, float, int]:
    """The output file's bytes from one response, its duration and its sample rate.

    The server's own bytes when they already form one valid file in the wanted format: a
    headerless clip or a plain WAV is measured from its size and header alone (no decode);
    anything else is decoded (which checks it) and encoded as `export_format`.

    Raises:
        DecodeError: the audio does not decode, or holds no samples.
    """
    from studio.audio.decode import decode
    from studio.audio.export import encode_for_export

    data = clip.data
    if export_format == clip.output_format:
        measured = _measure(data, clip.output_format, clip.sample_rate)
        if measured is not None:
            frames, rate = measured
            return data, frames / rate, rate
    audio = decode(data, clip.output_format, clip.sample_rate)
    if not audio.samples.size:
        raise DecodeError("The server sent no audible audio for this text.")
    if export_format != clip.output_format or (export_format == "wav" and not _plain_wav(data)):
        data = encode_for_export(audio.samples, audio.sample_rate, export_format)
    return data, audio.duration_s, audio.sample_rate


def _measure(data: bytes, output_format: str, rate: int) -> tuple[int, int] | None:
    """(frames, rate) of a headerless clip or a plain WAV, from its size and header; None
    when it must be decoded (mp3, a streamed or odd WAV, a ragged or empty clip)."""
    if output_format in _RAW_WIDTH:
        width = _RAW_WIDTH[output_format]
        return (len(data) // width, rate) if data and len(data) % width == 0 else None
    if output_format != "wav" or not _plain_wav(data):
        return None
    from studio.audio.wav import parse_fmt

    fmt, at = None, 12
    while at + 8 <= len(data):
        chunk, size = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
        body = at + 8
        if chunk == b"fmt ":
            try:
                fmt = parse_fmt(data[body : body + size])
            except DecodeError:
                return None
        elif chunk == b"data":
            whole = fmt is not None and body + size == len(data) and size % fmt.block_align == 0
            if not whole or not size or fmt is None:
                return None
            return size // fmt.block_align, fmt.sample_rate
        at = body + size + (size & 1)
    return None


def file_bytes(rendered: Rendered, export_format: str) -> bytes:
    """The output file's bytes from a short render: its own bytes when they already form one
    valid file in the wanted format (no decode, no re-encode), else encoded from the samples."""
    from studio.audio.export import encode_for_export

    clip = rendered.clip
    if export_format == clip.output_format:
        if export_format in ("pcm", "ulaw", "alaw"):
            return clip.data
        if export_format == "wav" and _plain_wav(clip.data):
            return clip.data
        if export_format == "mp3" and len(rendered.request_ids) == 1:
            return clip.data
    return encode_for_export(rendered.samples, rendered.sample_rate, export_format)


def _plain_wav(data: bytes) -> bool:
    """One WAV file whose RIFF size matches its length (not streamed with placeholders)."""
    return (
        len(data) > 44
        and data[:4] == b"RIFF"
        and int.from_bytes(data[4:8], "little") + 8 == len(data)
        and data.count(b"RIFF") == 1
    )


def write_output(path: Path, data: bytes) -> None:
    """Write an item's file atomically, replacing any earlier one: one fsync (the file's).

    Without `audio.atomic`'s scan of the folder for stale temp files on every save, which
    costs O(files) per item in a folder of 10,000 outputs (the runner removes its own job's
    temp files once, when a run starts), and without the folder's fsync per file: the
    runner's Ledger fsyncs the folder once before it records a batch of items done.

    Raises:
        ExportError: with the OSError (errno) as its cause: disk full, permissions…
    """
    from studio.audio.atomic import write_atomically

    write_atomically(path, [data], overwrite=True, sweep=False, sync_folder=False)
