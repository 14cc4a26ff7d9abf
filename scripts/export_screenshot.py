"""The README's export dialog screenshot: the example script imported, rendered and exported
(run under Xvfb).

    xvfb-run -a -s "-screen 0 1600x900x24" .venv/bin/python scripts/export_screenshot.py OUTDIR

Drives the real MainWindow against an embedded waves-local (auto engines) with a throwaway
profile, project and output folder; nothing of the user's own profile or keyring is touched.
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
from studio.ui import dialogs

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "scripts" / "two-voices.md"


def main(out_dir: Path) -> None:
    """Import the two-voice Markdown, render it, export FLAC + subtitles, grab the dialog."""
    out_dir.mkdir(parents=True, exist_ok=True)
    folder, services, window = offline_studio("studio-export-shot-")
    assert window.project_io is not None
    assert services.projects is not None
    ps = services.projects
    services.settings.set("synthesis/voice_id", english_voices(services)[0])
    project_path = folder / "The Lighthouse.wavesproj"
    dialogs.save_file_name = lambda *_a, **_k: (str(project_path), "")  # type: ignore[assignment]
    window.project_io.import_path(EXAMPLE)  # what File → Import into project… does
    wait_for(lambda: ps.projects.project is not None and bool(ps.projects.project.blocks), 60)
    for _ in range(5):  # the embedded server may answer "busy" (429) to one of the requests
        ps.renderer.render_changed()
        wait_for(lambda: not ps.renderer.busy, 180)
        if not ps.renderer.plan().jobs:
            break
    out = folder / "Podcast"
    out.mkdir()
    dialog = window.project_io.exports.export()
    assert dialog is not None
    dialog.fields.folder.setText(str(out))
    dialog.fields.format.setCurrentIndex(dialog.fields.format.findData("mp3"))
    dialog.fields.bitrate.setCurrentIndex(dialog.fields.bitrate.findData(192))
    dialog.fields.rate.setCurrentIndex(dialog.fields.rate.findData(44100))
    dialog.fields.srt.setChecked(True)
    dialog.fields.vtt.setChecked(True)
    dialog.fields.chapters.setChecked(True)
    dialog.fields.loudness.setCurrentIndex(dialog.fields.loudness.findData(-16.0))
    dialog.fields.crossfade.setValue(10)
    dialog.adjustSize()
    dialog.resize(max(dialog.width(), 620), dialog.height())
    dialog.export_button.click()
    wait_for(dialog.show_folder_button.isVisible, 120)
    settle(200)
    grab(dialog, out_dir / "export-dialog.png")
    dialog.close()
    shutdown(services)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots"))
