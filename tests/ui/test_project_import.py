"""File → Import into project… and script files dropped on the window (the file dialogs are
patched at the boundary; the import itself runs on the transfer service's worker)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from studio.ui import dialogs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scripts"


def _speakers(project) -> list[str]:
    names = {s.speaker_id: s.name for s in project.cast.speakers}
    return [names[b.speaker_id] for b in project.blocks]


def _patch_open(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(dialogs, "open_file_name", lambda *_a, **_k: str(path))


def test_import_markdown_as_new_project_fills_the_script_tab(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """With no project open, importing Markdown makes a project: chapters from headings,
    speakers from `Name:`, emphasis gone, and the Script tab shows its rows."""
    project_path = tmp_path / "Lighthouse.wavesproj"
    saved: list[str] = []
    _patch_open(monkeypatch, EXAMPLES / "two-voices.md")
    monkeypatch.setattr(
        dialogs,
        "save_file_name",
        lambda _p, _t, path, *_a: (saved.append(path), (str(project_path), ""))[1],
    )
    studio = make_studio()
    window, projects = studio.window, studio.services.projects.projects
    with qtbot.wait_signal(projects.file_changed, timeout=10000):
        window.project_io.import_action.trigger()
    assert saved == [str(EXAMPLES / "two-voices.wavesproj")]  # suggested beside the script
    project = projects.project
    assert [c.title for c in project.chapters] == ["The Lighthouse", "The Storm"]
    assert _speakers(project) == ["Alice", "Bob", "Alice", "Bob", "Alice", "Bob"]
    assert "older than the town" in project.blocks[0].text and "*" not in project.blocks[0].text
    view = window.script.view
    assert window.modes.currentWidget() is view
    qtbot.wait_until(lambda: len(view.rows) == 6)
    assert view.rows[project.blocks[3].block_id].text.toPlainText() == project.blocks[3].text
    assert "Imported 6 paragraph(s) in 2 chapter(s)" in window.statusBar().currentMessage()
    assert studio.services.settings.get("projects/import_folder") == str(EXAMPLES)


def _open_with_text(qtbot, studio, path: Path, text: str):
    projects = studio.services.projects.projects
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.new(path, studio.services.voices.voices[0].voice_id)
    studio.window.script.view.paste_script(text)
    return projects


def test_import_srt_appends_cues_after_asking_and_undoes_in_one_step(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """Into a project with text, the user is asked (add or new); added cues become blocks at
    the end, the gap between cues their pause, and one Undo takes the whole import back."""
    questions: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        dialogs, "choose", lambda _p, _t, text, choices: questions.append((text, choices)) or 0
    )
    _patch_open(monkeypatch, EXAMPLES / "harbour-tour.srt")
    studio = make_studio()
    projects = _open_with_text(qtbot, studio, tmp_path / "Tour.wavesproj", "An opening line.")
    before = projects.project
    with qtbot.wait_signal(projects.project_changed, timeout=10000):
        studio.window.project_io.import_action.trigger()
    assert questions and questions[0][1] == ["Add to “Tour”", "New project…"]
    project = projects.project
    assert len(project.blocks) == 21
    assert project.blocks[0].text == "An opening line."
    assert project.blocks[1].text == "Welcome to the harbour tour."
    assert project.blocks[1].pause_after_s == pytest.approx(0.4)  # 3.6 s -> 4.0 s
    assert project.blocks[1].cue == (1.0, 3.6) and project.timed  # dubbed at its cue times
    view = studio.window.script.view
    qtbot.wait_until(lambda: len(view.rows) == 21)
    studio.window.script.undo_action.trigger()
    assert projects.project.blocks == before.blocks
    assert len(view.rows) == 1


def test_malformed_srt_says_which_line_and_changes_nothing(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """A broken cue gives an error naming the file and its line; the project is untouched."""
    bad = tmp_path / "bad.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 -> oops\nBad\n")
    _patch_open(monkeypatch, bad)
    studio = make_studio()
    projects = _open_with_text(qtbot, studio, tmp_path / "P.wavesproj", "Keep me.")
    before = projects.project
    with qtbot.wait_signal(studio.services.projects.transfer.import_failed, timeout=5000):
        studio.window.project_io.import_action.trigger()
    banner = studio.window.banner
    assert banner.isVisible()
    assert banner.text_label.text().startswith("bad.srt, line 5:")
    assert projects.project is before


def test_windows_1252_text_imports_with_a_note(qtbot, make_studio, tmp_path, monkeypatch) -> None:
    """A script saved as Windows-1252 keeps its accents, and the user is told it was a guess."""
    script = tmp_path / "notes.txt"
    script.write_bytes("Café au lait, naïve “quotes”.\n\nSecond paragraph.\n".encode("cp1252"))
    _patch_open(monkeypatch, script)
    studio = make_studio()
    projects = _open_with_text(qtbot, studio, tmp_path / "P.wavesproj", "")
    with qtbot.wait_signal(projects.project_changed, timeout=10000):
        studio.window.project_io.import_action.trigger()
    assert [b.text for b in projects.project.blocks] == [
        "Café au lait, naïve “quotes”.",
        "Second paragraph.",
    ]
    message = studio.window.statusBar().currentMessage()
    assert "Imported 2 paragraph(s) from notes.txt" in message and "Windows-1252" in message


def _drop(target, paths: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(5, 5), action, mime, buttons, mods)
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(QPointF(5, 5), action, mime, buttons, mods)
    QApplication.sendEvent(target, drop)
    return drop


def test_dropping_a_script_on_the_window_imports_it(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """A Markdown file dropped on the window (here on a text field inside it) is imported into
    the open (empty) project; a dropped audio file is left to the widget, as before."""
    studio = make_studio()
    projects = _open_with_text(qtbot, studio, tmp_path / "Drop.wavesproj", "")
    editor = studio.window.editor_panel.editor
    audio = tmp_path / "clip.wav"
    audio.write_bytes(b"RIFF")
    transfer = studio.services.projects.transfer
    reads: list[Path] = []
    real_read = transfer.read_script
    monkeypatch.setattr(transfer, "read_script", lambda path: reads.append(path) or real_read(path))
    drop = _drop(editor, [audio])
    assert reads == []
    with qtbot.wait_signal(projects.project_changed, timeout=10000):
        drop = _drop(editor, [EXAMPLES / "two-voices.md"])
    assert drop.isAccepted() and reads == [EXAMPLES / "two-voices.md"]
    assert [c.title for c in projects.project.chapters] == ["The Lighthouse", "The Storm"]
    assert studio.window.modes.currentWidget() is studio.window.script.view


def test_dropping_a_project_file_opens_it(qtbot, make_studio, tmp_path) -> None:
    """A .wavesproj dropped on the window opens in the Script tab, as File → Open does."""
    studio = make_studio()
    projects = _open_with_text(qtbot, studio, tmp_path / "First.wavesproj", "First text.")
    second = tmp_path / "Second.wavesproj"
    _open_with_text(qtbot, studio, second, "Second text.")
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.close()
    studio.window.modes.setCurrentIndex(0)
    with qtbot.wait_signal(projects.file_changed, timeout=5000) as opened:
        _drop(studio.window.editor_panel.editor, [second])
    assert opened.args == [str(second)]
    assert [b.text for b in projects.project.blocks] == ["Second text."]
    assert studio.window.modes.currentWidget() is studio.window.script.view


def test_a_script_dropped_on_the_batch_window_stays_a_batch_input(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """The Batch window is its own window: a text file dropped there opens as batch input and
    is not imported into the project."""
    studio = make_studio()
    projects = _open_with_text(qtbot, studio, tmp_path / "Keep.wavesproj", "")
    transfer = studio.services.projects.transfer
    reads: list[Path] = []
    monkeypatch.setattr(transfer, "read_script", reads.append)
    panel = studio.window.show_batch()
    lines = tmp_path / "lines.txt"
    lines.write_text("One line.\nAnother line.\n", encoding="utf-8")
    drop = _drop(panel, [lines])
    assert drop.isAccepted() and panel.input_path == lines
    assert reads == [] and projects.project.blocks == ()
