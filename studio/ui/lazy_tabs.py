"""Tabs whose panel is built on first use, so the window shows sooner (start-up ≤ 0.5 s)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QTabWidget, QWidget


class LazyTabs(QObject):
    """Holds a placeholder page per lazy tab and swaps the real panel in on first use.

    The panel is built when its tab becomes current or when `panel(name)` is asked for (a
    command that shows it); from then on the tab holds the panel itself, so code that calls
    `tabs.setCurrentWidget(panel)` works unchanged.
    """

    def __init__(self, tabs: QTabWidget) -> None:
        super().__init__(tabs)
        self._tabs = tabs
        self._pending: dict[str, tuple[QWidget, Callable[[], QWidget]]] = {}
        self._built: dict[str, QWidget] = {}
        tabs.currentChanged.connect(self._on_tabs_current_changed)

    def add(self, name: str, build: Callable[[], QWidget], icon: QIcon, label: str) -> None:
        """Add a tab now; `build()` makes its panel when it is first needed."""
        placeholder = QWidget(self._tabs)
        self._pending[name] = (placeholder, build)
        self._tabs.addTab(placeholder, icon, label)

    def built(self, name: str) -> QWidget | None:
        """The panel if it has been built already (never builds it)."""
        return self._built.get(name)

    def panel(self, name: str) -> QWidget | None:
        """The built panel (built now if need be), or None for a name never added."""
        if name in self._built:
            return self._built[name]
        if name not in self._pending:
            return None
        placeholder, build = self._pending.pop(name)
        panel = build()
        index = self._tabs.indexOf(placeholder)
        was_current = self._tabs.currentIndex() == index
        blocked = self._tabs.blockSignals(True)  # the swap is not a change the user made
        try:
            icon, label = self._tabs.tabIcon(index), self._tabs.tabText(index)
            self._tabs.removeTab(index)
            self._tabs.insertTab(index, panel, icon, label)
            if was_current:
                self._tabs.setCurrentIndex(index)
        finally:
            self._tabs.blockSignals(blocked)
        placeholder.deleteLater()
        self._built[name] = panel
        return panel

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        page = self._tabs.widget(index)
        for name, (placeholder, _build) in list(self._pending.items()):
            if placeholder is page:
                self.panel(name)
