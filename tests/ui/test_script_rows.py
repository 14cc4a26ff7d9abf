"""The Script view of a long project builds rows only near the screen, and every Script
behaviour (find, read-along, typing, Tab, editing) still reaches paragraphs far off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studio.ui.script_summary import summary

PARAGRAPHS = 5000
MOST_ROWS = 60  # a 600 px screen holds about ten; a screen above and two below are built


@pytest.fixture
def long_view(qtbot, make_studio, tmp_path):
    """The studio's Script tab with a new project of PARAGRAPHS pasted paragraphs."""
    studio = make_studio(start=False)
    window = studio.window
    projects = studio.services.projects.projects
    with qtbot.wait_signal(projects.file_changed, timeout=5000):
        projects.new(tmp_path / "Long.wavesproj", "")
    view = window.script.view
    window.modes.setCurrentWidget(view)
    window.resize(1000, 760)
    window.activateWindow()
    qtbot.wait_until(lambda: view.rows_scroll.viewport().height() > 200)
    text = "\n\n".join(f"Paragraph {n} is here. It says word{n} twice." for n in range(PARAGRAPHS))
    view.paste_script(text)  # shown at once, through project_changed
    return view, projects, studio.services.projects.player


def test_a_5000_paragraph_project_builds_rows_only_near_the_screen(qtbot, long_view) -> None:
    """Showing builds the screen's rows at once and a few more while idle; scrolling to the
    end builds the rows there and reuses those left behind: never one per paragraph."""
    view, projects, _player = long_view
    rows = view.rows_scroll
    assert len(projects.project.blocks) == PARAGRAPHS
    assert 0 < rows.built <= 20  # what show_project itself cost: the screen's rows
    on_screen = rows.built
    qtbot.wait_until(lambda: rows.settled)
    # The next screen's rows were built while idle, so scrolling on builds nothing at first.
    assert on_screen + 5 <= rows.built <= MOST_ROWS and len(view.rows) <= MOST_ROWS
    assert rows.paragraphs == PARAGRAPHS
    # As wide as the viewport beside the scroll bar (which appeared once the heights summed).
    assert {r.width() for r in view.rows.values()} == {rows.viewport().width()}
    first = projects.project.blocks[0]
    assert view.rows[first.block_id].text.toPlainText() == first.text
    bar = rows.verticalScrollBar()
    assert bar.maximum() > PARAGRAPHS * 40  # every paragraph has its height in the scroll range

    bar.setValue(bar.maximum())
    qtbot.wait_until(lambda: rows.settled)
    last = projects.project.blocks[-1]
    assert last.block_id in view.rows and first.block_id not in view.rows
    assert len(view.rows) <= MOST_ROWS and rows.built <= 2 * MOST_ROWS
    assert view.rows[last.block_id].visibleRegion().isEmpty() is False

    # An edit far off screen builds nothing; the edited paragraph shows it when scrolled to.
    middle = projects.project.blocks[PARAGRAPHS // 2]
    before = rows.built
    projects.edit(lambda e: e.set_block_text(middle.block_id, "Changed far away."))
    assert rows.built == before
    row = rows.reveal(middle.block_id)
    assert row is not None and row.text.toPlainText() == "Changed far away."
    assert not row.visibleRegion().isEmpty()


def test_find_and_read_along_reach_paragraphs_never_built(qtbot, long_view) -> None:
    """Going to a match off screen builds its row, lights it and selects its sentence; the
    segment being spoken is scrolled to wherever it is."""
    view, projects, player = long_view
    qtbot.wait_until(lambda: view.rows_scroll.settled)
    target = projects.project.blocks[4000]
    view.open_find()
    view.find_bar.find_edit.setText("word4000")
    view.finder.refresh_query()
    assert view.find_bar.count_label.text() == "1 of 1"
    row = view.rows[target.block_id]
    assert len(row.text.extraSelections()) == 1
    assert not row.visibleRegion().isEmpty()
    assert view.selected == target.segments[1].segment_id  # "It says word4000 twice."
    view.finder.close()
    assert row.text.hasFocus() and row.text.caret() == target.text.index("word4000")

    spoken = projects.project.blocks[1234].segments[0].segment_id
    player.current = spoken
    player.segment_changed.emit(spoken)
    row = view.rows[projects.project.blocks[1234].block_id]
    assert not row.visibleRegion().isEmpty()
    assert row.stripe_buttons[spoken].font().bold()


def test_typing_survives_scrolling_and_tab_walks_on_in_reading_order(qtbot, long_view) -> None:
    """The row being typed in is kept while it is scrolled away, and its text is committed;
    Tab goes from a paragraph's last stripe to the next paragraph's speaker, built or not."""
    view, projects, _player = long_view
    qtbot.wait_until(lambda: view.rows_scroll.settled)
    qtbot.wait_until(view.window().isActiveWindow)
    block = projects.project.blocks[2]
    row = view.rows[block.block_id]
    row.text.setFocus()
    row.text.moveCursor(row.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(row.text, " More")
    bar = view.rows_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.wait_until(lambda: view.rows_scroll.settled)
    assert view.rows[block.block_id] is row and row.text.hasFocus()
    row.text.clearFocus()  # the caret leaves: the typing is committed
    assert projects.project.blocks[2].text == block.text + " More"
    # Scrolled away once more, the row is reused for another paragraph: the summary, which
    # counted its typing, now counts the project (not the new paragraph's text as block 2's).
    bar.setValue(bar.maximum() // 2)
    qtbot.wait_until(lambda: view.rows_scroll.settled)
    assert row.block_id != block.block_id and view.rows[row.block_id] is row
    view.summary.recount()
    qtbot.wait_until(lambda: view.summary.tally.project is projects.project)
    assert view.summary.text() == summary(projects.project)

    # In the middle, the rows above the screen are built after those on it: Tab still goes
    # in reading order across that seam, and past stripes rebuilt by an edit.
    middle = projects.project.blocks[2000].block_id
    view.rows_scroll.reveal(middle)
    qtbot.wait_until(lambda: view.rows_scroll.settled)
    edited = projects.project.blocks[1995]
    projects.edit(lambda e: e.set_block_text(edited.block_id, "New stripes. Here."))
    stripes = view.rows[edited.block_id].stripe_buttons.values()
    qtbot.wait_until(lambda: all(b.isVisible() for b in stripes))  # (Qt shows them queued)
    for n in range(1985, 2010):
        current = view.rows_scroll.reveal(projects.project.blocks[n].block_id)
        assert current is not None
        widget = list(current.stripe_buttons.values())[-1]
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        following = view.rows[projects.project.blocks[n + 1].block_id]
        assert QApplication.focusWidget() is following.speaker, n
        qtbot.keyClick(following.speaker, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        assert QApplication.focusWidget() is widget, n  # Shift+Tab: back to the stripe
    assert view.rows_scroll.built <= 3 * MOST_ROWS
