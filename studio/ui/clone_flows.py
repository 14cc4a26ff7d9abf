"""The voice browser's clone commands: New clone… and, on waves-local only, Delete clone."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from studio.services.clones import CloneService
from studio.ui import dialogs
from studio.ui.clone_dialog import clone_service, make_clone_dialog

if TYPE_CHECKING:
    from studio.services.bundle import Services
    from studio.ui.voice_browser import VoiceBrowser


def connect_browser(
    browser: VoiceBrowser, services: Services, open_dialog: Callable[[], None] | None = None
) -> None:
    """Wire the browser's clone buttons (the New clone dialog opens on top of the browser)."""
    info = services.backend.info
    browser.local_clones = info is not None and info.kind == "local"
    # Not the browser's child: a delete may finish after the browser closed.
    service = clone_service(services)
    browser.new_clone_requested.connect(partial(_open_on_top, browser, services))
    browser.delete_clone_requested.connect(partial(_delete, browser, service))


def _open_on_top(browser: VoiceBrowser, services: Services) -> None:
    dialog = make_clone_dialog(services, browser)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def _delete(browser: VoiceBrowser, service: CloneService, voice_id: str) -> None:
    voice = next((v for v in browser.model.voices if v.voice_id == voice_id), None)
    name = voice.display_name if voice is not None else voice_id
    if dialogs.ask(
        browser,
        "Delete clone",
        f"Delete the local clone “{name}” and its sample from waves-local? This cannot be "
        "undone. (Clones on the Waves service are deleted in its dashboard.)",
    ):
        service.delete_local(voice_id)
