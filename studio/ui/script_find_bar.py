"""The find bar of the Script view: query, options, next/previous, replace."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget


class FindBar(QWidget):
    """The fields and buttons of find and replace (hidden until Ctrl+F or Ctrl+H).

    Signals:
        closed(): Esc or the close button.
    """

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText("Find in the script")
        self.find_edit.setAccessibleName("Find")
        self.find_edit.setClearButtonEnabled(True)
        self.replace_edit = QLineEdit(self)
        self.replace_edit.setPlaceholderText("Replace with")
        self.replace_edit.setAccessibleName("Replace with")
        self.case_box = QCheckBox("Match case", self)
        self.word_box = QCheckBox("Whole words", self)
        self.previous_button = QPushButton("Previous", self)
        self.previous_button.setToolTip("Previous match (Shift+Enter in the find field)")
        self.next_button = QPushButton("Next", self)
        self.next_button.setToolTip("Next match (Enter in the find field)")
        self.replace_button = QPushButton("Replace", self)
        self.replace_button.setToolTip("Replace this match and go to the next (Enter)")
        self.replace_all_button = QPushButton("Replace all", self)
        self.replace_all_button.setToolTip("Replace every match in the project (one undo step)")
        self.count_label = QLabel("", self)
        self.count_label.setAccessibleName("Matches")
        self.close_button = QPushButton("Close", self)
        self.close_button.setToolTip("Close the find bar (Esc)")
        self.close_button.clicked.connect(self.closed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.find_edit, self.previous_button, self.next_button, self.count_label,
            self.case_box, self.word_box, self.replace_edit, self.replace_button,
            self.replace_all_button, self.close_button,
        ):  # fmt: skip
            layout.addWidget(widget)
        layout.setStretch(0, 2)
        layout.setStretch(6, 1)
        for edit in (self.find_edit, self.replace_edit):
            edit.installEventFilter(self)
        self.hide()

    def show_replace(self, on: bool) -> None:
        """Show or hide the replace part (Ctrl+H shows it, Ctrl+F leaves it as it was)."""
        for widget in (self.replace_edit, self.replace_button, self.replace_all_button):
            widget.setVisible(on)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Esc is the window's Stop shortcut: in these fields it closes the bar instead.
        if isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.closed.emit()
                return True
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            # Enter: next match (Shift: previous); in the replace field, replace this one.
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if watched is self.replace_edit:
                self.replace_button.click()
            else:
                (self.previous_button if shift else self.next_button).click()
            return True
        return super().eventFilter(watched, event)
