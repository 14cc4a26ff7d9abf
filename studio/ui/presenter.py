"""Where messages appear: errors in an inline banner with an action, the rest in the status bar."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from studio.services.messages import Action, Level, Message, MessageBus
from studio.ui.icons import icon

ACTION_LABELS = {
    Action.SET_KEY: "Enter API key…",
    Action.RETRY: "Retry",
    Action.RELOAD: "Retry",  # loads the voices and dictionaries again
    Action.RESTART_BACKEND: "Start again",
    Action.PREFERENCES: "Open preferences…",
    Action.USE_LOCAL: "Use offline voices",
}
STATUS_TIMEOUT_MS = 6000
MAX_ACTIONS = 3  # Retry, Use offline voices, Preferences: more would crowd the strip


class ErrorBanner(QFrame):
    """An error strip above the editor: icon, message, its action buttons and a close button.

    Attributes:
        action_buttons: One button per action offered, first action first (hidden when unused);
            `action_button` is the first.

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
        self.action_buttons = [QPushButton(self) for _ in range(MAX_ACTIONS)]
        self.action_button = self.action_buttons[0]
        self.close_button = QPushButton(icon("close"), "", self)
        self.close_button.setFlat(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss error")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text_label, 1)
        for index, button in enumerate(self.action_buttons):
            layout.addWidget(button)
            button.clicked.connect(partial(self._on_action_button_clicked, index))
        layout.addWidget(self.close_button)
        self._actions: tuple[Action, ...] = ()
        self.close_button.clicked.connect(self.hide)
        self.hide()

    @property
    def action(self) -> Action:
        """The first action offered now (Action.NONE when none is)."""
        return self._actions[0] if self._actions else Action.NONE

    @property
    def offered(self) -> tuple[Action, ...]:
        """Every action offered now, in button order."""
        return self._actions

    def show_error(
        self, text: str, action: Action = Action.NONE, more: tuple[Action, ...] = ()
    ) -> None:
        """Show `text` with a button for `action` and for each of `more` (none: no button)."""
        found = (action, *more)
        self._actions = tuple(dict.fromkeys(a for a in found if a is not Action.NONE))[:MAX_ACTIONS]
        self.text_label.setText(text)
        for i, button in enumerate(self.action_buttons):
            shown = i < len(self._actions)
            button.setVisible(shown)
            button.setText(ACTION_LABELS.get(self._actions[i], "") if shown else "")
        self.show()

    def button_for(self, action: Action) -> QPushButton | None:
        """The visible button offering `action`, if any."""
        if action in self._actions:
            return self.action_buttons[self._actions.index(action)]
        return None

    def _on_action_button_clicked(self, index: int) -> None:
        if index < len(self._actions):
            self.hide()
            self.action_triggered.emit(self._actions[index].value)


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
            self.banner.show_error(message.text, message.action, message.more)
        else:
            prefix = "⚠ " if message.level is Level.WARNING else ""
            self.status_bar.showMessage(
                prefix + message.text,
                STATUS_TIMEOUT_MS * (2 if message.level is Level.WARNING else 1),
            )
