"""ProgrammeReader: takes and silences read back to back in any block size, from any frame, at
the programme's rate; a lost or damaged take plays as silence for exactly its length."""

from __future__ import annotations

import numpy as np
import pytest

from studio.audio.programme import Piece, ProgrammeReader
from studio.core.errors import StoreError
from studio.store.project_audio import encode_flac

RATE = 8000


def _pcm(seed: int, frames: int) -> np.ndarray:
    """16-bit-grid samples that tell takes and positions apart."""
    rng = np.random.default_rng(seed)
    return (rng.integers(-20000, 20000, frames) / 32768).astype(np.float32)


def _programme() -> tuple[list[Piece], dict[str, bytes], np.ndarray]:
    """Three takes (one of 1 frame), pauses between, and the whole programme as expected."""
    takes = {"a": _pcm(1, 9000), "b": _pcm(2, 1), "c": _pcm(3, 20000)}
    layout = [("a", 9000), ("", 4000), ("b", 1), ("c", 20000), ("", 123)]
    pieces, parts, at = [], [], 0
    for take_id, frames in layout:
        pieces.append(Piece(take_id, at, frames, RATE if take_id else 0))
        parts.append(takes[take_id] if take_id else np.zeros(frames, np.float32))
        at += frames
    flac = {k: encode_flac(v, RATE) for k, v in takes.items()}
    return pieces, flac, np.concatenate(parts)


@pytest.mark.parametrize("block", [1, 997, 4096, 100_000])
def test_reads_the_whole_programme_in_any_block_size(block: int) -> None:
    """Blocks of any size join into exactly the takes and silences, with nothing between."""
    pieces, flac, whole = _programme()
    reader = ProgrammeReader(pieces, RATE, flac.__getitem__)
    assert reader.frames == len(whole)
    got = []
    while (part := reader.read(block)).size:
        assert part.dtype == np.float32 and (len(part) == block or reader.position == len(whole))
        got.append(part)
    reader.close()
    np.testing.assert_array_equal(np.concatenate(got), whole)


def test_seeks_land_on_the_sample_anywhere() -> None:
    """A seek into a take, a pause, a boundary, back, or past the end reads from exactly there."""
    pieces, flac, whole = _programme()
    reader = ProgrammeReader(pieces, RATE, flac.__getitem__)
    for frame in (5000, 9000, 12000, 13000, 13001, 100, 0, 33000, len(whole) - 5):
        reader.seek(frame)
        assert reader.position == frame
        np.testing.assert_array_equal(reader.read(3000), whole[frame : frame + 3000])
    reader.seek(len(whole) + 50)
    assert reader.read(10).size == 0


def test_a_lost_or_damaged_take_plays_as_silence_for_its_length() -> None:
    """A take whose audio is gone or not FLAC is silence; what follows keeps its place."""
    pieces, flac, whole = _programme()
    flac["a"] = b"not flac at all"

    def fetch(take_id: str) -> bytes:
        if take_id == "c":
            raise StoreError("This take's audio is missing from the project; render it again.")
        return flac[take_id]

    reader = ProgrammeReader(pieces, RATE, fetch)
    got = reader.read(len(whole) + 10)
    assert len(got) == len(whole)
    assert not got[:9000].any() and not got[13001:].any()
    assert got[13000] == whole[13000]  # take b, between the two lost ones


def test_a_take_at_another_rate_is_resampled_to_its_planned_length() -> None:
    """A 16 kHz take in an 8 kHz programme: its piece's frames exactly, and the same tone."""
    t = np.arange(32000) / 16000
    tone = (np.round(0.5 * np.sin(2 * np.pi * 300 * t) * 32768) / 32768).astype(np.float32)
    pieces = [Piece("t", 0, 16000, 16000), Piece("", 16000, 800)]
    reader = ProgrammeReader(pieces, RATE, {"t": encode_flac(tone, 16000)}.__getitem__)
    got = np.concatenate([reader.read(1000) for _ in range(17)])
    assert len(got) == 16800 and not got[16000:].any()
    assert np.argmax(np.abs(np.fft.rfft(got[:16000]))) / 2 == pytest.approx(300, abs=1)
    reader.seek(8000)  # into the middle of the resampled take
    middle = reader.read(4000)
    np.testing.assert_allclose(middle, got[8000:12000], atol=0.02)
