"""The About dialog: version and backend, and a Licences page for everything the app ships."""

from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio import APP_NAME, __version__
from studio.licences import Component, bundled_components
from studio.services.backend import BackendInfo
from studio.ui.icons import app_icon

GPL_URL = "https://www.gnu.org/licenses/gpl-3.0.html"


class LicencesPage(QWidget):
    """A table of every bundled component with its version and licence (from metadata)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel(
            f"{APP_NAME} is free software under the GNU General Public License, version 3 or "
            f"later (the LICENSE file; <a href='{GPL_URL}'>the text online</a>). It ships "
            "these components, each under its own licence:",
            self,
        )
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        self.components: list[Component] = []
        self.table = QTableWidget(0, 3, self)
        self.table.setAccessibleName("Bundled components and their licences")
        self.table.setHorizontalHeaderLabels(["Component", "Version", "Licence"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)

    def fill(self) -> None:
        """Read the metadata and fill the table (once; ~0.1 s, so only when first shown)."""
        if self.components:
            return
        self.components = [self._with_qt_version(c) for c in bundled_components()]
        self.table.setRowCount(len(self.components))
        for row, component in enumerate(self.components):
            tip = f"{component.kind}. {component.note}" if component.note else component.kind
            for column, value in enumerate((component.name, component.version, component.licence)):
                item = QTableWidgetItem(value)
                item.setToolTip(tip)
                self.table.setItem(row, column, item)

    def showEvent(self, event: QShowEvent) -> None:
        self.fill()
        super().showEvent(event)

    @staticmethod
    def _with_qt_version(component: Component) -> Component:
        if component.name != "Qt":
            return component
        note = f"{component.note} {pyside_version}".strip()
        return Component(component.name, qVersion(), component.licence, component.kind, note)

    def licence_of(self, name: str) -> str:
        """The licence listed for `name` ("" when it is not listed)."""
        return next((c.licence for c in self.components if c.name == name), "")


class AboutDialog(QDialog):
    """Who we are and what is running, plus the Licences page.

    Attributes:
        text: The About text.
        tabs: "About" and "Licences".
        licences: The Licences page.
    """

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
            "(GPL-3.0) and its en_US “joe” voice; other languages use eSpeak NG. The "
            "Licences page lists every bundled component.</p>",
            self,
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text = text
        about = QWidget(self)
        row = QHBoxLayout(about)
        row.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(text, 1)
        self.licences = LicencesPage(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(about, "About")
        self.tabs.addTab(self.licences, "Licences")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.resize(640, 460)
