"""ClipReader: a stored clip read from any sample, as the player's window needs it."""

from pathlib import Path

import numpy as np
import pytest

from studio.audio import codecs
from studio.audio.clipfile import ClipWriter, read_all, stored_format
from studio.audio.clipreader import ClipReader
from studio.audio.decode import decode
from tests.audio.signals import speech_like

RATE = 16000


@pytest.mark.parametrize("fmt", ["pcm", "mp3", "ulaw", "alaw"])
def test_reads_from_any_sample_forward_and_back(tmp_path: Path, fmt: str) -> None:
    """After a seek (forward, back, to 0, past the end) the blocks are exactly the file's
    samples from there, as a whole read decodes them."""
    pieces = [codecs.encode(p, fmt, RATE) for p in np.array_split(speech_like(2.0, RATE), 2)]
    writer = ClipWriter(tmp_path, fmt)
    for piece in pieces:
        writer.add_bytes(piece)
        writer.add_samples(decode(piece, fmt, RATE).samples, RATE)
    clip = writer.finish(tmp_path / f"clip.{stored_format(fmt)}", "r", "s", len(pieces))
    whole = read_all(clip)
    reader = ClipReader(clip)
    try:
        for start in (0, 20001, 5003, clip.frames - 700, 0, 31000):
            reader.seek(start)
            got = np.concatenate([reader.read(999), reader.read(1500)])
            np.testing.assert_array_equal(got, whole[start : start + 2499])
            assert reader.position == start + len(got)
        reader.seek(clip.frames + 10)
        assert len(reader.read(100)) == 0
    finally:
        reader.close()
