"""Server text in the window is shown as plain text: markup in it never renders."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from studio.ui.presenter import ErrorBanner

pytestmark = pytest.mark.gui

HOSTILE = [
    '<img src="file:///usr/share/icons/hicolor/48x48/apps/xterm-color.png" width=300>',
    '<a href="https://evil.example/">Click to fix your key</a> <b>now</b>',
]


def _looks_like_plain_text(label: QLabel) -> bool:
    """The label draws exactly what it draws when forced to plain text."""
    shown = label.grab().toImage()
    kept = label.textFormat()
    label.setTextFormat(Qt.TextFormat.PlainText)
    plain = label.grab().toImage()
    label.setTextFormat(kept)
    return shown == plain


@pytest.mark.parametrize("text", HOSTILE, ids=["img", "link"])
def test_the_error_banner_shows_markup_literally(qtbot, text) -> None:
    """An error quoting the server with <img>/<a href> shows the characters, renders nothing."""
    banner = ErrorBanner()
    qtbot.add_widget(banner)
    banner.resize(700, 80)
    banner.show_error(f"The server answered 400: {text}.")
    label = banner.text_label
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert _looks_like_plain_text(label)
    assert label.text().startswith("The server answered 400: <")


def test_messages_from_the_bus_reach_the_banner_as_plain_text(qtbot, make_studio) -> None:
    """Through the real window: a posted error with markup is drawn as text; the key dialog's
    result line is plain text too."""
    from studio.ui.api_key_dialog import ApiKeyDialog

    studio = make_studio()
    studio.services.messages.error(f"The server refused the request: {HOSTILE[1]}")
    banner = studio.window.banner
    qtbot.wait_until(banner.isVisible, timeout=2000)
    assert _looks_like_plain_text(banner.text_label)
    dialog = ApiKeyDialog(studio.services.backend, studio.window)
    qtbot.add_widget(dialog)
    assert dialog.result_label.textFormat() == Qt.TextFormat.PlainText


def test_a_dictionary_named_from_server_words_shows_them_as_text(qtbot, make_studio) -> None:
    """A dictionary nobody named is titled by its first words; markup in them stays text."""
    from studio.core.models import PronunciationItem

    studio = make_studio()
    client = studio.services.backend.client
    created = client.create_dictionary(
        [PronunciationItem('<img src="x.png"> <a href="y">z</a>', "q")]
    )
    service = studio.services.dictionaries
    service.refresh()
    qtbot.wait_until(lambda: service.find(created.id) is not None, timeout=5000)
    studio.window.flows.open_dictionaries()
    dialog = studio.window.flows.dialog
    row = next(
        i
        for i in range(dialog.list.count())
        if dialog.list.item(i).data(Qt.ItemDataRole.UserRole) == created.id
    )
    dialog.list.setCurrentRow(row)
    assert "&lt;img" in dialog.title.text() and "<img" not in dialog.title.text()
