"""What the main window's flow helpers use of it, named here so that they never import it.

WindowFlows and TakeFlows are built by MainWindow and work on its parts (the banner, the
editor, the waveform, the tabs, the services). They see the window as `WindowParts` and get
the widget that parents their dialogs separately; mypy checks that MainWindow fits where it
builds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTabWidget

    from studio.services.bundle import Services
    from studio.ui.actions import WindowActions
    from studio.ui.audition_panel import AuditionPanel
    from studio.ui.editor import EditorPanel
    from studio.ui.history_panel import HistoryPanel
    from studio.ui.lazy_tabs import LazyTabs
    from studio.ui.presenter import ErrorBanner
    from studio.ui.waveform import WaveformView
    from studio.ui.window_flows import WindowFlows


class WindowParts(Protocol):
    """The main window's parts that its flows work on."""

    services: Services
    banner: ErrorBanner
    commands: WindowActions
    editor_panel: EditorPanel
    waveform: WaveformView
    bottom_tabs: QTabWidget
    lazy_tabs: LazyTabs
    flows: WindowFlows

    @property
    def audition_panel(self) -> AuditionPanel | None:
        """The audition grid (built on first use), or None without the service."""

    @property
    def history_panel(self) -> HistoryPanel | None:
        """The history (built on first use), or None without the service."""
