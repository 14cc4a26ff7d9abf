"""Take the README screenshot of the New clone dialog (run under Xvfb or offscreen).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/clone_screenshot.py OUTDIR

The sample is a waves-local Piper render of the English prompt, with a second of silence on each
side so the checklist offers the edge trim; nothing of the user's profile or keyring is touched.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("STUDIO_NO_ERROR_WINDOWS", "1")
os.environ.pop("SMALLEST_API_KEY", None)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import soundfile
from take_screenshots import offline_studio, settle, wait_for

from studio.core.clone_prompts import prompt_for
from studio.pipeline import RenderSpec, render_text
from studio.ui.clone_dialog import make_clone_dialog


def main(out_dir: Path) -> None:
    """Open the dialog on an imported sample with name and consent filled in, and grab it."""
    folder, services, window = offline_studio("studio-clone-shot-", show=False)
    client = services.backend.client
    assert client is not None
    rendered = render_text(client, prompt_for("en"), RenderSpec("joe", sample_rate=24000), "none")
    pause = np.zeros(24000, dtype=np.float32)
    sample = folder / "my-voice.wav"
    soundfile.write(sample, np.concatenate([pause, rendered.samples, pause]), 24000)
    dialog = make_clone_dialog(services, window)
    dialog.sources.setCurrentIndex(1)
    dialog.load_file(sample)
    wait_for(lambda: dialog.service.sample is not None, 60)
    dialog.name.setText("My narration voice")
    dialog.tags.setText("narration, calm")
    dialog.accent.setText("general")
    dialog.consent.setChecked(True)
    dialog.show()
    settle(500)
    path = out_dir / "clone-dialog.png"
    dialog.grab().save(str(path))
    print(f"wrote {path}")
    from studio.app import shutdown

    dialog.close()
    shutdown(services)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots"))
