"""A render longer than the memory a process may use still renders and saves (streamed to disk)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "The harbour was quiet before the boats came back, and the fog was thick. "

# The child measures its own address space after a short render, then allows only 150 MB more
# for a long one: 20,000 characters are ~22 minutes of audio at 24 kHz, 127 MB as float32
# samples alone (an in-memory render held several copies), 63 MB as the WAV it writes.
CHILD = """
import resource, sys
from studio.cli import main

def vm_peak_bytes():
    for line in open("/proc/self/status"):
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) * 1024

def render(text_file, out):
    args = ["--profile", sys.argv[1], "render", "--local", "--engine", "tone", "--voice",
            "tone-alto", "--file", text_file, "--out", out, "--overwrite"]
    return main(args)

assert render(sys.argv[2], sys.argv[4]) == 0  # warm: every module and thread is up
limit = vm_peak_bytes() + 150 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.exit(render(sys.argv[3], sys.argv[5]))
"""


@pytest.mark.slow
def test_a_render_larger_than_the_memory_limit_still_saves(tmp_path: Path) -> None:
    """Under RLIMIT_AS = warm peak + 150 MB, 22 minutes of audio (127 MB as float) saves."""
    short, long = tmp_path / "short.txt", tmp_path / "long.txt"
    short.write_text(SENTENCE * 3, encoding="utf-8")
    long.write_text((SENTENCE * 300)[:20_000], encoding="utf-8")
    out = tmp_path / "long.wav"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MALLOC_ARENA_MAX": "2"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "profile"), str(short), str(long),
         str(tmp_path / "short.wav"), str(out)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    seconds = (out.stat().st_size - 44) / 2 / 24000
    assert seconds > 20 * 60  # the whole render, not a truncated one
    assert out.read_bytes()[:4] == b"RIFF"
