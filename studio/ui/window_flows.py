"""The main window's user flows: speak, play, stop, save, copy, drag, and the dialogs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDrag, QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from studio.core.errors import ValidationError
from studio.pipeline import Rendered
from studio.services.clipview import waveform_signal
from studio.services.current_clip import ShownClip
from studio.services.export import DIALOG_FILTERS, ExportService
from studio.services.playback import MAIN
from studio.services.synthesis import RenderResult
from studio.ui import dialogs

if TYPE_CHECKING:
    from studio.ui.window_parts import WindowParts


class WindowFlows(QObject):
    """What happens when the user asks for something in the main window."""

    def __init__(self, window: WindowParts, parent: QWidget) -> None:
        """`window`: the main window's parts; `parent`: the widget (the main window itself)
        that owns this object and parents its dialogs."""
        super().__init__(parent)
        self.window = window
        self.parent_widget = parent
        self.services = window.services
        self.last_result: RenderResult | None = None
        self._last_text = ""
        self._drag_file: Path | None = None
        self.dialog: QDialog | None = None
        tabs = window.bottom_tabs
        self._waveform_tab = tabs.tabText(tabs.indexOf(window.waveform))
        exports: ExportService = self.services.exports
        exports.overwrite_requested.connect(self._on_exports_overwrite_requested)
        exports.drag_file_ready.connect(self._on_exports_drag_file_ready)
        self.services.current.changed.connect(self._on_current_changed)
        self._on_current_changed(self.services.current.state)
        self.services.backend.backend_changed.connect(self._on_backend_changed)

    @Slot(object)
    def _on_backend_changed(self, _info: object) -> None:
        # An error about the previous backend (no key, unreachable) no longer applies.
        self.window.banner.hide()

    @property
    def current(self) -> Rendered | None:
        """The clip on screen, which Play, Save, Copy and drag use (None: none, or drawing)."""
        return self.services.current.rendered

    # --- speaking --------------------------------------------------------------------------------
    @Slot()
    def synthesize(self) -> None:
        """Render the selection (or all the text) with the current settings and play it."""
        s = self.services
        text = self.window.editor_panel.selected_or_all()
        spec = s.settings.render_spec()
        if not text.strip():
            s.messages.report(ValidationError("There is no text to speak. Type a line first."))
            return
        if not spec.voice_id:
            s.messages.report(ValidationError("Pick a voice first (Voices… or the Voice list)."))
            return
        queue = s.settings.get("synthesis/while_rendering") == "queue"
        if s.synthesis.busy:
            s.messages.info(
                "Queued behind the render that is running."
                if queue
                else "Cancelled the running render and started again."
            )
        mismatch = s.voices.mismatch(spec.voice_id, spec.language)
        if mismatch:
            s.messages.warning(mismatch)  # rendered anyway: the user may mean it (a name, a quote)
        self.window.banner.hide()
        self._last_text = text
        s.synthesis.synthesize(text, spec, str(s.settings.get("synthesis/streaming")), queue)

    @Slot()
    def retry(self) -> None:
        """Run the last render again (the banner's Retry)."""
        if self._last_text:
            self.services.synthesis.synthesize(
                self._last_text,
                self.services.settings.render_spec(),
                str(self.services.settings.get("synthesis/streaming")),
            )
        else:
            self.synthesize()

    def on_render_finished(self, result: RenderResult) -> None:
        """Keep the result (services.current has already made it the clip on screen)."""
        self.last_result = result

    def show_clip(self, rendered: Rendered, take_id: int | None = None) -> None:
        """Make `rendered` (a take) the clip on screen, which Play, Save, Copy and drag use."""
        self.services.current.show(rendered, take_id)

    @Slot(object)
    def _on_current_changed(self, state: ShownClip) -> None:
        """Reflect the clip on screen: waveform, label, and what Save and Copy may do."""
        window, rendered = self.window, state.rendered
        if not state.rendering:  # a drawing render keeps the waveform it is drawing
            if rendered is None:
                window.waveform.clear()
            else:
                window.waveform.set_clip(*waveform_signal(rendered))
        window.waveform.draggable = state.usable
        window.commands.save.setEnabled(state.usable)
        window.commands.copy_clip.setEnabled(state.usable)
        tabs = window.bottom_tabs
        label = state.label
        tabs.setTabText(
            tabs.indexOf(window.waveform),
            f"{self._waveform_tab} · {label}" if label else self._waveform_tab,
        )
        window.waveform.setAccessibleDescription(label)
        self._drag_file = None
        if state.usable and rendered is not None:
            self.services.exports.prepare_drag_file(rendered)

    @property
    def playing_current(self) -> bool:
        """Whether what plays (or is paused) is the window's own clip or render, not a voice
        preview, grid cell, test-bench render or clone sample: the waveform's cursor and
        clicks belong to the clip on screen."""
        return self.services.playback.source == MAIN

    @Slot()
    def play_pause(self) -> None:
        """Pause/resume, or play the last clip from the start."""
        playback = self.services.playback
        if playback.state in ("playing", "buffering", "paused"):
            playback.toggle_pause()  # whatever is audible (a grid cell too): Space pauses it
        elif self.current is not None:
            playback.play_rendered(self.current)

    @Slot()
    def stop(self) -> None:
        """Stop playback and cancel any running render at once."""
        self.services.synthesis.cancel("stop")
        self.services.playback.stop()

    @Slot(float)
    def seek(self, seconds: float) -> None:
        """Jump to a position; from a stopped clip, play from there."""
        playback, current = self.services.playback, self.current
        idle = playback.state in ("stopped", "finished") or not self.playing_current
        if idle and current is not None:
            # One call: a long clip plays from its file, which must be read up to `seconds`
            # before the player can jump there.
            playback.play_rendered(current, seconds / max(current.duration_s, 1e-6))
            return
        playback.seek(seconds)

    @Slot(str)
    def preview_voice(self, voice_id: str) -> None:
        """Play the cached or freshly rendered sample of a voice."""
        voice = self.services.voices.find(voice_id)
        if voice is not None:
            self.services.voices.preview(voice, self.services.settings.render_spec())

    # --- saving ----------------------------------------------------------------------------------
    @Slot()
    def save(self) -> None:
        """Ask where to save the last clip, then save it off the GUI thread."""
        state = self.services.current.state
        if self.current is None:
            if state.rendering and state.partial_at_s is not None:
                text = "The partial clip is still being kept: save it in a moment."
            elif state.rendering:
                text = "The render is still running: save when it ends (or stop it with Esc)."
            else:
                text = "Nothing to save yet: speak a line first."
            self.services.messages.info(text)
            return
        if state.partial_at_s is not None and not dialogs.ask(
            self.parent_widget,
            "Save the partial clip?",
            f"This clip is {state.label}: it stops where the render was cancelled. Save it anyway?",
        ):
            return
        self.save_rendered(self.current)

    def save_rendered(self, rendered: Rendered, when: dt.datetime | None = None) -> None:
        """Ask where to save `rendered` (the last clip, or a take made at `when`), then save."""
        exports = self.services.exports
        suggested, selected_filter = exports.suggestion(rendered, when)
        path, chosen = dialogs.save_file_name(
            self.parent_widget,
            "Save clip",
            str(suggested),
            DIALOG_FILTERS,
            selected_filter,
        )
        if path:
            exports.save(rendered, Path(path), exports.format_for(path, chosen))

    @Slot(object, str, str)
    def _on_exports_overwrite_requested(self, rendered: Rendered, path: str, fmt: str) -> None:
        if dialogs.ask(self.parent_widget, "Replace file?", f"{path} already exists. Replace it?"):
            self.services.exports.save(rendered, Path(path), fmt, overwrite=True)

    @Slot(str)
    def _on_exports_drag_file_ready(self, path: str) -> None:
        self._drag_file = Path(path)

    def _clip_mime(self) -> QMimeData | None:
        if self._drag_file is None:
            self.services.messages.info("The clip file is still being prepared; try again.")
            return None
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(self._drag_file))])
        return mime

    @Slot()
    def copy_clip(self) -> None:
        """Put the last clip on the clipboard as a file (paste it into a file manager or editor)."""
        mime = self._clip_mime()
        if mime is not None:
            QGuiApplication.clipboard().setMimeData(mime)
            self.services.messages.info(
                f"Copied {self._drag_file.name if self._drag_file else ''}."
            )

    @Slot()
    def drag_clip(self) -> None:
        """Drag the last clip out of the window as a WAV file."""
        mime = self._clip_mime()
        if mime is not None:
            drag = QDrag(self.window.waveform)
            drag.setMimeData(mime)
            drag.exec()

    # --- dialogs ---------------------------------------------------------------------------------
    @Slot()
    def open_voice_browser(self) -> None:
        """Search, filter, star and preview voices."""
        from studio.ui.clone_flows import connect_browser
        from studio.ui.voice_browser import VoiceBrowser

        browser = VoiceBrowser(self.services.voices, self.services.settings, self.parent_widget)
        connect_browser(browser, self.services, self.open_clone_dialog)
        self.show_dialog(browser)

    @Slot()
    def open_clone_dialog(self) -> None:
        """Record or import a sample, check it and create a voice clone."""
        from studio.ui.clone_dialog import make_clone_dialog

        self.show_dialog(make_clone_dialog(self.services, self.parent_widget))

    @Slot()
    def open_dictionaries(self) -> None:
        """Create, rename, edit and delete dictionaries."""
        from studio.ui.dictionaries_dialog import DictionariesDialog

        self.show_dialog(DictionariesDialog(self.services.dictionaries, self.parent_widget))

    @Slot()
    def open_api_key_dialog(self) -> None:
        """Enter, test and save (or forget) the API key."""
        from studio.ui.api_key_dialog import ApiKeyDialog

        self.show_dialog(ApiKeyDialog(self.services.backend, self.parent_widget))

    @Slot()
    def open_preferences(self) -> None:
        """Backend, streaming, device and saving preferences."""
        from studio.ui.preferences_dialog import PreferencesDialog

        self.show_dialog(PreferencesDialog(self.services, self.parent_widget))

    @Slot()
    def open_about(self) -> None:
        """Version, licence and backend."""
        from studio.ui.about_dialog import AboutDialog

        self.show_dialog(AboutDialog(self.services.backend.info, self.parent_widget))

    def show_dialog(self, dialog: QDialog) -> None:
        """Open a window-modal dialog without blocking the event loop (it deletes itself)."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()

    @Slot(int)
    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None
