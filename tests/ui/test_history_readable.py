"""The history is readable at the default size and repeats are not new takes (issue 13, item 2)."""

import pytest
from PySide6.QtCore import Qt

from studio.core.models import PronunciationItem
from studio.ui import dialogs
from studio.ui.takes_model import COLUMNS, TEXT_COLUMN

pytestmark = pytest.mark.gui

LINE = (
    "The history should show this whole sentence, or as much of it as fits, because two takes "
    "of the same text differ only in their voice, their dictionaries and their speed."
)


def _speak(qtbot, studio, text: str = LINE):
    studio.window.editor_panel.set_text(text)
    with qtbot.wait_signal(studio.services.synthesis.synthesis_finished, timeout=10000) as done:
        studio.window.flows.synthesize()
    return done.args[1]


def _rows(qtbot, studio, count: int):
    panel = studio.window.history_panel
    studio.window.take_flows.show_history()
    qtbot.wait_until(lambda: len(panel.model.takes) == count, timeout=5000)
    return panel


def _cell(panel, row: int, name: str, role=Qt.ItemDataRole.DisplayRole):
    return panel.model.index(row, COLUMNS.index(name)).data(role)


def test_history_rows_name_voices_and_dictionaries_and_count_repeats(qtbot, make_studio) -> None:
    """A cache repeat is a use of the take, not a row; voices show names, dictionaries show."""
    studio = make_studio()
    services = studio.services
    services.settings.set("synthesis/voice_id", "tone-alto")
    first = _speak(qtbot, studio)
    again = _speak(qtbot, studio)
    assert again.from_cache and again.take.take_id == first.take.take_id
    panel = _rows(qtbot, studio, 1)
    qtbot.wait_until(lambda: _cell(panel, 0, "Uses") == "2×", timeout=5000)  # newest page
    assert _cell(panel, 0, "Voice") == "Tone Alto"
    assert _cell(panel, 0, "Dictionaries") == "none"
    assert "from the cache once" in _cell(panel, 0, "Text", Qt.ItemDataRole.ToolTipRole)

    created = services.backend.client.create_dictionary([PronunciationItem("history", "histery")])
    services.dictionaries.refresh()
    qtbot.wait_until(lambda: services.dictionaries.find(created.id) is not None, timeout=5000)
    services.dictionaries.rename(created.id, "Place names")
    qtbot.wait_until(lambda: services.dictionaries.find(created.id).name == "Place names")
    services.settings.set("synthesis/dictionary_ids", [created.id])
    with_dict = _speak(qtbot, studio)
    panel = _rows(qtbot, studio, 2)
    qtbot.wait_until(lambda: _cell(panel, 0, "Dictionaries") == "Place names", timeout=5000)
    assert _cell(panel, 1, "Dictionaries") == "none"
    # The take on screen is the one History marks.
    assert panel.model.current_id == with_dict.take.take_id
    assert _cell(panel, 0, "Text", Qt.ItemDataRole.FontRole).bold()
    assert _cell(panel, 1, "Text", Qt.ItemDataRole.FontRole) is None


def test_text_gets_the_room_at_the_default_size(qtbot, make_studio) -> None:
    """At the default window size the Text column is the widest, elided, with a tooltip."""
    from PySide6.QtCore import QSize

    from studio.ui.layout import default_size

    studio = make_studio()
    # The default size on a 1366x768 laptop (the offscreen screen is only 800x600).
    window = studio.window
    window.resize(default_size(QSize(1366, 738), window.minimumSizeHint()))
    _speak(qtbot, studio)
    panel = _rows(qtbot, studio, 1)
    table = panel.table
    header = table.horizontalHeader()

    def widths() -> tuple[int, list[int]]:
        text = header.sectionSize(TEXT_COLUMN)
        return text, [header.sectionSize(c) for c in range(len(COLUMNS)) if c != TEXT_COLUMN]

    def text_is_widest() -> bool:
        text, others = widths()
        return text >= 160 and text > max(others)

    # Column widths settle over a few layout passes (names arrive, contents are measured).
    qtbot.wait_until(text_is_widest, timeout=3000)
    assert text_is_widest(), widths()
    assert table.textElideMode() == Qt.TextElideMode.ElideRight
    assert LINE in _cell(panel, 0, "Text", Qt.ItemDataRole.ToolTipRole)


def test_a_take_saved_again_is_named_with_its_time(
    qtbot, make_studio, tmp_path, monkeypatch
) -> None:
    """History → Save suggests a name made from the take's own time, not the time now."""
    import datetime as dt

    from studio.ui.take_flows import take_time

    studio = make_studio()
    _speak(qtbot, studio, "An old take.")
    panel = _rows(qtbot, studio, 1)
    take = panel.model.takes[0]
    old = take.__class__(**{**take.__dict__, "created_at": "2024-03-05T09:07:00Z"})
    suggested: list[str] = []
    monkeypatch.setattr(
        dialogs, "save_file_name", lambda _w, _t, name, *a: (suggested.append(name), ("", ""))[1]
    )
    with qtbot.wait_signal(studio.services.history.take_loaded, timeout=5000):
        studio.window.take_flows.export_take(old)
    when = take_time(old)
    assert when is not None and when.year == 2024
    assert suggested and when.strftime("%Y-%m-%d") in suggested[0]
    assert dt.date.today().isoformat() not in suggested[0]
