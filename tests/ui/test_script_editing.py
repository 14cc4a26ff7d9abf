"""The Script tab's editing tools: find and replace, the summary's counts, Enter and Backspace,
a sentence's own voice and speed, speaker colours and dictionaries; each undoable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from studio.core.models import PronunciationItem
from studio.core.project import SegmentTake
from studio.core.project_state import SegmentState, segment_key, states, voicing
from studio.ui import dialogs
from tests.ui.test_script_view import TTS, _open_new, _render

CTRL = Qt.KeyboardModifier.ControlModifier
PETS = "Alice: The cat sat down. A dog ran off.\n\nBob: My Cat is here. Nothing else happened."


def _fake_render(projects) -> None:
    """Give every segment a current take, as Render changed would (no synthesis needed)."""
    for block in projects.project.blocks:
        for segment in block.segments:
            key = segment_key(projects.project, block, segment)
            voice = voicing(projects.project, block, segment).voice_id
            take = SegmentTake(
                f"t{segment.segment_id}-{len(segment.takes)}", key, segment.text, 1.0, 24000, voice
            )
            projects.edit(lambda e, s=segment, t=take: e.add_take(s.segment_id, t))


def _stale(projects) -> list[str]:
    return [k for k, v in states(projects.project).items() if v is SegmentState.STALE]


def _script_tab(studio, qtbot, path):
    window = studio.window
    projects = _open_new(qtbot, studio, path)
    window.modes.setCurrentWidget(window.script.view)
    window.activateWindow()
    return window.script.view, projects


def test_find_and_replace_across_the_project(qtbot, make_studio, tmp_path) -> None:
    """Ctrl+F finds across paragraphs (highlighted, next/previous, match case); Ctrl+H's Replace
    all changes only the matching sentences in one undo step; Esc closes the bar."""
    studio = make_studio(start=False)
    view, projects = _script_tab(studio, qtbot, tmp_path / "Find.wavesproj")
    view.paste_script(PETS)
    _fake_render(projects)
    rows = [view.rows[b.block_id] for b in projects.project.blocks]
    tabs = studio.window.modes.tabBar()
    tabs.setFocus()  # as after a click on the Script tab
    qtbot.keyClick(tabs, Qt.Key.Key_F, CTRL)
    bar = view.find_bar
    assert bar.isVisible() and not bar.replace_edit.isVisible()
    assert bar.find_edit.hasFocus()
    qtbot.keyClicks(bar.find_edit, "cat")
    qtbot.wait_until(lambda: bar.count_label.text() == "1 of 2", timeout=2000)  # once typing stops
    assert [len(r.text.extraSelections()) for r in rows] == [1, 1]
    first = projects.project.blocks[0].segments[0].segment_id
    assert view.selected == first
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "2 of 2"
    assert view.selected == projects.project.blocks[1].segments[0].segment_id
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_label.text() == "1 of 2"
    bar.case_box.setChecked(True)
    assert bar.count_label.text() == "1 of 1"
    assert [len(r.text.extraSelections()) for r in rows] == [1, 0]
    bar.case_box.setChecked(False)

    # On the Script tab Ctrl+H is Find and replace, not History.
    assert studio.window.commands.history.shortcuts() == []
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_H, CTRL)
    assert bar.replace_edit.isVisible() and bar.replace_edit.hasFocus()
    qtbot.keyClicks(bar.replace_edit, "bird")
    before = projects.project
    qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    texts = [b.text for b in projects.project.blocks]
    assert texts == ["The bird sat down. A dog ran off.", "My bird is here. Nothing else happened."]
    cats = [before.blocks[0].segments[0].segment_id, before.blocks[1].segments[0].segment_id]
    assert sorted(_stale(projects)) == sorted(cats)
    assert bar.count_label.text() == "No matches"
    assert studio.window.statusBar().currentMessage() == "Replaced 2 match(es) in 2 paragraph(s)."
    assert studio.window.script.undo_action.text() == "&Undo Replace all"
    studio.window.script.undo_action.trigger()
    assert projects.project.blocks == before.blocks
    qtbot.wait_until(lambda: bar.count_label.text() == "1 of 2", timeout=2000)

    # Replace (Enter in its field): this match only, then on to the next.
    bar.replace_edit.setFocus()
    qtbot.keyClick(bar.replace_edit, Qt.Key.Key_Return)
    assert projects.project.blocks[0].text.startswith("The bird sat")
    assert projects.project.blocks[1].text.startswith("My Cat")
    assert bar.count_label.text() == "1 of 1"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert [len(r.text.extraSelections()) for r in rows] == [0, 0]
    assert rows[1].text.hasFocus() and rows[1].text.caret() == len("My ")  # back at the match
    studio.window.modes.setCurrentIndex(0)
    assert studio.window.commands.history.shortcuts()[0].toString() == "Ctrl+H"
    qtbot.keyClick(tabs, Qt.Key.Key_F, CTRL)  # the Quick line tab has no find bar
    assert not bar.isVisible()


def test_summary_counts_words_characters_and_length_while_typing(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """The summary gives words, characters and the length (takes as rendered, the rest at the
    voice's measured rate) and follows text typed before it is committed."""
    studio = make_studio(start=False)
    view, projects = _script_tab(studio, qtbot, tmp_path / "Count.wavesproj")
    view.paste_script("Alice: One two three. Four five.")
    qtbot.wait_until(lambda: "5 words" in view.summary.text(), timeout=2000)
    assert view.summary.text() == "2 sentences · 2 to render · 0:02 · 5 words · 24 characters"
    _fake_render(projects)  # 2 takes of 1 s each, then the paragraph pause of 0.5 s
    qtbot.wait_until(lambda: view.summary.text().startswith("2 sentences · 0:03 · "), timeout=2000)
    assert "2.0 s" not in view.summary.toolTip() and "0:02 of rendered" in view.summary.toolTip()
    row = next(iter(view.rows.values()))
    row.text.setFocus()
    row.text.moveCursor(row.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(row.text, " Six seven eight nine ten eleven twelve thirteen.")
    # Not committed yet, but counted: 48 more characters at the measured 12 characters/s.
    qtbot.wait_until(lambda: "13 words" in view.summary.text(), timeout=2000)
    assert view.summary.text() == "3 sentences · 1 to render · 0:07 · 13 words · 72 characters"
    assert len(projects.project.segments()) == 2

    # A keystroke recounts that paragraph only (another paragraph is left alone).
    view.paste_script("Bob: Another paragraph.")
    qtbot.wait_until(lambda: "15 words" in view.summary.text(), timeout=2000)
    import studio.core.project_stats as stats

    counted: list[str] = []
    real = stats.block_figures
    monkeypatch.setattr(
        stats, "block_figures", lambda p, b: counted.append(b.block_id) or real(p, b)
    )
    row.text.setFocus()
    qtbot.keyClicks(row.text, " Fourteen.")
    qtbot.wait_until(lambda: "16 words" in view.summary.text(), timeout=2000)
    assert set(counted) == {row.block_id}


def test_enter_splits_backspace_joins_shift_enter_breaks_all_undoable(
    qtbot, make_studio, tmp_path
) -> None:
    """Enter splits at the caret (takes kept), Backspace at a start and Delete at an end join,
    Shift+Enter adds a line in the same paragraph; Ctrl+Z in the new paragraph undoes the
    split."""
    studio = make_studio(start=False)
    view, projects = _script_tab(studio, qtbot, tmp_path / "Split.wavesproj")
    view.paste_script("Narrator: First sentence. Second sentence.")
    _fake_render(projects)
    (block,) = projects.project.blocks
    row = view.rows[block.block_id]
    row.text.setFocus()
    cursor = row.text.textCursor()
    cursor.setPosition(len("First sentence."))
    row.text.setTextCursor(cursor)
    qtbot.keyClick(row.text, Qt.Key.Key_Return)
    first, second = projects.project.blocks
    assert (first.text, second.text) == ("First sentence.", "Second sentence.")
    assert set(states(projects.project).values()) == {SegmentState.RENDERED}  # takes moved along
    new_row = view.rows[second.block_id]
    assert new_row.text.hasFocus() and new_row.text.textCursor().position() == 0
    assert row.text.toPlainText() == "First sentence."

    qtbot.keyClick(new_row.text, Qt.Key.Key_Backspace)
    (joined,) = projects.project.blocks
    assert joined.text == block.text
    assert set(states(projects.project).values()) == {SegmentState.RENDERED}
    assert row.text.hasFocus() and row.text.textCursor().position() == len("First sentence. ")
    assert studio.window.script.undo_action.text() == "&Undo Join paragraphs"
    studio.window.script.undo_action.trigger()
    assert [b.text for b in projects.project.blocks] == ["First sentence.", "Second sentence."]
    new_row = view.rows[projects.project.blocks[1].block_id]
    new_row.text.setFocus()
    qtbot.keyClick(new_row.text, Qt.Key.Key_Z, CTRL)  # nothing typed here: the project's undo
    assert [b.text for b in projects.project.blocks] == [block.text]
    studio.window.script.redo_action.trigger()
    assert len(projects.project.blocks) == 2

    row.text.setFocus()
    row.text.moveCursor(row.text.textCursor().MoveOperation.End)
    qtbot.keyClick(row.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(row.text, "A new line")
    qtbot.keyClick(row.text, Qt.Key.Key_Return, CTRL)
    first = projects.project.blocks[0]
    assert first.text == "First sentence.\nA new line"
    assert [s.text for s in first.segments] == ["First sentence.", "A new line"]
    assert len(projects.project.blocks) == 2

    # Delete at the end joins the next paragraph, with the typing not yet committed: one step.
    row.text.moveCursor(row.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(row.text, " here.")
    qtbot.keyClick(row.text, Qt.Key.Key_Delete)
    (joined,) = projects.project.blocks
    assert joined.text == "First sentence.\nA new line here. Second sentence."
    assert row.text.hasFocus()
    assert row.text.textCursor().position() == len("First sentence.\nA new line here.")
    studio.window.script.undo_action.trigger()
    assert [b.text for b in projects.project.blocks] == [first.text, "Second sentence."]


# A popup menu on the offscreen platform says it cannot raise or grab: nothing is wrong.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
def test_sentence_voice_and_speed_overrides(qtbot, make_studio, tmp_path) -> None:
    """A sentence's own voice and speed (from its bar or its stripe's context menu) make only it
    stale and mark its stripe; Use speaker's restores it; each step undoes."""
    studio = make_studio()
    view, projects = _script_tab(studio, qtbot, tmp_path / "Own.wavesproj")
    view.paste_script("Alice: Hello there. How are you today?")
    _fake_render(projects)
    block = projects.project.blocks[0]
    target = block.segments[1].segment_id
    view.select_segment(target)
    bar = view.bar
    speaker_voice = projects.project.cast.get(block.speaker_id).voice_id
    other = next(
        i for i in range(1, bar.voice_combo.count()) if bar.voice_combo.itemData(i) != speaker_voice
    )
    bar.voice_combo.setCurrentIndex(other)
    bar.voice_combo.activated.emit(other)
    voice = bar.voice_combo.itemData(other)
    assert projects.project.segment(target).voice_id == voice
    assert _stale(projects) == [target]
    stripe = view.rows[block.block_id].stripe_buttons[target]
    assert "✱" in stripe.text() and f"own voice {voice}" in stripe.accessibleName()
    assert "✱" not in view.rows[block.block_id].stripe_buttons[block.segments[0].segment_id].text()
    bar.speed_spin.setValue(1.3)
    bar.speed_spin.editingFinished.emit()
    assert projects.project.segment(target).speed == 1.3
    assert "own speed 1.3×" in bar.label.text()
    assert bar.clear_button.isEnabled()
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    segment = projects.project.segment(target)
    assert (segment.voice_id, segment.speed) == (None, None)
    assert _stale(projects) == []  # the speaker's voice again: the take is current
    assert bar.speed_spin.text() == "Speaker's speed (1×)" and bar.voice_combo.currentIndex() == 0
    name = next(
        v.display_name for v in studio.services.voices.voices if v.voice_id == speaker_voice
    )
    assert bar.voice_combo.currentText() == f"Speaker's voice ({name})"
    studio.window.script.undo_action.trigger()
    assert projects.project.segment(target).speed == 1.3
    studio.window.script.undo_action.trigger()
    studio.window.script.undo_action.trigger()
    assert projects.project.segment(target).voice_id is None
    studio.window.script.redo_action.trigger()
    assert projects.project.segment(target).voice_id == voice

    # The same from a right-click on a sentence's stripe.
    first = block.segments[0].segment_id
    view.rows[block.block_id].stripe_buttons[first].customContextMenuRequested.emit(QPoint(2, 2))
    assert view.selected == first
    menu = view.segment_menu
    (speeds,) = [a.menu() for a in menu.actions() if a.text() == "Speed"]
    (fast,) = [a for a in speeds.actions() if a.text() == "1.2×"]
    fast.trigger()
    menu.hide()  # as a click on an item does
    assert projects.project.segment(first).speed == 1.2
    assert set(_stale(projects)) == {first, target}
    view.rows[block.block_id].stripe_buttons[first].customContextMenuRequested.emit(QPoint(2, 2))
    (clear,) = [a for a in view.segment_menu.actions() if a.text() == "Use speaker's"]
    clear.trigger()
    view.segment_menu.hide()
    assert projects.project.segment(first).speed is None


def test_speaker_colour_and_dictionaries(qtbot, make_studio, tmp_path, monkeypatch) -> None:
    """A speaker's colour (picked, on the chips, saved in the file) and dictionaries (from
    waves-local, their rules snapshotted, "N segments changed"); both undo."""
    studio = make_studio()
    dictionaries = studio.services.dictionaries
    with qtbot.wait_signal(dictionaries.dictionaries_changed, timeout=5000):
        dictionaries.create("Names", [PronunciationItem("Bob", "Robert")])
    (names,) = [d for d in dictionaries.dictionaries if d.name == "Names"]
    path = tmp_path / "Colours.wavesproj"
    view, projects = _script_tab(studio, qtbot, path)
    view.paste_script("Alice: Hi Bob.\n\nBob: Hi. How are you?")
    _fake_render(projects)
    bob = projects.project.cast.by_name("Bob")
    editor = view.cast.editors[bob.speaker_id]

    monkeypatch.setattr(dialogs, "pick_colour", lambda _p, _t, colour: "#123456")
    qtbot.mouseClick(editor.colour_button, Qt.MouseButton.LeftButton)
    assert projects.project.cast.get(bob.speaker_id).colour == "#123456"
    assert editor.colour_button.toolTip().startswith("#123456")
    bob_row = view.rows[projects.project.blocks[1].block_id]
    assert "#123456" in bob_row.speaker.styleSheet()
    assert _stale(projects) == []  # a colour is not a voicing change
    studio.window.script.undo_action.trigger()
    assert projects.project.cast.get(bob.speaker_id).colour == bob.colour
    studio.window.script.redo_action.trigger()

    (action,) = [a for a in editor.dict_menu.actions() if a.text() == "Names"]
    action.trigger()
    assert projects.project.cast.get(bob.speaker_id).dictionaries == (names.id,)
    assert projects.project.rules(names.id) == (("Bob", "Robert"),)
    assert view.cast.stale_label.text() == "2 segments changed"
    assert len(_stale(projects)) == 2
    assert editor.dict_button.text() == "Names"
    studio.window.script.undo_action.trigger()
    assert projects.project.cast.get(bob.speaker_id).dictionaries == ()
    assert _stale(projects) == []
    studio.window.script.redo_action.trigger()
    _fake_render(projects)  # rendered with the dictionary
    assert _stale(projects) == []

    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.close()
    projects.files.pool.waitForDone(5000)
    from studio.store.project_file import ProjectFile

    reopened = ProjectFile.open(path)
    try:
        assert reopened.project.cast.get(bob.speaker_id).colour == "#123456"
    finally:
        reopened.close()
    # A rule edited while the project is closed: on opening, Bob's sentences are stale.
    with qtbot.wait_signal(dictionaries.dictionaries_changed, timeout=5000):
        dictionaries.update(names.id, [PronunciationItem("Bob", "Bobby")])
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        studio.window.script.open_path(path)
    assert projects.project.rules(names.id) == (("Bob", "Bobby"),)
    assert len(_stale(projects)) == 2
    # And while it is open: the cast panel says what the rule change cost.
    _fake_render(projects)
    view.cast.show_stale(0)
    with qtbot.wait_signal(dictionaries.dictionaries_changed, timeout=5000):
        dictionaries.update(names.id, [PronunciationItem("Bob", "Robert")])
    assert len(_stale(projects)) == 2
    assert view.cast.stale_label.text() == "2 segments changed"


def test_pause_puts_the_caret_back_after_the_marker(qtbot, make_studio, tmp_path) -> None:
    """Pause inserts `[pause 1s]` at the caret and typing goes on right after it; one undo."""
    studio = make_studio(start=False)
    view, projects = _script_tab(studio, qtbot, tmp_path / "Pause.wavesproj")
    view.paste_script("Alice: Hello there. How are you today?")
    row = next(iter(view.rows.values()))
    qtbot.mouseClick(row.text.viewport(), Qt.MouseButton.LeftButton)
    cursor = row.text.textCursor()
    cursor.setPosition(len("Hello there."))
    row.text.setTextCursor(cursor)
    qtbot.mouseClick(view.pause_button, Qt.MouseButton.LeftButton)
    assert row.text.hasFocus()
    assert row.text.textCursor().position() == len("Hello there. [pause 1s] ")
    qtbot.keyClicks(row.text, "Well. ")
    qtbot.keyClick(row.text, Qt.Key.Key_Return, CTRL)
    block = projects.project.blocks[0]
    assert block.text == "Hello there. [pause 1s] Well. How are you today?"
    studio.window.script.undo_action.trigger()
    studio.window.script.undo_action.trigger()
    assert projects.project.blocks[0].text == "Hello there. How are you today?"


@pytest.mark.slow
def test_replace_all_and_a_sentence_voice_rerender_only_those(
    qtbot, make_studio, waves_local, tmp_path, monkeypatch
) -> None:
    """Against waves-local: after Replace all and one sentence's own voice, Render changed
    sends exactly the changed sentences, and the overridden one is spoken by its own voice."""
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: True)
    studio = make_studio()
    view, projects = _script_tab(studio, qtbot, tmp_path / "Rerender.wavesproj")
    view.paste_script(PETS)
    _render(qtbot, studio)
    view.open_find(replace=True)
    view.find_bar.find_edit.setText("cat")
    view.find_bar.replace_edit.setText("bird")
    qtbot.mouseClick(view.find_bar.replace_all_button, Qt.MouseButton.LeftButton)
    target = projects.project.blocks[1].segments[1]  # "Nothing else happened."
    view.select_segment(target.segment_id)
    speaker_voice = projects.project.cast.get(projects.project.blocks[1].speaker_id).voice_id
    index = next(
        i
        for i in range(1, view.bar.voice_combo.count())
        if view.bar.voice_combo.itemData(i) != speaker_voice
    )
    view.bar.voice_combo.setCurrentIndex(index)
    view.bar.voice_combo.activated.emit(index)
    own_voice = view.bar.voice_combo.itemData(index)
    assert len(_stale(projects)) == 3
    waves_local.stats.reset()
    _render(qtbot, studio)
    assert waves_local.stats.requests(TTS) == 3
    assert projects.project.segment(target.segment_id).take().voice_id == own_voice
    assert _stale(projects) == []


def test_enter_and_find_count_an_emoji_as_one_character(qtbot, make_studio, tmp_path) -> None:
    """Qt counts an emoji as two positions: Enter after one still splits at the caret, and a
    match after one is highlighted on its own letters."""
    studio = make_studio(start=False)
    view, projects = _script_tab(studio, qtbot, tmp_path / "Emoji.wavesproj")
    view.paste_script("Narrator: Wow 😀 great. Then the cat left.")
    row = next(iter(view.rows.values()))
    row.text.setFocus()
    row.text.set_caret(len("Wow 😀 great. "))  # before "Then"
    assert row.text.textCursor().position() == len("Wow 😀 great. ") + 1  # UTF-16 units
    qtbot.keyClick(row.text, Qt.Key.Key_Return)
    assert [b.text for b in projects.project.blocks] == ["Wow 😀 great.", "Then the cat left."]
    projects.edit(lambda e: e.undo())
    view.open_find()
    view.find_bar.find_edit.setText("cat")
    view.finder.refresh_query()
    (selection,) = row.text.extraSelections()
    assert selection.cursor.selectedText() == "cat"
