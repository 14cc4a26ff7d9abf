"""Keyboard rules shared by the window: Space is Play/Pause except where a control needs it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
)


class SpaceKeyGuard(QObject):
    """Lets buttons, lists and fields keep Space; elsewhere Space is Play/Pause."""

    _KEEP = (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QAbstractSlider,
        QAbstractSpinBox,
        QLineEdit,
    )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and isinstance(watched, self._KEEP)
        ):
            event.accept()
        return False
