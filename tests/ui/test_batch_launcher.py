"""Batch progress reaches the dock icon as a LauncherEntry D-Bus signal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import SLOT, QObject, Slot
from PySide6.QtDBus import QDBusConnection, QDBusMessage

from studio import APP_ID
from studio.ui.batch_launcher import LauncherProgress

pytestmark = pytest.mark.gui


class _Listener(QObject):
    """Collects LauncherEntry.Update signals."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str]] = []

    @Slot(QDBusMessage)
    def on_update(self, message: QDBusMessage) -> None:
        self.seen.append((str(message.arguments()[0]), message.signature()))


def test_progress_and_hide_are_signalled(qtbot) -> None:
    """A fraction shows the bar on the app's launcher entry; a negative value hides it."""
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        pytest.skip("no D-Bus session bus (wtest and scripts/test start one)")
    listener = _Listener()
    assert bus.connect("", "", "com.canonical.Unity.LauncherEntry", "Update", listener,
                       SLOT("on_update(QDBusMessage)"))  # fmt: skip
    progress = LauncherProgress()
    progress.set_fraction(0.25)
    progress.set_fraction(-1.0)
    qtbot.wait_until(lambda: len(listener.seen) == 2, timeout=5000)
    # The dock protocol: Update(s app_uri, a{sv} properties).
    assert listener.seen == [(f"application://{APP_ID}.desktop", "sa{sv}")] * 2
