"""The dictionaries dialog: edit through the API, import/export CSV, undo, never lose the table."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from studio.core.models import PronunciationItem
from studio.core.rules_csv import parse_rules_table
from studio.ui import dialogs
from studio.ui.rules_import import ImportPreviewDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot, make_studio):
    """The dialog over one saved dictionary."""
    studio = make_studio()
    service = studio.services.dictionaries
    service.create("Brands", [PronunciationItem("Waves", "wayvz")])
    qtbot.wait_until(lambda: any(d.name == "Brands" for d in service.dictionaries), timeout=5000)
    studio.window.flows.open_dictionaries()
    dlg = studio.window.flows.dialog
    dlg.studio = studio
    row = next(i for i in range(dlg.list.count()) if dlg.list.item(i).text().startswith("Brands"))
    dlg.list.setCurrentRow(row)
    return dlg


def test_edit_and_save_through_the_api(qtbot, dialog) -> None:
    """A new rule typed in the table is saved to the server."""
    row = dialog.table.add_row("GUI", "gooey")
    assert row == 1 and dialog.save_button.isEnabled()
    service = dialog.studio.services.dictionaries
    with qtbot.wait_signal(service.dictionaries_changed, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    items = service.find(dialog._current_id).dictionary.items
    assert [(i.word, i.pronunciation) for i in items] == [("Waves", "wayvz"), ("GUI", "gooey")]
    assert not dialog.save_button.isEnabled()


def test_failed_save_keeps_the_table(qtbot, dialog, waves_local_faults) -> None:
    """A server error leaves every typed rule in place and says so."""
    dialog.table.add_row("Zoë", "zo-ee")
    waves_local_faults("status=500@path=/waves/v1/pronunciation-dicts")
    service = dialog.studio.services.dictionaries
    with qtbot.wait_signal(service.operation_failed, timeout=5000):
        dialog.save()
    assert dialog.table.rows() == [("Waves", "wayvz"), ("Zoë", "zo-ee")]
    assert "Your rules are still here" in dialog.problems.text()


def test_validation_blocks_conflicts(qtbot, dialog) -> None:
    """Two pronunciations for one word are reported and not saved."""
    dialog.table.add_row("Waves", "waves")
    assert "different pronunciations" in dialog.problems.text()
    dialog.save()
    assert "different pronunciations" in dialog.problems.text()


def test_import_preview_add_then_undo(qtbot, dialog, tmp_path, monkeypatch) -> None:
    """Importing shows a preview; adding appends the rules; Undo takes the import back."""
    csv_file = tmp_path / "rules.csv"
    csv_file.write_text(
        'word,pronunciation\nMySQL,my sequel\nGIF,"jif, not gif"\n Zoë ,zo-ee\n', encoding="utf-8"
    )
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(csv_file))
    seen = {}

    def accept(self: ImportPreviewDialog) -> int:
        seen["problems"] = self.problems.text()
        seen["rows"] = self.table.rowCount()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", accept)
    dialog.import_rules()
    assert seen["rows"] == 3 and "spaces" in seen["problems"]
    assert dialog.table.rows() == [
        ("Waves", "wayvz"),
        ("MySQL", "my sequel"),
        ("GIF", "jif, not gif"),
        (" Zoë ", "zo-ee"),
    ]
    dialog.table.undo()
    assert dialog.table.rows() == [("Waves", "wayvz")]


def test_export_round_trips(qtbot, dialog, tmp_path, monkeypatch) -> None:
    """Export writes a CSV that imports back to the same rules (unicode and commas kept)."""
    dialog.table.change([("Zoë", "zo-ee"), ("GIF", "jif, not gif")])
    target = tmp_path / "out.csv"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: (str(target), "CSV (*.csv)"))
    dialog.export_rules()
    rows, notes = parse_rules_table(target.read_text(encoding="utf-8"))
    assert rows == [("Zoë", "zo-ee"), ("GIF", "jif, not gif")] and notes == []


def test_sort_by_column_and_filter(qtbot, dialog) -> None:
    """Clicking a header sorts the rules; the filter hides rows that do not match."""
    dialog.table.change([("b", "2"), ("C", "3"), ("a", "1")])
    dialog.table.horizontalHeader().sectionClicked.emit(0)
    assert [r[0] for r in dialog.table.rows()] in (["a", "b", "C"], ["C", "b", "a"])
    dialog.filter.setText("c")
    hidden = [dialog.table.isRowHidden(r) for r in range(3)]
    assert hidden.count(False) == 1


def test_windows_1252_csv_imports_with_a_note(qtbot, dialog, tmp_path, monkeypatch) -> None:
    """A spreadsheet's Windows-1252 CSV imports its accents, and the preview says how it read."""
    csv_file = tmp_path / "excel.csv"
    csv_file.write_bytes("Zoë,zo-ee\nCafé,ka-fay\n".encode("cp1252"))
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(csv_file))
    seen = {}

    def accept(self: ImportPreviewDialog) -> int:
        seen["problems"] = self.problems.text()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", accept)
    dialog.import_rules()
    assert ("Zoë", "zo-ee") in dialog.table.rows() and "Windows-1252" in seen["problems"]


def test_export_asks_before_replacing(qtbot, dialog, tmp_path, monkeypatch) -> None:
    """Exporting over an existing file asks; 'no' leaves it untouched."""
    target = tmp_path / "keep.csv"
    target.write_text("keep me")
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: (str(target), "CSV (*.csv)"))
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: False)
    dialog.export_rules()
    assert target.read_text() == "keep me"


def test_closing_with_unsaved_rules_asks(qtbot, dialog, monkeypatch) -> None:
    """Esc/Close with unsaved edits asks first; 'no' keeps the dialog and the rules."""
    dialog.table.add_row("New", "rule")
    asked = []
    monkeypatch.setattr(dialogs, "ask", lambda *a, **k: asked.append(a[1]) or False)
    dialog.reject()
    assert asked == ["Discard changes?"] and dialog.isVisible()


def _start_new_dictionary(dialog, monkeypatch, name: str) -> None:
    monkeypatch.setattr(dialogs, "ask_name", lambda *a, **k: name)
    dialog.new_dictionary()
    dialog.table.set_rows([("Qt", "cute")])


def _rules(service, dict_id: str) -> list[tuple[str, str]]:
    return [(i.word, i.pronunciation) for i in service.find(dict_id).dictionary.items]


def test_new_dictionary_is_created_and_selected(qtbot, dialog, monkeypatch) -> None:
    """New, a rule, Save: the server has a new dictionary and the dialog now edits it."""
    service = dialog.studio.services.dictionaries
    before = {d.id for d in service.dictionaries}
    _start_new_dictionary(dialog, monkeypatch, "Tech words")
    with qtbot.wait_signal(service.dictionary_created, timeout=5000):
        dialog.save()
    created = dialog._current_id
    assert created and created not in before
    assert service.find(created).name == "Tech words"
    assert _rules(service, created) == [("Qt", "cute")]
    assert dialog.list.currentItem().text().startswith("Tech words")
    assert not dialog.is_dirty()


def test_a_refresh_while_creating_never_adopts_another_dictionary(
    qtbot, dialog, monkeypatch
) -> None:
    """A dictionary that appears through a refresh is not mistaken for the one being made.

    Adopting it would make the next Save overwrite somebody else's rules.
    """
    service = dialog.studio.services.dictionaries
    _start_new_dictionary(dialog, monkeypatch, "Mine")
    # Someone else (another window, the API console) creates a dictionary meanwhile.
    client = dialog.studio.services.backend.client
    other = client.create_dictionary([PronunciationItem("Other", "uh-ther")])
    with qtbot.wait_signal(service.dictionaries_changed, timeout=5000):
        service.refresh()
    assert dialog._current_id == ""  # still the unsaved one
    with qtbot.wait_signal(service.dictionary_created, timeout=5000):
        dialog.save()
    assert dialog._current_id not in ("", other.id)
    assert _rules(service, other.id) == [("Other", "uh-ther")]
    assert _rules(service, dialog._current_id) == [("Qt", "cute")]
