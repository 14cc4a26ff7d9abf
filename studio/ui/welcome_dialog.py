"""First run without a key: enter an API key, or start with the offline voices."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from studio import APP_NAME

ENTER_KEY = 2
USE_LOCAL = 3


class WelcomeDialog(QDialog):
    """Offers the two ways to start. Its result is ENTER_KEY, USE_LOCAL or Rejected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Welcome to {APP_NAME}")
        text = QLabel(
            f"<h2>Welcome to {APP_NAME}</h2>"
            "<p>Use your Waves API key for the full voice catalogue, or start right away with "
            "offline voices that run on this computer (no account, no internet).</p>"
            "<p>You can switch at any time in Preferences.</p>",
            self,
        )
        text.setWordWrap(True)
        self.key_button = QPushButton("&Enter API key…", self)
        self.local_button = QPushButton("Use &offline voices (waves-local)", self)
        self.local_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.key_button)
        layout.addWidget(self.local_button)
        self.key_button.clicked.connect(lambda: self.done(ENTER_KEY))
        self.local_button.clicked.connect(lambda: self.done(USE_LOCAL))
        self.setMinimumWidth(440)
