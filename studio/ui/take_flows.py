"""The main window's flows around takes: the audition grid, the history and the test bench."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from studio.services.current_clip import ShownClip
from studio.services.history import LoadedTake
from studio.store.take_record import HistoryTake
from studio.ui.rule_highlighter import ActiveRule

if TYPE_CHECKING:
    from studio.ui.history_panel import HistoryPanel
    from studio.ui.window_parts import WindowParts


def take_time(take: HistoryTake) -> dt.datetime | None:
    """When a take was made, in local time (None when its stamp does not parse)."""
    try:
        return dt.datetime.fromisoformat(take.created_at.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return None


class TakeFlows(QObject):
    """What happens when the user works with takes: grids, history, pronunciation tests."""

    def __init__(self, window: WindowParts, parent: QWidget) -> None:
        """`window`: the main window's parts; `parent`: the widget (the main window itself)
        that owns this object and parents its dialogs."""
        super().__init__(parent)
        self.window = window
        self.parent_widget = parent
        self.services = window.services
        self.flows = window.flows
        self.services.current.changed.connect(self._on_current_changed)

    def setup_history_panel(self, panel: HistoryPanel) -> None:
        """Wire the history panel when it is first built (it is built on first use)."""
        panel.set_names(self.services.voices.display_name, self.services.dictionaries.display_name)
        self.services.voices.voices_changed.connect(panel.refresh_names)
        self.services.dictionaries.dictionaries_changed.connect(panel.refresh_names)
        panel.play_requested.connect(self.play_take)
        panel.export_requested.connect(self.export_take)
        panel.restore_requested.connect(self.restore_take)
        state = self.services.current.state
        panel.set_current_take(state.take_id if state.usable else None)

    @Slot(object)
    def _on_current_changed(self, state: ShownClip) -> None:
        """History marks the take that is the clip on screen (none for a partial clip)."""
        panel = cast("HistoryPanel | None", self.window.lazy_tabs.built("history"))
        if panel is not None:
            panel.set_current_take(state.take_id if state.usable else None)

    # --- audition grid and history ---------------------------------------------------------------
    @Slot()
    def render_grid(self, preset: str | None = None) -> None:
        """Render the line for the candidates of a preset and show the grid."""
        from studio.services.audition import favourites_preset, language_preset, speeds_preset

        audition, panel = self.services.audition, self.window.audition_panel
        if audition is None or panel is None:
            return
        preset = preset or str(panel.preset.currentData())
        spec = self.services.settings.render_spec()
        voices = list(self.services.voices.voices)
        if preset == "favourites":
            candidates = favourites_preset(self.services.voices.favourites(), spec)
            if not candidates:
                self.services.messages.info(
                    "No favourites yet: star voices in the browser. "
                    "Showing voices for this language instead."
                )
                candidates = language_preset(voices, spec)
        elif preset == "speeds":
            candidates = speeds_preset(spec)
        else:
            candidates = language_preset(voices, spec)
        text = self.window.editor_panel.selected_or_all()
        self.window.bottom_tabs.setCurrentWidget(panel)
        audition.run(text, spec, candidates)

    @Slot(int)
    def use_grid_cell(self, index: int) -> None:
        """Copy a grid cell's voice, model, language and speed into the main controls."""
        audition = self.services.audition
        if audition is None or not 0 <= index < len(audition.cells):
            return
        candidate = audition.cells[index].candidate
        settings = self.services.settings
        settings.set("synthesis/model", candidate.model)
        settings.set("synthesis/language", candidate.language)
        settings.set("synthesis/speed", candidate.speed)
        settings.set("synthesis/voice_id", candidate.voice_id)  # last: its language wins
        self.services.voices.mark_used(candidate.voice_id)
        self.services.messages.info(f"Now using {candidate.voice_id} at {candidate.speed:g}×.")

    @Slot()
    def show_history(self) -> None:
        """Show the history tab and refresh it."""
        panel = self.window.history_panel
        if panel is not None:
            self.window.bottom_tabs.setCurrentWidget(panel)
            panel.run_search()
            panel.search.setFocus()

    @Slot(object)
    def play_take(self, take: HistoryTake) -> None:
        """Replay a take from its own audio file."""
        if self.services.history is not None:
            self.services.history.load(take, "play")

    @Slot(object)
    def export_take(self, take: HistoryTake) -> None:
        """Save a take again, in any format."""
        if self.services.history is not None:
            self.services.history.load(take, "export")

    @Slot(object)
    def restore_take(self, take: HistoryTake) -> None:
        """Put a take's text and settings back in the editor and controls."""
        if self.services.history is not None:
            self.services.history.load(take, "restore")

    @Slot(object)
    def on_take_loaded(self, loaded: LoadedTake) -> None:
        """Act on a take read from the history."""
        rendered = loaded.rendered
        if loaded.purpose == "play":
            if self.services.current.state.rendering:
                # The waveform shows the render: playing something else would not match it.
                self.services.messages.info(
                    "A render is running: let it finish, or stop it with Esc, to play a take."
                )
                return
            self.flows.show_clip(rendered, loaded.take.take_id)  # what plays is what is shown
            self.services.playback.play_rendered(rendered)
        elif loaded.purpose == "export":
            self.flows.save_rendered(rendered, take_time(loaded.take))  # named for the take
        elif loaded.purpose == "restore":
            take, settings = loaded.take, self.services.settings
            self.window.editor_panel.set_text(take.text)
            # The voice before the language: picking a voice switches to a language it speaks,
            # which would undo a take rendered on purpose in another language. (The grid's
            # "Use this one" is a pick, and keeps voice and language matched instead.)
            settings.set("synthesis/model", take.model)
            settings.set("synthesis/voice_id", take.voice_id)
            settings.set("synthesis/language", take.language)
            settings.set("synthesis/speed", take.speed)
            settings.set("synthesis/sample_rate", take.sample_rate)
            settings.set("synthesis/output_format", take.output_format)
            settings.set("synthesis/dictionary_ids", list(take.dictionary_ids))
            self.flows.show_clip(rendered, take.take_id)  # Play, Save and drag use this take
            self.services.messages.info("Text and settings restored from the take.")

    # --- pronunciation ----------------------------------------------------------------------
    def active_rules(self) -> list[ActiveRule]:
        """The rules of the ticked dictionaries, in the order the server applies them."""
        dictionaries = self.services.dictionaries
        rules: list[ActiveRule] = []
        for dict_id in self.services.settings.dictionary_ids:
            entry = dictionaries.find(dict_id)
            if entry is not None:
                rules += [
                    ActiveRule(i.word, i.pronunciation, entry.id, entry.name)
                    for i in entry.dictionary.items
                ]
        return rules

    @Slot(str, object)
    def add_spelling(self, spelling: str, rule: ActiveRule) -> None:
        """Add another spelling of a rule's word to its dictionary (the one-click fix)."""
        self.services.dictionaries.add_rule(rule.dict_id, spelling, rule.pronunciation)

    @Slot()
    def open_pronunciation_bench(self) -> None:
        """Test the ticked dictionaries' rules (all dictionaries when none is ticked)."""
        from studio.ui.pronunciation_dialog import PronunciationBenchDialog

        if self.services.bench is None:
            return
        ids = self.services.settings.dictionary_ids or [
            d.id for d in self.services.dictionaries.dictionaries
        ]
        text = self.window.editor_panel.text()
        self.flows.show_dialog(
            PronunciationBenchDialog(self.services.bench, ids, text, self.parent_widget)
        )
