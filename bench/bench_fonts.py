"""Start-up cost of registering the bundled Indic fonts, and of the About → Licences read.

    .venv/bin/python bench/bench_fonts.py [--runs 5]

Goal: registering the nine Noto Sans files adds <= 20 ms to start-up (a fresh process each
run, so no font cache of Qt's own is warm), i.e. <= 2 % of the 1.0 s cold-start goal; the
licences page's metadata read (done when the page is first shown) <= 300 ms. Runs offscreen.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, time
from PySide6.QtWidgets import QApplication
t0 = time.perf_counter(); app = QApplication([]); t1 = time.perf_counter()
from studio.ui.fonts import register_bundled_fonts
t2 = time.perf_counter(); register_bundled_fonts(); t3 = time.perf_counter()
from studio.licences import bundled_components
t4 = time.perf_counter(); bundled_components(); t5 = time.perf_counter()
print(json.dumps({"app": t1 - t0, "fonts": t3 - t2, "licences": t5 - t4}))
"""


def one_run() -> dict[str, float]:
    """One fresh process: QApplication, then the fonts, then the licences walk."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
    )
    return {k: v * 1000 for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}


def main() -> None:
    """Interleave the measurements over fresh processes and print them beside their goals."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = [one_run() for _ in range(parser.parse_args().runs)]
    for key, goal in (("fonts", 20.0), ("licences", 300.0), ("app", None)):
        values = [r[key] for r in runs]
        line = (
            f"{key:9s} min {min(values):6.1f} ms  median {statistics.median(values):6.1f} ms  "
            f"max {max(values):6.1f} ms"
        )
        if goal is not None:
            line += f"  goal <= {goal:.0f} ms  (median/goal {statistics.median(values) / goal:.2f})"
        else:
            line += "  (QApplication itself, for scale)"
        print(line)


if __name__ == "__main__":
    main()
