"""Batch progress on the taskbar/dock icon where the desktop supports it (Unity LauncherEntry)."""

from __future__ import annotations

import logging

from PySide6.QtDBus import QDBusConnection, QDBusMessage

from studio import APP_ID

log = logging.getLogger(__name__)
_INTERFACE = "com.canonical.Unity.LauncherEntry"
_PATH = "/io/github/wavesstudio/WavesStudio/launcher"


class LauncherProgress:
    """Shows a fraction on the app's launcher icon (KDE Plasma, Ubuntu Dock, Dash to Dock…).

    Qt 6 has no portable taskbar progress; on Linux the LauncherEntry D-Bus signal is what
    docks listen to. Without a session bus it does nothing.
    """

    def __init__(self) -> None:
        self._bus = QDBusConnection.sessionBus()

    def set_fraction(self, fraction: float) -> None:
        """0..1 shows the bar; a negative value hides it."""
        if not self._bus.isConnected():
            return
        message = QDBusMessage.createSignal(_PATH, _INTERFACE, "Update")
        visible = fraction >= 0
        message.setArguments(
            [
                f"application://{APP_ID}.desktop",
                {"progress": max(0.0, min(1.0, fraction)), "progress-visible": visible},
            ]
        )
        if not self._bus.send(message):
            log.debug("launcher progress not sent: %s", self._bus.lastError().message())
