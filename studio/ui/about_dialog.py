"""The About dialog: version, licence and the active backend."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from studio import APP_NAME, __version__
from studio.services.backend import BackendInfo
from studio.ui.icons import app_icon


class AboutDialog(QDialog):
    """Who we are and what is running."""

    def __init__(self, backend: BackendInfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(72, 72))
        where = f"{backend.label} — {backend.base_url}" if backend else "starting"
        text = QLabel(
            f"<h2>{APP_NAME} {__version__}</h2>"
            "<p>A studio for the Smallest.ai Waves text-to-speech API: audition voices, save "
            "clips, test pronunciation dictionaries.</p>"
            f"<p><b>Backend:</b> {where}</p>"
            "<p>Licence: GNU GPL v3 or later. Offline English speech uses the Piper engine "
            "(GPL-3.0) and its en_US “joe” voice; other languages use eSpeak NG.</p>",
            self,
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text = text
        row = QHBoxLayout()
        row.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
