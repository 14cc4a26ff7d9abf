"""`waves-studio render --file` in a child process whose address space is capped (RLIMIT_AS)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "The harbour was quiet before the boats came back, and the fog was thick. "

# The child renders a short file first (every module and thread is up), measures its own
# address space, then allows only `headroom` MB more for the file under test.
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
limit = vm_peak_bytes() + int(sys.argv[6]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.exit(render(sys.argv[3], sys.argv[5]))
"""


def render_capped(
    folder: Path, short: Path, text: Path, out: Path, headroom_mb: int, timeout_s: float
) -> subprocess.CompletedProcess[str]:
    """Render `short` (the warm-up), then `text` to `out` within the warm peak + `headroom_mb`
    (profile and warm-up output in `folder`); the child's exit status and output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MALLOC_ARENA_MAX": "2"}
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(folder / "profile"), str(short), str(text),
         str(folder / "short.wav"), str(out), str(headroom_mb)],
        env=env, capture_output=True, text=True, timeout=timeout_s, check=False,
    )  # fmt: skip
