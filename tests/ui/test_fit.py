"""Default size follows the screen; nothing is clipped at 1366x768 or 1920x1080."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel

from studio.ui import dialogs
from studio.ui.layout import SIDE_SHARE, default_size, dialog_size
from studio.ui.preferences_dialog import PreferencesDialog
from studio.ui.voice_browser import VoiceBrowser
from tests.ui.fit import clipped

pytestmark = pytest.mark.gui
SCREENS = [QSize(1366, 768 - 32), QSize(1920, 1080 - 32)]  # the work area below a top panel


def test_default_size_is_most_of_the_screen() -> None:
    """About 80 % of the available area, never under the minimum nor over the screen."""
    assert default_size(QSize(1920, 1048), QSize(760, 480)) == QSize(1536, 838)
    assert default_size(QSize(1366, 736), QSize(760, 480)) == QSize(1093, 589)
    assert default_size(QSize(800, 500), QSize(760, 480)) == QSize(760, 480)
    assert default_size(QSize(700, 400), QSize(760, 480)) == QSize(700, 400)


def test_fresh_window_opens_at_the_default_size(make_studio) -> None:
    """A profile with no saved geometry opens at 80 % of its screen, not a fixed 1100x700."""
    window = make_studio().window
    available = window.screen().availableGeometry().size()
    assert window.size() == default_size(available, window.minimumSize())


@pytest.mark.parametrize("screen", SCREENS, ids=["1366x768", "1920x1080"])
def test_main_window_text_fits_at_default_size(qtbot, make_studio, screen: QSize) -> None:
    """Every label, button and combo item of the window shows in full (voice box included)."""
    studio = make_studio()
    window = studio.window
    size = default_size(screen, window.minimumSize())
    window.resize(size)
    side = round(size.width() * SIDE_SHARE)
    window.main_split.setSizes([size.width() - side, side])
    qtbot.wait_until(lambda: window.size() == size)
    assert window.voice_panel.voice_combo.count() >= 3
    for index in range(window.bottom_tabs.count()):
        window.bottom_tabs.setCurrentIndex(index)
        assert clipped(window) == [], window.bottom_tabs.tabText(index)


def test_dialogs_fit(qtbot, make_studio) -> None:
    """Preferences (backend choice), the voice browser's labelled filters and the name prompt."""
    studio = make_studio()
    prefs = PreferencesDialog(studio.services, studio.window)
    browser = VoiceBrowser(studio.services.voices, studio.services.settings, studio.window)
    prompt = dialogs.name_dialog(
        studio.window, "New dictionary", "Name of the new dictionary:", "My dictionary"
    )
    for dialog in (prefs, browser, prompt):
        qtbot.add_widget(dialog)
        dialog.show()
        assert clipped(dialog) == [], dialog.windowTitle()
    # A 1366x768 work area (736 px) less a title bar holds the whole Preferences dialog.
    assert prefs.sizeHint().height() <= SCREENS[0].height() - 40
    title_room = prompt.fontMetrics().horizontalAdvance(prompt.windowTitle()) + 160
    assert prompt.width() >= title_room
    filters = (browser.language, browser.gender, browser.accent)
    labels = {label.buddy(): label.text() for label in browser.findChildren(QLabel)}
    assert [labels.get(combo) for combo in filters] == ["&Language", "&Gender", "Acc&ent"]


def test_the_clone_dialog_fits_a_laptop_work_area(qtbot, make_studio) -> None:
    """New clone… opens no taller than a 1366x768 work area less a title bar (Create stays on
    screen), and only as small as its contents allow."""
    from studio.ui.clone_dialog import make_clone_dialog

    assert dialog_size(QSize(920, 700), SCREENS[0], QSize(765, 591)) == QSize(920, 696)
    assert dialog_size(QSize(920, 700), QSize(800, 560), QSize(765, 591)) == QSize(800, 591)
    studio = make_studio()
    dialog = make_clone_dialog(studio.services, studio.window)
    qtbot.add_widget(dialog)
    available = studio.window.screen().availableGeometry().size()
    assert dialog.minimumSizeHint().height() <= SCREENS[0].height() - 40
    assert dialog.size() == dialog_size(QSize(920, 700), available, dialog.minimumSizeHint())
    dialog.show()
    assert clipped(dialog) == []
