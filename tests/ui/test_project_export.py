"""File → Export… against waves-local: the dialog writes files that validate, remembers its
choices, reports unrendered segments (render first, or export without them) and a Cancel
leaves nothing behind."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import soundfile
import srt
import webvtt
from PySide6.QtCore import Qt

from studio.core.project_build import project_from_script
from studio.core.script_import import import_script
from studio.ui import dialogs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scripts"


def _rendered(qtbot, studio, tmp_path: Path, monkeypatch):
    """A two-chapter, two-speaker project from the example Markdown, rendered on waves-local."""
    monkeypatch.setattr(dialogs, "ask", lambda *_a, **_k: True)
    script = import_script(EXAMPLES / "two-voices.md")
    voice = studio.services.voices.voices[0].voice_id
    projects = studio.services.projects.projects
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.create(
            tmp_path / "Lighthouse.wavesproj",
            lambda: project_from_script(script, "Lighthouse", voice_id=voice),
        )
    export_action = studio.window.project_io.exports.action
    assert not export_action.isEnabled()  # nothing rendered: nothing to export
    renderer = studio.services.projects.renderer
    with qtbot.wait_signal(renderer.render_finished, timeout=30000) as done:
        studio.window.script.view.render_changed()
    assert done.args[1] == 0
    assert export_action.isEnabled()
    return projects


def _dialog(studio, folder: Path, fmt: str = "flac"):
    dialog = studio.window.project_io.exports.export()
    dialog.fields.folder.setText(str(folder))
    dialog.fields.format.setCurrentIndex(dialog.fields.format.findData(fmt))
    dialog.fields.split.setCurrentIndex(dialog.fields.split.findData("none"))
    dialog.fields.srt.setChecked(True)
    dialog.fields.vtt.setChecked(True)
    dialog.fields.chapters.setChecked(True)
    return dialog


def _export(qtbot, studio, dialog) -> list[Path]:
    transfer = studio.services.projects.transfer
    with qtbot.wait_signal(transfer.export_finished, timeout=30000) as done:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    return list(done.args[0].files)  # an ExportReport, as the CLI gets


@pytest.mark.slow
def test_export_dialog_writes_flac_subtitles_and_chapters_that_validate(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """FLAC + SRT + WebVTT + chapters list from the dialog: every file parses, the cues lie
    inside the audio, chapter marks are in the FLAC, and the choices are remembered."""
    studio = make_studio()
    projects = _rendered(qtbot, studio, tmp_path, monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    dialog = _dialog(studio, out)
    dialog.fields.loudness.setCurrentIndex(dialog.fields.loudness.findData(-16.0))
    dialog.fields.crossfade.setValue(20)
    qtbot.wait_until(lambda: dialog.preview.text().startswith("Writes Lighthouse.flac, "))
    assert dialog.preview.text() == (
        "Writes Lighthouse.flac, Lighthouse.srt, Lighthouse.vtt, Lighthouse.chapters.txt."
    )
    files = _export(qtbot, studio, dialog)
    names = sorted(p.name for p in files)
    assert names == sorted(
        ["Lighthouse.flac", "Lighthouse.srt", "Lighthouse.vtt", "Lighthouse.chapters.txt"]
    )
    assert sorted(p.name for p in out.iterdir()) == names  # no temp files left beside them
    info = soundfile.info(out / "Lighthouse.flac")
    takes = sum(s.take().duration_s for s in projects.project.segments())
    assert takes < info.duration < takes + 6 * 0.6  # the takes and the paragraph pauses
    cues = list(srt.parse((out / "Lighthouse.srt").read_text(encoding="utf-8")))
    assert cues[0].content.startswith("Have you ever been")
    assert cues[-1].end.total_seconds() <= info.duration + 0.05
    assert len(webvtt.read(str(out / "Lighthouse.vtt")).captions) == len(cues)
    chapters = (out / "Lighthouse.chapters.txt").read_text(encoding="utf-8").splitlines()
    assert chapters[0] == "00:00 The Lighthouse" and chapters[1].endswith(" The Storm")
    from mutagen.flac import FLAC

    tags = FLAC(out / "Lighthouse.flac")
    assert tags["CHAPTER002NAME"] == ["The Storm"]
    assert dialog.show_folder_button.isVisible()
    assert dialog.message.text() == f"Exported 4 file(s) to {out}."

    settings = studio.services.settings
    assert settings.get("project_export/format") == "flac"
    assert settings.get("project_export/folder") == str(out)
    assert settings.get("project_export/subtitles") == ["srt", "vtt"]
    dialog.fields.split.setCurrentIndex(dialog.fields.split.findData("chapter"))
    dialog.fields.template.setText("{n} {nope}")
    qtbot.wait_until(lambda: "not {nope}" in dialog.preview.text())  # said before exporting
    dialog.fields.template.setText("{n:02d} {title}")
    qtbot.wait_until(lambda: dialog.preview.text().startswith("Writes 01 The Lighthouse.flac"))
    dialog.fields.split.setCurrentIndex(dialog.fields.split.findData("none"))
    dialog.close()
    again = studio.window.project_io.exports.export()  # the same choices come back
    assert again.fields.format.currentData() == "flac" and again.fields.folder.text() == str(out)
    assert again.fields.loudness.currentData() == -16.0 and again.fields.crossfade.value() == 20


@pytest.mark.slow
def test_cancel_mid_export_leaves_nothing_in_the_folder(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """Cancel while the export reads its takes: it stops, says so, and the folder stays empty
    (no partial file, no work folder)."""
    studio = make_studio()
    projects = _rendered(qtbot, studio, tmp_path, monkeypatch)
    reached, go = threading.Event(), threading.Event()
    real_read = projects.file.read_audio
    calls: list[str] = []

    def read_audio(take_id: str):
        calls.append(take_id)
        if len(calls) == 3:  # part-way through: hold until the user has pressed Cancel
            reached.set()
            go.wait(10)
        return real_read(take_id)

    monkeypatch.setattr(projects.file, "read_audio", read_audio)
    out = tmp_path / "out"
    out.mkdir()
    dialog = _dialog(studio, out, "wav")
    dialog.fields.split.setCurrentIndex(dialog.fields.split.findData("chapter"))
    transfer = studio.services.projects.transfer
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.close_button.text() == "Cancel"
    qtbot.wait_until(reached.is_set, timeout=10000)
    assert [p.name for p in out.iterdir() if p.name.startswith(".export-")]  # work under way
    with qtbot.wait_signal(transfer.export_cancelled, timeout=10000):
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        go.set()
    assert list(out.iterdir()) == []
    assert dialog.message.text() == "Export cancelled; nothing was written."
    assert dialog.close_button.text() == "Close" and dialog.export_button.isEnabled()


@pytest.mark.slow
def test_unrendered_segments_are_listed_then_left_out_or_rendered_first(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """A sentence added after rendering is named before the export; "Export without them"
    leaves it out of the subtitles, "Render 1 first" renders it and then exports it."""
    studio = make_studio()
    _rendered(qtbot, studio, tmp_path, monkeypatch)
    studio.window.script.view.paste_script("A lantern for the harbour.")
    asked: list[tuple[str, list[str]]] = []
    answer = ["Export without them"]

    def choose(_p, _t, text: str, choices: list[str]) -> int:
        asked.append((text, choices))
        return choices.index(answer[0])

    monkeypatch.setattr(dialogs, "choose", choose)
    out = tmp_path / "out"
    out.mkdir()
    dialog = _dialog(studio, out, "ogg")
    _export(qtbot, studio, dialog)
    text, choices = asked[-1]
    assert choices == ["Render 1 first", "Export without them"]
    assert text.startswith("1 segment(s) have no current take:")
    assert "• A lantern for the harbour. (not rendered)" in text
    assert text.endswith("Rendering sends 1 request(s), 26 characters.")
    subtitles = (out / "Lighthouse.srt").read_text(encoding="utf-8")
    assert "lantern" not in subtitles
    assert soundfile.info(out / "Lighthouse.ogg").format == "OGG"

    answer[0] = "Render 1 first"
    during: list[tuple[int, str]] = []
    studio.services.projects.renderer.render_progressed.connect(
        lambda *_: during.append((dialog.progress.value(), dialog.message.text()))
    )
    files = _export(qtbot, studio, dialog)  # renders, then exports (replacing: ask -> yes)
    assert during[-1] == (1000, "Rendering 1 segment(s) first…")  # the bar follows the render
    assert len(asked) == 2  # rendered: no second question
    assert "A lantern for the harbour." in (out / "Lighthouse.srt").read_text(encoding="utf-8")
    assert {p.name for p in files} >= {"Lighthouse.ogg", "Lighthouse.srt"}


@pytest.mark.gui
def test_export_dialog_text_fits_and_mp3_only_options_follow_the_format(qtbot, tmp_path) -> None:
    """Every label, button and combo item shows in full at the dialog's own size; the bitrate,
    name template and true-peak ceiling are enabled only where they apply."""
    from PySide6.QtCore import QSettings

    from studio.services.settings import Settings
    from studio.ui.export_dialog import ExportDialog
    from tests.ui.fit import clipped

    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    dialog = ExportDialog(settings)
    qtbot.add_widget(dialog)
    dialog.load("A project")
    dialog.show()
    assert clipped(dialog) == []
    fields = dialog.fields
    assert fields.folder.text() == str(Path.home()) and fields.name.text() == "A project"
    assert not fields.bitrate.isEnabled() and not fields.template.isEnabled()
    assert not fields.peak.isEnabled()  # loudness is off by default
    fields.format.setCurrentIndex(fields.format.findData("mp3"))
    fields.split.setCurrentIndex(fields.split.findData("segment"))
    fields.loudness.setCurrentIndex(fields.loudness.findData(-23.0))
    assert fields.bitrate.isEnabled() and fields.template.isEnabled() and fields.peak.isEnabled()
    dialog.set_running(True, "Exporting…")
    assert not fields.isEnabled() and not dialog.export_button.isEnabled()
    dialog.set_running(False)
    assert fields.bitrate.isEnabled() and dialog.export_button.isEnabled()


def test_export_warnings_are_said_with_the_result(qtbot, make_studio, tmp_path) -> None:
    """A dubbed cue that starts late or runs into the next (the library's warnings, which the
    CLI prints) is said under the result in the dialog."""
    from studio.project_export import ExportReport

    studio = make_studio()
    projects = studio.services.projects.projects
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.new(tmp_path / "Dub.wavesproj", studio.services.voices.voices[0].voice_id)
    dialog = studio.window.project_io.exports.export()
    warning = "Cue 2 starts 0.30 s late: the cue before runs long."
    report = ExportReport((tmp_path / "Dub.wav",), 12.0, 3, (warning,))
    studio.services.projects.transfer.export_finished.emit(report)
    assert dialog.message.text() == f"Exported 1 file(s) to {tmp_path}. {warning}"
