"""The API key dialog: paste a key, test it against the API, save it to the keyring or forget it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.services.backend import BackendService
from studio.services.settings import DEFAULT_BASE_URL
from studio.ui import dialogs

SOURCE_TEXT = {
    "environment": "A key is set by the SMALLEST_API_KEY environment variable for this run.",
    "keyring": "A key is saved in your system keyring.",
    "session": "A key is in use for this session only.",
}


def server_name(backend: BackendService) -> str:
    """ "the Waves cloud", or the custom server's address the key is for."""
    base_url = str(backend.settings.get("backend/base_url") or DEFAULT_BASE_URL)
    return "the Waves cloud" if base_url == DEFAULT_BASE_URL else base_url


def key_status(backend: BackendService) -> str:
    """Where the key comes from, or (no key) what the studio does without one: said for the
    backend the user chose, so a custom cloud server is never said to use offline voices."""
    if backend.key_source in SOURCE_TEXT:
        return SOURCE_TEXT[backend.key_source]
    mode = backend.settings.get("backend/mode")
    if mode == "cloud":
        return (
            f"No key is set: {server_name(backend)} refuses every request until you enter one "
            "(or choose the offline voices in Preferences)."
        )
    if mode == "local":
        return "No key is set. The offline voices are in use; with a key you can use the cloud."
    return "No key is set: the studio uses the offline voices until you enter one."


class ApiKeyDialog(QDialog):
    """Enter and test a Waves API key. The field is masked; the key is only kept if it works."""

    def __init__(self, backend: BackendService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"API key for {server_name(backend)}")
        self.setMinimumWidth(480)
        self._backend = backend
        intro = QLabel(
            "Paste your API key from the Waves dashboard (it starts with <tt>sk_</tt>). "
            "It is tested before it is saved, and kept only in your system keyring.",
            self,
        )
        intro.setWordWrap(True)
        self.status = QLabel(key_status(backend), self)
        self.status.setWordWrap(True)
        self.key_edit = QLineEdit(self)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("sk_…")
        self.key_edit.setAccessibleName("API key")
        self.show_key = QCheckBox("&Show key", self)
        self.remember = QCheckBox("&Remember in the system keyring", self)
        self.remember.setChecked(True)
        self.result_label = QLabel(self)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)  # may quote the server
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Key test result")
        buttons = QDialogButtonBox(self)
        self.test_button = buttons.addButton(
            "&Test and use", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.forget_button = QPushButton("&Forget key", self)
        buttons.addButton(self.forget_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.forget_button.setEnabled(backend.key_source in ("keyring", "session"))
        layout = QVBoxLayout(self)
        for widget in (
            intro,
            self.status,
            self.key_edit,
            self.show_key,
            self.remember,
            self.result_label,
        ):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.show_key.toggled.connect(self._on_show_key_toggled)
        self.test_button.clicked.connect(self.test_key)
        self.forget_button.clicked.connect(self._on_forget_clicked)
        buttons.rejected.connect(self.reject)
        backend.key_verified.connect(self._on_key_verified)
        backend.key_failed.connect(self._on_key_failed)
        self.finished.connect(self._on_dialog_finished)
        self._verified = False

    @Slot()
    def test_key(self) -> None:
        """Test the typed key (off the GUI thread); the dialog stays open until it answers."""
        if not self.key_edit.text().strip():
            self.result_label.setText("Paste your key first.")
            return
        self.test_button.setEnabled(False)
        self.result_label.setText("Testing the key…")
        self._backend.set_api_key(self.key_edit.text(), self.remember.isChecked())

    @Slot(int)
    def _on_dialog_finished(self, _result: int) -> None:
        if not self._verified:
            self._backend.cancel_key_test()  # closed while testing: use and save nothing

    @Slot(bool)
    def _on_key_verified(self, saved: bool) -> None:
        self._verified = True
        self.key_edit.clear()
        self.result_label.setText("The key works." + (" Saved to the keyring." if saved else ""))
        self.accept()

    @Slot(str)
    def _on_key_failed(self, message: str) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setText(message)

    @Slot(bool)
    def _on_show_key_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.key_edit.setEchoMode(mode)

    @Slot()
    def _on_forget_clicked(self) -> None:
        if dialogs.ask(self, "Forget API key?", "Delete the saved key from the keyring?"):
            self._backend.forget_api_key()
            self.accept()
