"""Alt+letter mnemonics: no widget shadows a menu, no two visible widgets share a letter."""

from __future__ import annotations

from collections import defaultdict

import pytest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu, QTabBar, QWidget

from studio.ui.dictionaries_dialog import DictionariesDialog
from studio.ui.preferences_dialog import PreferencesDialog
from studio.ui.voice_browser import VoiceBrowser

pytestmark = pytest.mark.gui


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ('&&' is a literal ampersand), lower case."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def widget_mnemonics(root: QWidget) -> dict[str, list[str]]:
    """Letter -> texts of every mnemonic a user can reach in `root` as it is shown now."""
    found: dict[str, list[str]] = defaultdict(list)

    def add(text: str) -> None:
        letter = mnemonic(text)
        if letter:
            found[letter].append(text)

    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or isinstance(widget, QMenu):
            continue
        buddied = isinstance(widget, QLabel) and widget.buddy() is not None
        if buddied or isinstance(widget, QAbstractButton):
            add(widget.text())  # type: ignore[attr-defined]
        elif isinstance(widget, QGroupBox):
            add(widget.title())
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                add(widget.tabText(index))
    return found


def clashes(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """Only the letters claimed more than once."""
    return {letter: texts for letter, texts in found.items() if len(texts) > 1}


def test_mnemonic_parser() -> None:
    """The parser skips escaped ampersands and finds the marked letter."""
    assert mnemonic("Sa&ve…") == "v"
    assert mnemonic("Fish && &Chips") == "c"
    assert mnemonic("Plain") is None


def test_no_widget_mnemonic_shadows_a_menu_on_any_tab(make_studio) -> None:
    """On every bottom tab, the menu titles and the visible widgets use distinct letters."""
    window = make_studio().window
    menu_letters = {mnemonic(action.text()): action.text() for action in window.menuBar().actions()}
    assert set(menu_letters) >= {"f", "s", "t", "h"}
    tabs = window.bottom_tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        found = widget_mnemonics(window)
        for letter, title in menu_letters.items():
            if letter:
                found[letter].append(f"menu {title}")
        assert clashes(found) == {}, f"tab {tabs.tabText(index)!r}"


def test_each_menu_has_distinct_mnemonics(make_studio) -> None:
    """Within one menu, every item's letter is its own (else Alt+letter only cycles)."""
    window = make_studio().window
    for top in window.menuBar().actions():
        menu = top.menu()
        found: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            letter = mnemonic(action.text())
            if letter:
                found[letter].append(action.text())
        assert clashes(found) == {}, top.text()


def test_dialog_mnemonics_are_distinct(qtbot, make_studio) -> None:
    """Preferences, the voice browser and the dictionaries editor: one letter per control."""
    studio = make_studio()
    s = studio.services
    for dialog in (
        PreferencesDialog(s, studio.window),
        VoiceBrowser(s.voices, s.settings, studio.window),
        DictionariesDialog(s.dictionaries, studio.window),
    ):
        qtbot.add_widget(dialog)
        dialog.show()
        assert clashes(widget_mnemonics(dialog)) == {}, dialog.windowTitle()
