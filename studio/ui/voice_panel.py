"""The voice and audio controls: voice, model, language, speed, sample rate and output format."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from studio.core import contract as c
from studio.core.models import Voice, voices_speaking
from studio.services.settings import Settings
from studio.services.voices import VoiceCatalog, VoiceList
from studio.ui.icons import icon

FORMAT_LABELS = {
    "pcm": "PCM (raw 16-bit)",
    "wav": "WAV",
    "mp3": "MP3",
    "ulaw": "μ-law (telephony)",
    "alaw": "A-law (telephony)",
}
NO_VOICE_MARK = "· no voice"
MODEL_LABELS = {"lightning_v3.1": "Lightning v3.1", "lightning_v3.1_pro": "Lightning v3.1 Pro"}
# The settings this panel shows (stars and recent use order the voice list): only these
# changing, from elsewhere (a restored take, the grid, the browser), refills it.
SHOWN_SETTINGS = frozenset(
    {
        "synthesis/voice_id",
        "synthesis/model",
        "synthesis/language",
        "synthesis/speed",
        "synthesis/sample_rate",
        "synthesis/output_format",
        "voices/favourites",
        "voices/recent",
    }
)


def language_label(code: str) -> str:
    """ "Hindi (hi)" for "hi", "Detect automatically" for "auto"."""
    if code == c.AUTO_LANGUAGE:
        return "Detect automatically"
    return f"{c.LANGUAGE_NAMES.get(code, code).title()} ({code})"


def voice_label(voice: Voice, favourite: bool = False) -> str:
    """One line describing a voice in the picker."""
    details = [d for d in (voice.gender, voice.accent) if d]
    if voice.is_clone:
        details.insert(0, "your clone")
    star = "★ " if favourite else ""
    return f"{star}{voice.display_name}" + (f"  ·  {', '.join(details)}" if details else "")


class VoicePanel(QWidget):
    """Controls bound to Settings: every change is saved at once and restored on start.

    Signals:
        browse_requested(): the user wants the voice browser.
        preview_requested(str voice_id)
    """

    browse_requested = Signal()
    preview_requested = Signal(str)

    def __init__(self, settings: Settings, voices: VoiceCatalog, parent: QWidget | None = None):
        super().__init__(parent)
        self._settings = settings
        self._catalog = voices
        self._updating = False

        self.voice_combo = QComboBox(self)
        self.voice_combo.setAccessibleName("Voice")
        self.voice_combo.setMinimumContentsLength(10)
        self.voice_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.preview_button = QPushButton(icon("preview"), "", self)
        self.preview_button.setToolTip("Hear a short sample of this voice")
        self.preview_button.setAccessibleName("Preview voice")
        self.browse_button = QPushButton(icon("search"), "", self)
        self.browse_button.setAccessibleName("Browse voices")
        self.browse_button.setToolTip("Search and filter all voices (Ctrl+B)")
        # The voice box gets the panel's full width (names and details are the longest text);
        # its label shares a row with the preview and browse buttons.
        voice_row = QHBoxLayout()
        voice_row.addWidget(self._label("&Voice", self.voice_combo), 1)
        voice_row.addWidget(self.preview_button)
        voice_row.addWidget(self.browse_button)

        self.model_combo = QComboBox(self)
        self.model_combo.setAccessibleName("Model")
        for model in c.TTS_MODELS:
            self.model_combo.addItem(MODEL_LABELS.get(model, model), model)
        self.language_combo = QComboBox(self)
        self.language_combo.setAccessibleName("Language")

        self.speed_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.speed_slider.setRange(int(c.SPEED_MIN * 100), int(c.SPEED_MAX * 100))
        self.speed_slider.setSingleStep(5)
        self.speed_slider.setPageStep(10)
        self.speed_slider.setAccessibleName("Speed slider")
        self.speed_spin = QDoubleSpinBox(self)
        self.speed_spin.setRange(c.SPEED_MIN, c.SPEED_MAX)
        self.speed_spin.setSingleStep(0.05)
        self.speed_spin.setDecimals(2)
        self.speed_spin.setSuffix("×")
        self.speed_spin.setAccessibleName("Speed")
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.speed_slider, 1)
        speed_row.addWidget(self.speed_spin)

        self.rate_combo = QComboBox(self)
        self.rate_combo.setAccessibleName("Sample rate")
        for rate in c.SAMPLE_RATES:
            self.rate_combo.addItem(f"{rate / 1000:g} kHz", rate)
        self.format_combo = QComboBox(self)
        self.format_combo.setAccessibleName("Output format")
        for fmt in c.OUTPUT_FORMATS:
            self.format_combo.addItem(FORMAT_LABELS[fmt], fmt)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(voice_row)
        form.addRow(self.voice_combo)
        form.addRow("&Model", self.model_combo)
        form.addRow("La&nguage", self.language_combo)
        form.addRow(self._label("S&peed", self.speed_spin), speed_row)
        form.addRow("Sample &rate", self.rate_combo)
        form.addRow("F&ormat", self.format_combo)

        self._restore()
        self.voice_combo.currentIndexChanged.connect(self._on_voice_combo_changed)
        self.model_combo.currentIndexChanged.connect(self._on_model_combo_changed)
        self.language_combo.currentIndexChanged.connect(self._on_language_combo_changed)
        self.speed_slider.valueChanged.connect(self._on_speed_slider_changed)
        self.speed_spin.valueChanged.connect(self._on_speed_spin_changed)
        self.rate_combo.currentIndexChanged.connect(self._on_rate_combo_changed)
        self.format_combo.currentIndexChanged.connect(self._on_format_combo_changed)
        self.browse_button.clicked.connect(self.browse_requested)
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        voices.voices_changed.connect(self._on_voices_changed)
        settings.changed.connect(self._on_settings_changed)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        """A form label whose mnemonic focuses `buddy` (rows made of layouts need one)."""
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    # --- restoring --------------------------------------------------------------------------
    def _restore(self) -> None:
        self._updating = True
        try:
            _select(self.model_combo, self._settings.get("synthesis/model"))
            self._fill_languages()
            speed = self._settings.speed
            self.speed_spin.setValue(speed)
            self.speed_slider.setValue(round(speed * 100))
            _select(self.rate_combo, self._settings.get("synthesis/sample_rate"))
            _select(self.format_combo, self._settings.output_format)
            self._fill_voices()
        finally:
            self._updating = False

    def _fill_languages(self) -> None:
        model = self.model_combo.currentData()
        wanted = self._settings.get("synthesis/language")
        self.language_combo.clear()
        for code in c.languages_for(model):
            if self._catalog.has_voice_for(code):
                self.language_combo.addItem(language_label(code), code)
                continue
            # Offered by the model but spoken by no voice of this backend: say so in the list.
            self.language_combo.addItem(f"{language_label(code)} {NO_VOICE_MARK}", code)
            self.language_combo.setItemData(
                self.language_combo.count() - 1,
                "No voice of the active backend speaks this language.",
                Qt.ItemDataRole.ToolTipRole,
            )
        if not _select(self.language_combo, wanted):
            _select(self.language_combo, c.DEFAULT_LANGUAGE)
            self._settings.set("synthesis/language", c.DEFAULT_LANGUAGE)

    def _fill_voices(self) -> None:
        current = self._settings.voice_id
        favourites = set(self._catalog.favourites())
        voices = self._catalog.ordered_voices()
        self.voice_combo.clear()
        for voice in voices:
            self.voice_combo.addItem(
                voice_label(voice, voice.voice_id in favourites), voice.voice_id
            )
            self.voice_combo.setItemData(
                self.voice_combo.count() - 1,
                ", ".join(voice.languages),
                Qt.ItemDataRole.ToolTipRole,
            )
        if current and not _select(self.voice_combo, current):
            # Keep the saved choice visible even before (or without) the voice list.
            self.voice_combo.insertItem(0, current, current)
            self.voice_combo.setCurrentIndex(0)
        if not current and voices:
            # No voice chosen yet: the first (favourite, recent, then by name) voice that speaks
            # the chosen language, so a first Speak does not read English with a Bengali voice.
            language = self._settings.get("synthesis/language")
            first = voices_speaking(voices, language)[0]
            _select(self.voice_combo, first.voice_id)
            self._settings.set("synthesis/voice_id", first.voice_id)

    # --- slots ------------------------------------------------------------------------------
    @Slot(object)
    def _on_voices_changed(self, _voices: VoiceList) -> None:
        self._updating = True
        try:
            self._fill_languages()  # which languages have a voice may have changed
            self._fill_voices()
        finally:
            self._updating = False

    @Slot(str)
    def _on_settings_changed(self, key: str) -> None:
        if self._updating:
            return
        if key in SHOWN_SETTINGS:
            self._restore()

    @Slot(int)
    def _on_voice_combo_changed(self, _index: int) -> None:
        voice_id = self.voice_combo.currentData()
        if not self._updating and voice_id:
            self._set("synthesis/voice_id", voice_id)
            # The catalogue may have switched Language to one this voice speaks meanwhile.
            self._updating = True
            try:
                _select(self.language_combo, self._settings.get("synthesis/language"))
            finally:
                self._updating = False

    @Slot(int)
    def _on_model_combo_changed(self, _index: int) -> None:
        if self._updating:
            return
        self._set("synthesis/model", self.model_combo.currentData())
        self._updating = True
        try:
            self._fill_languages()
        finally:
            self._updating = False

    @Slot(int)
    def _on_language_combo_changed(self, _index: int) -> None:
        code = self.language_combo.currentData()
        if not self._updating and code:
            self._set("synthesis/language", code)

    @Slot(int)
    def _on_speed_slider_changed(self, value: int) -> None:
        if not self._updating:
            self.speed_spin.setValue(value / 100)

    @Slot(float)
    def _on_speed_spin_changed(self, value: float) -> None:
        if self._updating:
            return
        self._updating = True
        try:
            self.speed_slider.setValue(round(value * 100))
        finally:
            self._updating = False
        self._set("synthesis/speed", round(value, 2))

    @Slot(int)
    def _on_rate_combo_changed(self, _index: int) -> None:
        if not self._updating:
            self._set("synthesis/sample_rate", self.rate_combo.currentData())

    @Slot(int)
    def _on_format_combo_changed(self, _index: int) -> None:
        if not self._updating:
            self._set("synthesis/output_format", self.format_combo.currentData())

    @Slot()
    def _on_preview_button_clicked(self) -> None:
        voice_id = self.voice_combo.currentData()
        if voice_id:
            self.preview_requested.emit(voice_id)

    def _set(self, key: str, value: object) -> None:
        self._updating = True
        try:
            self._settings.set(key, value)
        finally:
            self._updating = False


def _select(combo: QComboBox, data: object) -> bool:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)
    return index >= 0
