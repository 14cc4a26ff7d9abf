"""The Script view end to end against waves-local: paste, render changed, edit, takes, lock,
undo/redo, read-along, and reopening the project file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QStyle, QWidget

from studio.core.project_state import SegmentState, states
from studio.ui import dialogs

DIALOGUE = "Alice: Hello there. How are you today?\n\nBob: I am fine. Thanks for asking."
TTS = "/waves/v1/tts"  # synthesis, over HTTP, SSE or WebSocket


def _open_new(qtbot, studio, path: Path):
    projects = studio.services.projects.projects
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        voices = studio.services.voices.voices
        projects.new(path, voices[0].voice_id if voices else "")
    return projects


def _render(qtbot, studio) -> None:
    renderer = studio.services.projects.renderer
    with qtbot.wait_signal(renderer.render_finished, timeout=20000) as blocker:
        studio.window.script.view.render_changed()
    project = studio.services.projects.projects.project
    failures = [s.failure for s in project.segments() if s.failure]
    assert blocker.args[1] == 0, failures


def _syntheses(server) -> int:
    return server.stats.requests(TTS)


@pytest.mark.slow
def test_script_dialogue_render_edit_takes_lock_undo_reopen(
    qtbot, make_studio, waves_local, tmp_path, monkeypatch
) -> None:
    """The whole Script flow: one edit costs one request, takes and lock undo, reopen plays."""
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda _p, _t, text, **k: asked.append(text) or True)
    studio = make_studio()
    window = studio.window
    view = window.script.view
    path = tmp_path / "Dialogue.wavesproj"
    projects = _open_new(qtbot, studio, path)
    assert window.windowTitle().startswith("Dialogue — ")

    view.paste_script(DIALOGUE)
    project = projects.project
    names = {s.speaker_id: s.name for s in project.cast.speakers}
    assert [names[b.speaker_id] for b in project.blocks] == ["Alice", "Bob"]
    assert len(project.segments()) == 4
    qtbot.wait_until(lambda: view.summary.text().startswith("4 sentences · 4 to render · 0:"))
    assert set(states(project).values()) == {SegmentState.NOT_RENDERED}
    plan = studio.services.projects.renderer.plan()
    assert (plan.requests, plan.characters) == (4, sum(len(s.text) for s in project.segments()))

    waves_local.stats.reset()
    renderer = studio.services.projects.renderer
    with qtbot.wait_signal(renderer.render_finished, timeout=20000):
        view.render_changed()
        # Clicked again at once: adds nothing that is already on its way (no double takes).
        assert renderer.render_segments(renderer.plan().jobs) == 0
    assert asked[-1] == f"Render 4 segment(s): {plan.characters} characters in 4 request(s)?"
    assert _syntheses(waves_local) == 4
    assert window.statusBar().currentMessage() == "Rendered 4 segment(s)."
    assert set(states(projects.project).values()) == {SegmentState.RENDERED}
    first_block = projects.project.blocks[0]
    row = view.rows[first_block.block_id]
    assert "rendered" in row.stripe_buttons[first_block.segments[0].segment_id].accessibleName()

    # Edit one sentence in place: only that segment goes stale, and costs one request.
    row.text.setPlainText("Hello there. How are you this morning?")
    qtbot.keyClick(row.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    stale = [k for k, v in states(projects.project).items() if v is SegmentState.STALE]
    assert len(stale) == 1
    assert stale[0] == projects.project.blocks[0].segments[1].segment_id
    assert "changed since rendered" in row.stripe_buttons[stale[0]].accessibleName()
    waves_local.stats.reset()
    _render(qtbot, studio)
    assert _syntheses(waves_local) == 1
    assert "1 request(s)" in asked[-1]
    segment_id = stale[0]
    first_take = projects.project.segment(segment_id).chosen_take
    before = projects.project.segment(segment_id).takes  # the stale take is kept too

    # Regenerate: a second take, chosen; then the first one picked back from Takes.
    view.select_segment(segment_id)
    with qtbot.wait_signal(studio.services.projects.renderer.render_finished, timeout=20000):
        qtbot.mouseClick(view.regenerate_button, Qt.MouseButton.LeftButton)
    segment = projects.project.segment(segment_id)
    assert len(segment.takes) == len(before) + 1
    assert segment.chosen_take == segment.takes[-1].take_id != first_take
    assert view.takes_button.text() == f"Takes ({len(segment.takes)})"
    _assert_menu_arrow_clears_text(view.takes_button)
    first_index = [t.take_id for t in segment.takes].index(first_take)
    assert view.takes_menu.actions()[-1].text().startswith("✓ ")
    view.takes_menu.actions()[first_index].trigger()
    assert projects.project.segment(segment_id).chosen_take == first_take

    # Play: the chosen take itself.
    qtbot.mouseClick(view.segment_play, Qt.MouseButton.LeftButton)
    chosen_audio = projects.file.read_audio(first_take)[0]
    qtbot.wait_until(lambda: len(studio.player.samples) == len(chosen_audio), timeout=3000)
    np.testing.assert_array_equal(studio.player.samples, chosen_audio)

    qtbot.mouseClick(view.lock_button, Qt.MouseButton.LeftButton)
    assert projects.project.segment(segment_id).locked
    assert not view.regenerate_button.isEnabled()  # a locked sentence keeps its take
    assert segment_id not in {j.segment_id for j in studio.services.projects.renderer.plan().jobs}
    finished = projects.project

    # Undo/redo round trip: lock, take choice and text come back exactly.
    script = window.script
    script.undo_action.trigger()
    assert not projects.project.segment(segment_id).locked
    script.undo_action.trigger()
    assert projects.project.segment(segment_id).chosen_take == segment.takes[-1].take_id
    script.undo_action.trigger()
    assert projects.project.blocks[0].text == "Hello there. How are you today?"
    assert view.rows[first_block.block_id].text.toPlainText() == projects.project.blocks[0].text
    for _ in range(3):
        script.redo_action.trigger()
    assert projects.project.segment(segment_id) == finished.segment(segment_id)
    assert projects.project.blocks == finished.blocks

    # Reopen: the chosen takes (the first take of the edited sentence) are what plays.
    with qtbot.wait_signal(projects.file_changed, timeout=5000) as closed:
        projects.close()
    assert closed.args == [""]
    qtbot.wait_until(lambda: not window.windowTitle().startswith("Dialogue"), timeout=2000)
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        window.script.open_path(path)
    reopened = projects.project
    assert reopened.segment(segment_id).chosen_take == first_take
    assert reopened.segment(segment_id).locked
    assert projects.path == path
    assert str(path) in projects.recent()

    player = studio.services.projects.player
    with qtbot.wait_signal(player.segment_changed, timeout=5000):
        player.play_from(reopened.segments()[0].segment_id)
    expected = [projects.file.read_audio(s.chosen_take)[0] for s in reopened.segments()]
    pauses = 2 * int(reopened.export.paragraph_pause_s * 24000)  # after each paragraph
    total = sum(len(a) for a in expected) + pauses
    qtbot.wait_until(lambda: len(studio.player.samples) == total, timeout=5000)
    played = studio.player.samples
    # Sentences 1 and 2 back to back, then the paragraph pause, then Bob's lines.
    cut = len(expected[0]) + len(expected[1])
    np.testing.assert_allclose(played[:cut], np.concatenate(expected[:2]), atol=1e-6)
    assert not played[cut : cut + pauses // 2].any()
    np.testing.assert_allclose(played[cut + pauses // 2 :][: len(expected[2])], expected[2])


@pytest.mark.slow
def test_read_along_follows_the_players_position(qtbot, make_studio, tmp_path, monkeypatch):
    """The highlighted segment is the one at the player's position; Esc clears it."""
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    studio = make_studio()
    view = studio.window.script.view
    projects = _open_new(qtbot, studio, tmp_path / "Read.wavesproj")
    view.paste_script(DIALOGUE)
    _render(qtbot, studio)
    segments = projects.project.segments()
    player = studio.services.projects.player
    view.select_segment(segments[1].segment_id)
    with qtbot.wait_signal(player.segment_changed, timeout=5000) as started:
        qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    assert started.args == [segments[1].segment_id]  # from the selected segment
    takes = [projects.project.segment(s.segment_id).take() for s in segments]
    # Into the third sentence (second of the first paragraph was the start; then its pause).
    into_third = takes[1].duration_s + 0.5 + 0.1
    qtbot.wait_until(lambda: studio.services.playback.state == "playing", timeout=3000)
    with qtbot.wait_signal(player.segment_changed, timeout=3000) as moved:
        studio.player.advance(into_third)
    assert moved.args == [segments[2].segment_id]
    row = view.rows[projects.project.blocks[1].block_id]
    assert row.stripe_buttons[segments[2].segment_id].font().bold()
    # Clicking a sentence while playing jumps there.
    last = view.rows[projects.project.blocks[1].block_id].stripe_buttons[segments[3].segment_id]
    with qtbot.wait_signal(player.segment_changed, timeout=3000) as jumped:
        qtbot.mouseClick(last, Qt.MouseButton.LeftButton)
    assert jumped.args == [segments[3].segment_id]

    # The whole project is one programme in the player's window: the jump is a seek in it
    # (no new layout, no device restart), and what is fed from there is that sentence's take.
    def seeks():
        return [call[1] for call in studio.player.calls if call[0] == "seek"]

    qtbot.wait_until(lambda: len(seeks()) == 1, timeout=3000)
    windows = [call for call in studio.player.calls if call[0] == "begin_window"]
    assert len(windows) == 1
    frames = projects.file.audio_index()
    f = [frames[s.chosen_take][1] for s in segments]
    assert seeks() == [(f[0] + f[1] + 12000 + f[2]) / 24000]  # exact: 0.5 s paragraph pause
    take = projects.file.read_audio(segments[3].chosen_take)[0]
    qtbot.wait_until(lambda: len(studio.player.samples) >= len(take), timeout=3000)
    np.testing.assert_array_equal(studio.player.samples[: len(take)], take)
    with qtbot.wait_signal(player.segment_changed, timeout=3000) as stopped:
        studio.window.commands.stop.trigger()  # Esc
    assert stopped.args == [""]


def test_cast_voice_change_says_how_many_segments_changed(qtbot, make_studio, tmp_path):
    """Picking another voice for Bob marks Bob's segments stale and says how many."""
    studio = make_studio()
    view = studio.window.script.view
    projects = _open_new(qtbot, studio, tmp_path / "Cast.wavesproj")
    view.paste_script(DIALOGUE)
    project = projects.project
    bob = project.cast.by_name("Bob")
    # Pretend the segments were rendered with the current voice: give each a current take.
    from studio.core.project import SegmentTake
    from studio.core.project_state import segment_key

    for block in project.blocks:
        for segment in block.segments:
            key = segment_key(projects.project, block, segment)
            projects.edit(lambda e, s=segment, k=key: e.add_take(s.segment_id, SegmentTake(
                "t" + s.segment_id, k, s.text, 1.0, 24000)))  # fmt: skip
    assert set(states(projects.project).values()) == {SegmentState.RENDERED}
    editor = view.cast.editors[bob.speaker_id]
    other = next(i for i in range(editor.voice.count()) if editor.voice.itemData(i) != bob.voice_id)
    editor.voice.setCurrentIndex(other)
    editor.voice.activated.emit(other)
    assert view.cast.stale_label.text() == "2 segments changed"
    assert projects.project.cast.get(bob.speaker_id).voice_id == editor.voice.itemData(other)
    qtbot.keyClicks(editor.name, "by")
    editor.name.editingFinished.emit()
    assert projects.project.cast.get(bob.speaker_id).name == "Bobby"


def test_open_errors_are_clear_and_change_nothing(qtbot, make_studio, tmp_path):
    """A file that is not a project is refused with a message naming it; nothing opens."""
    studio = make_studio(start=False)
    projects = studio.services.projects.projects
    bogus = tmp_path / "notes.wavesproj"
    bogus.write_text("just some notes")
    with qtbot.wait_signal(projects.open_failed, timeout=5000) as failed:
        studio.window.script.open_path(bogus)
    assert "notes.wavesproj is not a Waves Studio project" in failed.args[0]
    assert projects.project is None
    assert "not a Waves Studio project" in studio.window.banner.text_label.text()


def test_opening_the_open_project_again_keeps_it(qtbot, make_studio, tmp_path):
    """Open Recent on the project already open is not refused as 'open elsewhere'."""
    studio = make_studio(start=False)
    path = tmp_path / "Same.wavesproj"
    projects = _open_new(qtbot, studio, path)
    with qtbot.assert_not_emitted(projects.open_failed):
        studio.window.script.open_path(path)
        projects.files.pool.waitForDone(2000)
    assert projects.path == path


def test_script_tab_mnemonics_do_not_shadow_menus(qtbot, make_studio, tmp_path) -> None:
    """With a project open on the Script tab, no visible widget's Alt letter clashes."""
    from tests.ui.test_mnemonics import clashes, mnemonic, widget_mnemonics

    studio = make_studio()
    window = studio.window
    _open_new(qtbot, studio, tmp_path / "Keys.wavesproj")
    window.script.view.paste_script(DIALOGUE)
    window.modes.setCurrentWidget(window.script.view)
    found = widget_mnemonics(window)
    for action in window.menuBar().actions():
        letter = mnemonic(action.text())
        if letter:
            found[letter].append(f"menu {action.text()}")
    assert clashes(found) == {}, "".join(sorted(found))


def test_edits_are_autosaved_off_the_gui_thread_and_save_as_carries_on(
    qtbot, make_studio, tmp_path
):
    """Edits reach the file without a save command; Save As moves the title to the copy."""
    studio = make_studio(start=False)
    window = studio.window
    projects = _open_new(qtbot, studio, tmp_path / "Auto.wavesproj")
    window.script.view.paste_script("Narrator: One line.")
    edited = projects.project
    qtbot.wait_until(lambda: projects.file.project is edited, timeout=3000)  # written
    copy = tmp_path / "Copy"
    with qtbot.wait_signal(projects.file_changed, timeout=5000) as moved:
        projects.save_as(copy)
    assert moved.args == [str(tmp_path / "Copy.wavesproj")]
    assert window.windowTitle().startswith("Copy — ")
    assert projects.file.project.blocks == edited.blocks
    assert window.script.close_action.isEnabled()


def test_ctrl_z_in_the_script_view_undoes_a_project_edit(qtbot, make_studio, tmp_path):
    """Ctrl+Z / Ctrl+Shift+Z on the Script tab go through the project's undo stack."""
    studio = make_studio(start=False)
    window = studio.window
    projects = _open_new(qtbot, studio, tmp_path / "Undo.wavesproj")
    view = window.script.view
    view.paste_script("Alice: Hi.")
    window.modes.setCurrentWidget(view)
    window.activateWindow()
    view.render_button.setFocus()
    qtbot.keyClick(view.render_button, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert projects.project.blocks == ()
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view.render_button, Qt.Key.Key_Z, shift_ctrl)
    assert [b.text for b in projects.project.blocks] == ["Hi."]


def test_newer_and_busy_project_files_are_refused_clearly(qtbot, make_studio, tmp_path):
    """A newer format and a file held by another process get messages that say why."""
    import sqlite3

    from studio.core.project_ops import new_project
    from studio.store.project_file import ProjectFile

    studio = make_studio(start=False)
    projects = studio.services.projects.projects
    newer = tmp_path / "Newer.wavesproj"
    ProjectFile.create(newer, new_project("Newer")).close()
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with qtbot.wait_signal(projects.open_failed, timeout=5000) as failed:
        studio.window.script.open_path(newer)
    assert "saved by a newer version of Waves Studio" in failed.args[0]
    busy = tmp_path / "Busy.wavesproj"
    held = ProjectFile.create(busy, new_project("Busy"))  # as a headless render would
    try:
        with qtbot.wait_signal(projects.open_failed, timeout=5000) as failed:
            studio.window.script.open_path(busy)
        assert "is open in another Waves Studio window or a render" in failed.args[0]
    finally:
        held.close()
    assert projects.project is None


@pytest.mark.slow
def test_a_failed_segment_says_so_and_render_changed_retries_it(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local_faults
) -> None:
    """A request the server refuses marks the segment failed (stripe text says so); the next run
    renders it. (A 5xx is retried by the queue first, with back-off: tests/batch cover that.)"""
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    studio = make_studio()
    view = studio.window.script.view
    projects = _open_new(qtbot, studio, tmp_path / "Fail.wavesproj")
    view.paste_script("Alice: Hi there.")
    waves_local_faults("status=422@path=/waves/v1/tts")
    renderer = studio.services.projects.renderer
    with qtbot.wait_signal(renderer.render_finished, timeout=20000) as finished:
        view.render_changed()
    assert finished.args == [0, 1]
    segment = projects.project.segments()[0]
    assert states(projects.project)[segment.segment_id] is SegmentState.FAILED
    button = view.rows[projects.project.blocks[0].block_id].stripe_buttons[segment.segment_id]
    assert "render failed" in button.accessibleName()
    waves_local_faults("")
    _render(qtbot, studio)
    assert states(projects.project)[segment.segment_id] is SegmentState.RENDERED


def test_pending_edits_are_written_when_the_studio_shuts_down(qtbot, make_studio, tmp_path):
    """Quitting right after an edit loses nothing: shutdown flushes the autosave."""
    from studio.store.project_file import ProjectFile

    studio = make_studio(start=False)
    path = tmp_path / "Quit.wavesproj"
    projects = _open_new(qtbot, studio, path)
    studio.window.script.view.paste_script("Bob: Last words before quitting.")
    studio.services.projects.shutdown()
    reopened = ProjectFile.open(path)
    try:
        assert [b.text for b in reopened.project.blocks] == ["Last words before quitting."]
    finally:
        reopened.close()
    assert projects.file is None


@pytest.mark.slow
def test_render_button_stops_a_running_render(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local_faults
) -> None:
    """While rendering, the button reads Stop rendering; clicking it ends the run, no take."""
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    studio = make_studio()
    view = studio.window.script.view
    projects = _open_new(qtbot, studio, tmp_path / "Stop.wavesproj")
    view.paste_script("Alice: Hold on.")
    waves_local_faults("stall=3000@path=/waves/v1/tts")
    view.render_changed()
    assert view.render_button.text() == "Stop renderin&g"
    with qtbot.wait_signal(studio.services.projects.renderer.render_finished, timeout=3000):
        qtbot.mouseClick(view.render_button, Qt.MouseButton.LeftButton)
    assert view.render_button.text() == "Render chan&ged"
    assert not view.progress.isVisible()
    assert projects.project.segments()[0].takes == ()


def test_pause_button_and_speaker_chip_edit_and_undo(qtbot, make_studio, tmp_path) -> None:
    """Pause inserts a marker at the caret (a pause after that sentence); the chip moves the
    paragraph to another speaker; both undo."""
    studio = make_studio(start=False)
    window = studio.window
    view = window.script.view
    projects = _open_new(qtbot, studio, tmp_path / "Pause.wavesproj")
    view.paste_script(DIALOGUE)
    window.modes.setCurrentWidget(view)
    window.activateWindow()
    block = projects.project.blocks[0]
    row = view.rows[block.block_id]
    qtbot.mouseClick(row.text.viewport(), Qt.MouseButton.LeftButton)
    cursor = row.text.textCursor()
    cursor.setPosition(len("Hello there."))
    row.text.setTextCursor(cursor)
    qtbot.mouseClick(view.pause_button, Qt.MouseButton.LeftButton)
    block = projects.project.block(block.block_id)
    assert block.text == "Hello there. [pause 1s] How are you today?"
    first = block.segments[0]
    assert (first.text, first.pause_after_s) == ("Hello there.", 1.0)
    assert "⏸1 s" in row.stripe_buttons[first.segment_id].text()

    bob = projects.project.cast.by_name("Bob")
    row.speaker.setCurrentIndex(row.speaker.findData(bob.speaker_id))
    row.speaker.activated.emit(row.speaker.currentIndex())
    assert projects.project.block(block.block_id).speaker_id == bob.speaker_id
    window.script.undo_action.trigger()
    assert projects.project.block(block.block_id).speaker_id != bob.speaker_id
    assert row.speaker.currentText() == "Alice"
    window.script.undo_action.trigger()
    assert projects.project.block(block.block_id).text == "Hello there. How are you today?"


def test_script_tab_swaps_the_line_voice_panel_for_the_cast(qtbot, make_studio) -> None:
    """On the Script tab the single line's voice panel hides; back on Quick line it returns."""
    studio = make_studio(start=False)
    window = studio.window
    window.modes.setCurrentWidget(window.script.view)
    assert not window.side_scroll.isVisible()
    assert window.script.view.cast.isVisible()
    window.modes.setCurrentIndex(0)
    assert window.side_scroll.isVisible()


def test_open_recent_lists_projects_and_opens_them(qtbot, make_studio, tmp_path) -> None:
    """File → Open Recent names the recent projects (newest first); choosing one opens it."""
    studio = make_studio(start=False)
    script = studio.window.script
    projects = _open_new(qtbot, studio, tmp_path / "First.wavesproj")
    _open_new(qtbot, studio, tmp_path / "Second.wavesproj")
    script.recent_menu.aboutToShow.emit()
    names = [a.text() for a in script.recent_menu.actions()]
    assert names[:2] == ["Second.wavesproj", "First.wavesproj"]
    with qtbot.wait_signal(projects.file_changed, timeout=5000) as opened:
        script.recent_menu.actions()[1].trigger()
    assert opened.args == [str(tmp_path / "First.wavesproj")]
    assert studio.window.windowTitle().startswith("First")
    file_menu = studio.window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts[:5] == [
        "&New project…", "&Open project…", "Open &Recent", "Save Project &As…", "Close projec&t",
    ]  # fmt: skip


def test_new_paragraph_is_typed_in_and_an_emptied_one_goes(qtbot, make_studio, tmp_path) -> None:
    """New paragraph adds a row to type in; emptying a paragraph removes it; undo restores."""
    studio = make_studio(start=False)
    window = studio.window
    view = window.script.view
    projects = _open_new(qtbot, studio, tmp_path / "Type.wavesproj")
    window.modes.setCurrentWidget(view)
    window.activateWindow()
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    (block,) = projects.project.blocks
    row = view.rows[block.block_id]
    qtbot.keyClicks(row.text, "First words. Second words.")
    qtbot.keyClick(row.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    block = projects.project.block(block.block_id)
    assert [s.text for s in block.segments] == ["First words.", "Second words."]
    assert len(row.stripe_buttons) == 2
    row.text.clear()
    qtbot.keyClick(row.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert projects.project.blocks == ()
    assert view.rows == {}
    window.script.undo_action.trigger()
    assert [b.text for b in projects.project.blocks] == ["First words. Second words."]


@pytest.mark.slow
def test_a_sentence_locked_while_rendering_keeps_its_choice(
    qtbot, make_studio, tmp_path, monkeypatch, waves_local_faults
) -> None:
    """A take that arrives for a sentence locked meanwhile is kept but not chosen."""
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    studio = make_studio()
    view = studio.window.script.view
    projects = _open_new(qtbot, studio, tmp_path / "Locked.wavesproj")
    view.paste_script("Alice: Wait for it.")
    (segment,) = projects.project.segments()
    waves_local_faults("latency=500@path=/waves/v1/tts")
    with qtbot.wait_signal(studio.services.projects.renderer.render_finished, timeout=10000):
        view.render_changed()
        projects.edit(lambda e: e.set_locked(segment.segment_id, True))
    segment = projects.project.segment(segment.segment_id)
    assert len(segment.takes) == 1
    assert segment.chosen_take == ""


def test_render_changed_asks_for_a_voice_first(qtbot, make_studio, waves_local, tmp_path) -> None:
    """A speaker with no voice yet: Render changed names them and sends nothing."""
    studio = make_studio()
    view = studio.window.script.view
    projects = studio.services.projects.projects
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.new(tmp_path / "Voiceless.wavesproj", "")
    view.paste_script("Some words.")
    waves_local.stats.reset()
    with qtbot.wait_signal(view.status, timeout=1000) as said:
        view.render_changed()
    assert said.args == ["Pick a voice for Narrator in the cast first."]
    assert not studio.services.projects.renderer.busy
    assert _syntheses(waves_local) == 0


def test_add_speaker_from_the_cast_panel(qtbot, make_studio, tmp_path, monkeypatch) -> None:
    """Add speaker asks for a name and puts the speaker in the cast and on every chip."""
    monkeypatch.setattr(dialogs, "ask_name", lambda *a, **k: "Carol")
    studio = make_studio(start=False)
    view = studio.window.script.view
    projects = _open_new(qtbot, studio, tmp_path / "Carol.wavesproj")
    view.paste_script("Hello.")
    qtbot.mouseClick(view.cast.add_button, Qt.MouseButton.LeftButton)
    carol = projects.project.cast.by_name("Carol")
    assert carol is not None
    assert view.cast.editors[carol.speaker_id].name.text() == "Carol"
    row = next(iter(view.rows.values()))
    assert row.speaker.findData(carol.speaker_id) >= 0


def test_summary_follows_a_stream_of_changes(qtbot, make_studio, tmp_path) -> None:
    """The summary is throttled, not starved: changes closer than its delay still update it."""
    studio = make_studio(start=False)
    view = studio.window.script.view
    projects = _open_new(qtbot, studio, tmp_path / "Stream.wavesproj")
    view.paste_script("One. Two.")
    qtbot.wait_until(lambda: view.summary.text().startswith("2 sentences"), timeout=2000)
    texts = iter(f"One. Two. Three{'!' * n}" for n in range(1, 1000))

    def change() -> None:  # an edit every 50 ms, as renders arrive
        block_id = projects.project.blocks[0].block_id
        projects.edit(lambda e: e.set_block_text(block_id, next(texts)))

    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(change)
    timer.start(50)
    try:
        qtbot.wait_until(lambda: view.summary.text().startswith("3 sentences"), timeout=2000)
    finally:
        timer.stop()


def _assert_menu_arrow_clears_text(button: QWidget) -> None:
    """The Takes button has room for its text and, beside it, its menu arrow (not over "(2)")."""
    assert isinstance(button, QAbstractButton)
    style = button.style()
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button)
    text = button.fontMetrics().horizontalAdvance(button.text())
    assert button.sizeHint().width() >= text + arrow + margin  # what the bar's layout gives it
