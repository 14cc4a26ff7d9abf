"""A render longer than the memory a process may use still renders and saves (streamed to disk)."""

from pathlib import Path

import pytest

from tests.memory_child import SENTENCE, render_capped


# 20,000 characters are ~22 minutes of audio at 24 kHz, 127 MB as float32 samples alone (an
# in-memory render held several copies), 63 MB as the WAV it writes.
@pytest.mark.slow
def test_a_render_larger_than_the_memory_limit_still_saves(tmp_path: Path) -> None:
    """Under RLIMIT_AS = warm peak + 150 MB, 22 minutes of audio (127 MB as float) saves."""
    short, long = tmp_path / "short.txt", tmp_path / "long.txt"
    short.write_text(SENTENCE * 3, encoding="utf-8")
    long.write_text((SENTENCE * 300)[:20_000], encoding="utf-8")
    out = tmp_path / "long.wav"
    done = render_capped(tmp_path, short, long, out, 150, 300)
    assert done.returncode == 0, done.stderr[-2000:]
    seconds = (out.stat().st_size - 44) / 2 / 24000
    assert seconds > 20 * 60  # the whole render, not a truncated one
    assert out.read_bytes()[:4] == b"RIFF"
