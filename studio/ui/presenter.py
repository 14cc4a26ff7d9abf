"""Where messages appear: errors in an inline banner with an action, the rest in the status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from studio.services.messages import Action, Level, Message, MessageBus
from studio.ui.icons import icon

ACTION_LABELS = {
    Action.SET_KEY: "Set API key…",
    Action.RETRY: "Retry",
    Action.RELOAD: "Reload",
    Action.RESTART_BACKEND: "Start again",
    Action.PREFERENCES: "Open preferences…",
    Action.USE_LOCAL: "Use offline voices",
}
STATUS_TIMEOUT_MS = 6000


class ErrorBanner(QFrame):
    """An error strip above the editor: icon, message, one action button and a close button.

    Signals:
        action_triggered(str action): the user pressed the action button (an Action value).
    """

    action_triggered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setAccessibleName("Error")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#errorBanner { background: rgba(220, 53, 69, 0.14); border: 1px solid "
            "rgba(220, 53, 69, 0.55); border-radius: 6px; }"
        )
        self.icon_label = QLabel(self)
        self.icon_label.setPixmap(icon("error").pixmap(20, 20))
        self.text_label = QLabel(self)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)  # server text: never rich text
        self.text_label.setWordWrap(True)
        self.action_button = QPushButton(self)
        self.close_button = QPushButton(icon("close"), "", self)
        self.close_button.setFlat(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss error")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self._action = Action.NONE
        self.action_button.clicked.connect(self._on_action_button_clicked)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    @property
    def action(self) -> Action:
        """The action the button offers now."""
        return self._action

    def show_error(self, text: str, action: Action = Action.NONE) -> None:
        """Show `text` with the button for `action` (none hides the button)."""
        self._action = action
        self.text_label.setText(text)
        self.action_button.setVisible(action is not Action.NONE)
        self.action_button.setText(ACTION_LABELS.get(action, ""))
        self.show()

    @Slot()
    def _on_action_button_clicked(self) -> None:
        self.hide()
        self.action_triggered.emit(self._action.value)


class Presenter:
    """Routes MessageBus messages to the banner (errors) and the status bar (everything else)."""

    def __init__(self, bus: MessageBus, banner: ErrorBanner, status_bar: QStatusBar) -> None:
        self.banner = banner
        self.status_bar = status_bar
        self.history: list[Message] = []
        bus.connect_ui(self.show)

    def show(self, message: Message) -> None:
        """Present one message."""
        self.history.append(message)
        if message.level is Level.ERROR:
            self.banner.show_error(message.text, message.action)
        else:
            prefix = "⚠ " if message.level is Level.WARNING else ""
            self.status_bar.showMessage(
                prefix + message.text,
                STATUS_TIMEOUT_MS * (2 if message.level is Level.WARNING else 1),
            )
