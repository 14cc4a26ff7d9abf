"""Clip files: written piece by piece, read back in blocks, described again from disk."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studio.audio import codecs
from studio.audio.clipfile import ClipWriter, open_clip, read_all, stored_format, wire_bytes
from studio.audio.decode import decode
from studio.audio.peaks import peak_block
from studio.core.errors import StoreError
from tests.audio.signals import speech_like

RATE = 16000


@pytest.mark.parametrize("fmt", ["pcm", "wav", "mp3", "ulaw", "alaw"])
def test_pieces_written_as_they_arrive_read_back_identical(tmp_path: Path, fmt: str) -> None:
    """Three pieces in: the file decodes to the same samples, and describes itself the same."""
    pieces = [codecs.encode(p, fmt, RATE) for p in np.array_split(speech_like(1.2, RATE), 3)]
    writer = ClipWriter(tmp_path, fmt)
    expected = []
    for piece in pieces:
        samples = decode(piece, fmt, RATE).samples
        writer.add_bytes(piece)
        writer.add_samples(samples, RATE)
        expected.append(samples)
    clip = writer.finish(tmp_path / f"clip.{stored_format(fmt)}", "req-1", "srv-1", len(pieces))
    want = np.concatenate(expected)
    assert clip.frames == len(want) and clip.sample_rate == RATE
    assert clip.file_format == ("flac" if fmt in ("pcm", "wav") else fmt)
    np.testing.assert_array_equal(read_all(clip), want)  # FLAC is lossless for PCM16
    assert len(clip.peaks) == -(-len(want) // peak_block(RATE))
    assert clip.peaks[:, 1].max() == want.max() and clip.peaks[:, 0].min() == want.min()
    again = open_clip(clip.path, fmt, RATE, "req-1", "srv-1")
    assert again.frames == clip.frames and again.sample_rate == RATE
    np.testing.assert_array_equal(again.peaks, clip.peaks)
    if fmt == "pcm":
        assert wire_bytes(clip) == b"".join(pieces)  # saving as rendered: the server's samples
    assert list(tmp_path.glob(".*.partial")) == []


def test_abort_leaves_nothing(tmp_path: Path) -> None:
    """A cancelled render's file is removed."""
    writer = ClipWriter(tmp_path, "pcm")
    writer.add_samples(speech_like(0.2, RATE), RATE)
    writer.abort()
    assert list(tmp_path.iterdir()) == []


FULL_DISK = """
import resource, signal, sys
import numpy as np
from pathlib import Path
from studio.audio.clipfile import ClipWriter
from studio.core.errors import StoreError

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
folder = Path(sys.argv[1])
writer = ClipWriter(folder, sys.argv[2])
try:
    for _ in range(50):
        noise = np.random.default_rng(0).uniform(-0.5, 0.5, 16000).astype(np.float32)
        writer.add_bytes(bytes(16000))
        writer.add_samples(noise, 16000)
except StoreError as exc:
    writer.abort()
    print("refused:", exc.user_message)
    sys.exit(0 if not any(folder.iterdir()) else 3)
sys.exit(2)
"""


@pytest.mark.parametrize("fmt", ["pcm", "ulaw"])
def test_a_full_disk_is_a_store_error_and_leaves_nothing(tmp_path: Path, fmt: str) -> None:
    """Past the file size limit (as on a full disk) the writer says so; abort cleans up."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path), fmt],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Free some disk space" in done.stdout


@pytest.mark.parametrize("fmt", ["pcm", "mp3"])
def test_an_unusable_folder_is_a_store_error(tmp_path: Path, fmt: str) -> None:
    """A folder that cannot be made (here: under a file) is a StoreError, not a raw OSError."""
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="Could not write the render's audio"):
        ClipWriter(tmp_path / "file" / "renders", fmt)
