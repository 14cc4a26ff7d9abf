"""Batch progress on the taskbar/dock icon where the desktop supports it (Unity LauncherEntry)."""

from __future__ import annotations

import logging
from typing import Any

from studio import APP_ID

log = logging.getLogger(__name__)
_INTERFACE = "com.canonical.Unity.LauncherEntry"
_PATH = "/io/github/wavesstudio/WavesStudio/launcher"


class LauncherProgress:
    """Shows a fraction on the app's launcher icon (KDE Plasma, Ubuntu Dock, Dash to Dock…).

    Qt 6 has no portable taskbar progress; on Linux the LauncherEntry D-Bus signal is what
    docks listen to. Without a session bus (or without QtDBus) it does nothing. QtDBus is
    imported on the first update, not at start-up.
    """

    def __init__(self) -> None:
        self._bus: Any = None
        self._tried = False

    def _connect(self) -> Any:
        if not self._tried:
            self._tried = True
            try:
                from PySide6.QtDBus import QDBusConnection
            except ImportError:
                log.info("No QtDBus: batch progress is not shown on the launcher icon")
            else:
                self._bus = QDBusConnection.sessionBus()
        return self._bus

    def set_fraction(self, fraction: float) -> None:
        """0..1 shows the bar; a negative value hides it."""
        bus = self._connect()
        if bus is None or not bus.isConnected():
            return
        from PySide6.QtDBus import QDBusMessage

        message = QDBusMessage.createSignal(_PATH, _INTERFACE, "Update")
        visible = fraction >= 0
        message.setArguments(
            [
                f"application://{APP_ID}.desktop",
                {"progress": max(0.0, min(1.0, fraction)), "progress-visible": visible},
            ]
        )
        if not bus.send(message):
            log.debug("launcher progress not sent: %s", bus.lastError().message())
