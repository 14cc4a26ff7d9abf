"""Themes: readable text (WCAG AA) in light and dark, visible frames in dark, a live choice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QCheckBox, QSpinBox, QStyle, QStyleOptionButton, QWidget

from studio.ui import theme
from studio.ui.preferences_dialog import PreferencesDialog

pytestmark = pytest.mark.gui
AA = 4.5


@pytest.fixture
def themed(qapp):
    """Apply a theme for the test; restore the application's style and palette afterwards."""
    style, palette = qapp.style().name(), qapp.palette()
    yield lambda choice: theme.apply_theme(qapp, choice)
    qapp.setStyle(style)
    qapp.setPalette(palette)


def strongest_contrast(image: QImage, rect: QRect, background: QColor) -> float:
    """The highest contrast of any pixel in `rect` against `background` (the text's stems)."""
    best = 1.0
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            best = max(best, theme.contrast_ratio(image.pixelColor(x, y), background))
    return best


@pytest.mark.parametrize("dark", [False, True])
def test_palette_text_roles_meet_aa(dark: bool) -> None:
    """Every text role used by the app has 4.5:1 on the background it is drawn on."""
    palette = theme.dark_palette() if dark else theme.light_palette()
    for fg, bg in theme.TEXT_PAIRS:
        ratio = theme.contrast_ratio(palette.color(fg), palette.color(bg))
        assert ratio >= AA, f"{fg.name} on {bg.name}: {ratio:.2f}"


@pytest.mark.parametrize("choice", ["light", "dark"])
def test_status_colours_meet_aa(themed, qapp, choice: str) -> None:
    """Badges, verdicts, inline errors and the backend dot are readable in the theme."""
    themed(choice)
    palette = qapp.palette()
    assert theme.is_dark(palette) == (choice == "dark")
    for kind in ("success", "warning", "error", "muted", "info"):
        for bg in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
            ratio = theme.contrast_ratio(QColor(theme.status_colour(kind)), palette.color(bg))
            assert ratio >= AA, f"{kind} on {bg.name}: {ratio:.2f}"


@pytest.mark.parametrize("choice", ["light", "dark"])
def test_error_banner_text_is_readable(themed, qapp, choice: str) -> None:
    """The banner's tint (14 % red over the window) keeps its text at 4.5:1."""
    themed(choice)
    palette = qapp.palette()
    window = palette.color(QPalette.ColorRole.Window)
    alpha = 0.14
    tint = QColor(
        round(220 * alpha + window.red() * (1 - alpha)),
        round(53 * alpha + window.green() * (1 - alpha)),
        round(69 * alpha + window.blue() * (1 - alpha)),
    )
    text = palette.color(QPalette.ColorRole.WindowText)
    assert theme.contrast_ratio(text, tint) >= AA


@pytest.mark.parametrize("choice", ["light", "dark"])
def test_hint_and_empty_state_text_is_readable(themed, qapp, make_studio, choice: str) -> None:
    """The rendered hint, empty-state and help labels reach 4.5:1 against the window."""
    themed(choice)
    window = make_studio().window
    window.editor_panel.set_text("word " * 70)
    window.bottom_tabs.setCurrentWidget(window.audition_panel)
    background = qapp.palette().color(QPalette.ColorRole.Window)
    labels = [
        window.editor_panel.hint_label,
        window.dictionary_picker.empty_label,
        window.audition_panel.help,
        window.audition_panel.empty_hint,
    ]
    for label in labels:
        label.show()  # the empty state hides once the shared test server has dictionaries
        assert label.text(), label.accessibleName()
        image = label.grab().toImage()
        ratio = strongest_contrast(image, image.rect(), background)
        assert ratio >= AA, f"{label.text()[:30]!r}: {ratio:.2f}"


def test_length_hint_names_the_sentence_and_selects_it(qtbot, make_studio) -> None:
    """The hint quotes the long sentence's first words; following it selects that sentence."""
    panel = make_studio().window.editor_panel
    long_sentence = "Then the caravan " + "kept rolling on and on " * 12 + "until dawn."
    panel.set_text(f"A short opener. {long_sentence} A short closer.")
    assert "“Then the caravan kept rolling on…”" in panel.hint_label.text()
    label = panel.hint_label
    inside = label.contentsRect()
    x = inside.left() + label.fontMetrics().horizontalAdvance("The sentence “Then") + 2
    y = inside.top() + label.fontMetrics().height() // 2
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    assert panel.editor.textCursor().selectedText() == long_sentence
    assert panel.editor.hasFocus() or not panel.isActiveWindow()


def test_dark_checkbox_and_spinbox_frames_are_visible(themed, qapp, qtbot) -> None:
    """In dark, an unticked box and a spin box's frame stand out from the window (3:1)."""
    themed("dark")
    holder = QWidget()
    qtbot.add_widget(holder)
    box = QCheckBox("Loop", holder)
    spin = QSpinBox(holder)
    spin.move(0, 40)
    spin.resize(120, 28)
    holder.resize(200, 80)
    holder.show()
    background = qapp.palette().color(QPalette.ColorRole.Window)
    option = QStyleOptionButton()
    box.initStyleOption(option)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    assert strongest_contrast(box.grab().toImage(), indicator, background) >= 3.0
    image = spin.grab().toImage()
    edge = QRect(0, 0, 3, image.height())  # the left frame: no text, no arrows
    assert strongest_contrast(image, edge, background) >= 3.0


def test_theme_choice_in_preferences_applies_live(themed, qapp, qtbot, make_studio) -> None:
    """Choosing Dark (then Light) in Preferences repaints the app and re-tints icons at once."""
    themed("light")
    studio = make_studio()
    play_icon = studio.window.commands.play_pause.icon()

    def icon_ink() -> QColor:
        image = play_icon.pixmap(QSize(24, 24)).toImage()
        return max(
            (image.pixelColor(x, y) for x in range(24) for y in range(24)),
            key=lambda c: c.alpha(),
        )

    light_ink = icon_ink()
    for choice, dark in (("dark", True), ("light", False)):
        dialog = PreferencesDialog(studio.services, studio.window)
        qtbot.add_widget(dialog)
        dialog.theme.setCurrentIndex(dialog.theme.findData(choice))
        dialog.apply()
        assert studio.services.settings.get("app/theme") == choice
        assert theme.is_dark(qapp.palette()) == dark
        assert (icon_ink().name() != light_ink.name()) == dark


def test_clone_check_icons_read_well_in_the_dark_theme(qtbot, themed) -> None:
    """The sample checklist's verdict icons take the theme's status colours (AA on dark)."""
    from studio.audio.sample_check import BAD, FAIR, GOOD, UNSURE, Check, SampleReport
    from studio.ui.clone_widgets import Checklist

    themed("dark")
    checklist = Checklist()
    qtbot.add_widget(checklist)
    verdicts = (GOOD, FAIR, BAD, UNSURE)
    checks = tuple(Check("length", verdict, "6 s", "Fine.") for verdict in verdicts)
    checklist.show_report(SampleReport(checks, 0.0, 6.0, 6.0))
    base = QColor(theme.dark_palette().color(QPalette.ColorRole.Base))
    for row in range(checklist.count()):
        image = checklist.item(row).icon().pixmap(QSize(20, 20)).toImage()
        ratio = strongest_contrast(image, image.rect(), base)
        assert ratio >= AA, verdicts[row]
