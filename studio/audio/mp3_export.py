"""MP3 saving with a chosen bitrate (CBR 64–320 kbps or VBR) and ID3 title/artist tags."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from studio.audio.formats import BITRATES, DEFAULT_BITRATE, VBR, Mp3Options, max_bitrate
from studio.core.errors import ExportError

__all__ = [
    "BITRATES",
    "DEFAULT_BITRATE",
    "VBR",
    "Mp3Options",
    "encode_mp3",
    "max_bitrate",
    "tag_mp3",
    "tagged_chunks",
    "write_mp3",
]

_VBR_QUALITY = 0.2  # libsndfile's 0 (best) … 1 (smallest); 0.2 is about LAME -V2 (~190 kbps)


def encode_mp3(samples: npt.ArrayLike, sample_rate: int, options: Mp3Options) -> bytes:
    """Encode mono float samples as a tagged MP3.

    A constant bitrate above what the sample rate allows (MPEG-2 stops at 160 kbps) is lowered
    to that maximum. libsndfile maps its compression level linearly from the format's highest
    bitrate (0.0) to its lowest (1.0); LAME then takes the nearest standard bitrate.

    Raises:
        ExportError: the encoder refused the audio or the settings.
    """
    buffer = io.BytesIO()
    write_mp3([np.asarray(samples, dtype=np.float32).reshape(-1)], sample_rate, options, buffer)
    return tag_mp3(buffer.getvalue(), options.title, options.artist)


def write_mp3(
    blocks: Iterable[npt.NDArray[np.float32]],
    sample_rate: int,
    options: Mp3Options,
    out: BinaryIO,
) -> None:
    """Encode mono float blocks into `out` (a seekable binary file), untagged: a clip of any
    length is encoded in constant memory.

    Raises:
        ExportError: the encoder refused the audio or the settings.
    """
    import soundfile

    top = max_bitrate(sample_rate)
    bottom = 32 if top == 320 else 8
    if options.bitrate == VBR:
        mode, level = "VARIABLE", _VBR_QUALITY
    else:
        kbps = min(max(options.bitrate, bottom), top)
        mode, level = "CONSTANT", (top - kbps) / (top - bottom)
    try:
        with soundfile.SoundFile(
            out,
            "w",
            sample_rate,
            1,
            format="MP3",
            subtype="MPEG_LAYER_III",
            compression_level=min(level, 0.99),
            bitrate_mode=mode,
        ) as sound:
            for block in blocks:
                sound.write(np.clip(block, -1.0, 1.0))
    except (RuntimeError, ValueError, TypeError) as exc:  # LibsndfileError is a RuntimeError
        raise ExportError(f"Could not encode the clip as MP3 ({options.label}): {exc}") from exc


def tagged_chunks(encoded: BinaryIO, title: str, artist: str) -> Iterator[bytes]:
    """The MP3 stream in `encoded` (read from its start) behind an ID3v2 tag, in chunks."""
    from studio.audio.mp3frames import id3v2_size

    encoded.seek(0)
    head = encoded.read(10)
    encoded.seek(id3v2_size(head) or 0)  # an encoder's own tag is replaced, as in tag_mp3
    yield tag_mp3(b"", title, artist)
    while data := encoded.read(1 << 20):
        yield data


def tag_mp3(data: bytes, title: str, artist: str) -> bytes:
    """`data` (an MP3 stream) with an ID3v2.4 tag holding the title and artist in front.

    An ID3v2 tag already at the start is replaced, so tagging twice gives one tag.
    """
    if not (title or artist):
        return data
    from mutagen.id3 import ID3, TIT2, TPE1

    from studio.audio.mp3frames import id3v2_size

    tags = ID3()  # type: ignore[no-untyped-call]
    # mutagen's frame classes carry no annotations.
    if title:
        tags.add(TIT2(encoding=3, text=title))  # type: ignore[no-untyped-call]
    if artist:
        tags.add(TPE1(encoding=3, text=artist))  # type: ignore[no-untyped-call]
    header = io.BytesIO()
    tags.save(header, padding=lambda info: 0)
    return header.getvalue() + data[id3v2_size(data) or 0 :]
