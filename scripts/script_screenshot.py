"""The README's Script view screenshot: a two-speaker script mid-render (run under Xvfb).

    xvfb-run -a -s "-screen 0 1600x900x24" .venv/bin/python scripts/script_screenshot.py OUTDIR

Drives the real MainWindow against an embedded waves-local (auto engines) with a throwaway
profile and project; nothing of the user's own profile or keyring is touched.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_NO_ERROR_WINDOWS", "1")
os.environ.pop("SMALLEST_API_KEY", None)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from take_screenshots import english_voices, grab, offline_studio, settle, wait_for

from studio.app import shutdown

SCRIPT = (
    "Narrator: Welcome to the show. Today two friends plan a weekend trip.\n\n"
    "Alice: I found a cabin by the lake. It has a boat, and the reviews are lovely.\n\n"
    "Bob: A boat? I get seasick on a bathtub. Is there a hiking trail nearby?\n\n"
    "Alice: Three of them. The longest one ends at a waterfall.\n\n"
    "Bob: Then I'm in. I'll bring the snacks, you bring the map."
)


def main(out_dir: Path) -> None:
    """Paste a dialogue, render part of it, edit a sentence, and grab Render changed running."""
    out_dir.mkdir(parents=True, exist_ok=True)
    folder, services, window = offline_studio("studio-script-shot-")
    assert window.script is not None
    assert services.projects is not None
    ps = services.projects
    ids = english_voices(services)
    ps.projects.new(folder / "Weekend trip.wavesproj", ids[0])
    wait_for(lambda: ps.projects.project is not None)
    view = window.script.view
    window.modes.setCurrentWidget(view)
    view.paste_script(SCRIPT)
    project = ps.projects.project
    assert project is not None
    for n, speaker in enumerate(project.cast.speakers):
        view.cast.speaker_changed.emit(speaker.speaker_id, {"voice_id": ids[n % len(ids)]})
    ps.renderer.render_segments(ps.renderer.plan().jobs[:6])
    wait_for(lambda: not ps.renderer.busy, 120)
    first = ps.projects.project.blocks[0]
    ps.projects.edit(
        lambda e: e.set_block_text(first.block_id, first.text.replace("Today", "Tonight"))
    )
    view.select_segment(ps.projects.project.blocks[1].segments[0].segment_id)
    settle(100)
    grab(window, out_dir / "script-view-stale.png")
    ps.renderer.render_changed()
    # Mid-render, with the job's line filled in: done/total, throughput, time left, concurrency.
    wait_for(lambda: view.progress.value() >= 2 and "left" in view.render_progress.label.text())
    grab(window, out_dir / "script-view.png")
    wait_for(lambda: not ps.renderer.busy, 120)
    shutdown(services)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots"))
