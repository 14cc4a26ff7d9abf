"""WAV cue points, LIST/adtl labels and LIST/INFO tags: appended after the data, and read back."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class WavMarks:
    """What a WAV file's cue, adtl and INFO chunks say.

    Attributes:
        cues: (sample offset, label) per cue point, in file order.
        info: INFO entries, e.g. {"INAM": "Title"}.
    """

    cues: tuple[tuple[int, str], ...] = ()
    info: dict[str, str] = field(default_factory=dict)


def append_chunks(
    path: Path, cues: Sequence[tuple[int, str]], info: Sequence[tuple[bytes, str]]
) -> None:
    """Append a `cue ` chunk, a LIST/adtl chunk of `labl`s and a LIST/INFO chunk, and fix the
    RIFF size. The file must be a finished RIFF/WAVE whose last chunk is `data`."""
    blob = b""
    if cues:
        points = b"".join(
            struct.pack("<II4sIII", i + 1, sample, b"data", 0, 0, sample)
            for i, (sample, _label) in enumerate(cues)
        )
        blob += _chunk(b"cue ", struct.pack("<I", len(cues)) + points)
        labels = b"".join(
            _chunk(b"labl", struct.pack("<I", i + 1) + _zstr(label))
            for i, (_sample, label) in enumerate(cues)
        )
        blob += _chunk(b"LIST", b"adtl" + labels)
    if info:
        blob += _chunk(
            b"LIST", b"INFO" + b"".join(_chunk(key, _zstr(value)) for key, value in info)
        )
    if not blob:
        return
    with open(path, "r+b") as handle:
        head = handle.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise ValueError("not a WAV file")
        end = handle.seek(0, 2)
        if end & 1:  # the data chunk has an odd size: RIFF wants a pad byte before the next
            handle.write(b"\0")
            end += 1
        handle.write(blob)
        handle.seek(4)
        handle.write(struct.pack("<I", end + len(blob) - 8))


def read_marks(path: Path) -> WavMarks:
    """Parse cue points, their labels and INFO tags back from a WAV file.

    Raises:
        ValueError: not a RIFF/WAVE file, or a chunk runs past the end.
    """
    data = Path(path).read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV file")
    positions: dict[int, int] = {}
    labels: dict[int, str] = {}
    info: dict[str, str] = {}
    order: list[int] = []
    for chunk_id, body in _chunks(data, 12, len(data)):
        if chunk_id == b"cue ":
            (count,) = struct.unpack_from("<I", body)
            for k in range(count):
                name, _pos, _fcc, _cs, _bs, offset = struct.unpack_from(
                    "<II4sIII", body, 4 + 24 * k
                )
                positions[name] = offset
                order.append(name)
        elif chunk_id == b"LIST" and body[:4] in (b"adtl", b"INFO"):
            for sub_id, sub in _chunks(body, 4, len(body)):
                if body[:4] == b"adtl" and sub_id == b"labl":
                    labels[struct.unpack_from("<I", sub)[0]] = _text(sub[4:])
                elif body[:4] == b"INFO":
                    info[sub_id.decode("latin-1")] = _text(sub)
    return WavMarks(tuple((positions[n], labels.get(n, "")) for n in order), info)


def _chunks(data: bytes, at: int, end: int) -> list[tuple[bytes, bytes]]:
    out = []
    while at + 8 <= end:
        chunk_id, size = data[at : at + 4], struct.unpack_from("<I", data, at + 4)[0]
        if at + 8 + size > end:
            raise ValueError(f"chunk {chunk_id!r} runs past the end of the file")
        out.append((chunk_id, data[at + 8 : at + 8 + size]))
        at += 8 + size + (size & 1)
    return out


def _chunk(chunk_id: bytes, body: bytes) -> bytes:
    return chunk_id + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")


def _zstr(text: str) -> bytes:
    return text.encode("utf-8") + b"\0"


def _text(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("utf-8", errors="replace")
