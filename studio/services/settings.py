"""The only table of settings keys and defaults, and typed access that survives a corrupt file."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

from studio.audio.filenames import DEFAULT_TEMPLATE
from studio.audio.formats import BITRATES, DEFAULT_BITRATE, EXPORT_FORMATS, VBR
from studio.core import contract as c
from studio.core import export_choices as x
from studio.core.errors import ValidationError
from studio.pipeline import RenderSpec
from studio.profile import CACHE_MB_DEFAULT, CACHE_MB_MAX, CACHE_MB_MIN

log = logging.getLogger(__name__)

Parser = Callable[[Any], Any]


def _choice(options: Sequence[Any]) -> Parser:
    def parse(value: Any) -> Any:
        if value not in options:
            raise ValueError(f"not one of {list(options)}")
        return value

    return parse


def _number(lo: float, hi: float, kind: type = float) -> Parser:
    def parse(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("not a number")
        if not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"outside {lo}–{hi}")
        if kind is int and value != int(value):
            raise ValueError("not a whole number")
        return kind(value)

    return parse


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not true/false")
    return value


def _text(max_len: int = 4096) -> Parser:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("not text")
        if len(value) > max_len:
            raise ValueError(f"at most {max_len} characters, please")
        return value

    return parse


def _text_list(max_items: int = 1000) -> Parser:
    def parse(value: Any) -> list[str]:
        if not isinstance(value, list) or len(value) > max_items:
            raise TypeError("not a list")
        if not all(isinstance(item, str) for item in value):
            raise TypeError("not a list of strings")
        return list(value)

    return parse


def _text_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise TypeError("not a mapping")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise TypeError("not a mapping of strings")
    return dict(value)


@dataclass(frozen=True)
class SettingKey:
    """One setting: where it lives in the INI file, its default, and how to validate it."""

    name: str
    default: Any
    parse: Parser


STREAMING_MODES = ("sse", "ws", "none")
BACKEND_MODES = ("auto", "cloud", "local")
PLAYING_RULES = ("cancel", "queue")
THEMES = ("system", "light", "dark")  # ui/theme.py applies them
DEFAULT_BASE_URL = "https://api.smallest.ai"
DEFAULT_NAME_TEMPLATE = DEFAULT_TEMPLATE
_ALL_LANGUAGES = c.languages_for(c.MODEL_V31_PRO)

KEYS: dict[str, SettingKey] = {
    k.name: k
    for k in (
        SettingKey("synthesis/voice_id", "", _text(200)),
        SettingKey("synthesis/model", c.DEFAULT_MODEL, _choice(c.TTS_MODELS)),
        SettingKey("synthesis/language", c.DEFAULT_LANGUAGE, _choice(_ALL_LANGUAGES)),
        SettingKey("synthesis/speed", c.DEFAULT_SPEED, _number(c.SPEED_MIN, c.SPEED_MAX)),
        SettingKey("synthesis/sample_rate", 24000, _choice(c.SAMPLE_RATES)),
        SettingKey("synthesis/output_format", c.DEFAULT_OUTPUT_FORMAT, _choice(c.OUTPUT_FORMATS)),
        SettingKey("synthesis/dictionary_ids", [], _text_list(100)),
        SettingKey("synthesis/streaming", "sse", _choice(STREAMING_MODES)),
        SettingKey("synthesis/while_rendering", "cancel", _choice(PLAYING_RULES)),
        SettingKey("backend/mode", "auto", _choice(BACKEND_MODES)),
        SettingKey("backend/base_url", DEFAULT_BASE_URL, _text(500)),
        SettingKey("audio/output_device", "", _text(500)),
        SettingKey("audio/volume", 1.0, _number(0.0, 1.0)),
        SettingKey("export/folder", "", _text()),
        SettingKey("export/name_template", DEFAULT_NAME_TEMPLATE, _text(200)),
        SettingKey("export/format", "wav", _choice(EXPORT_FORMATS)),
        SettingKey("export/mp3_bitrate", DEFAULT_BITRATE, _choice((VBR, *BITRATES))),
        SettingKey("export/normalize", False, _bool),
        SettingKey("export/target_lufs", -16.0, _number(-40.0, -5.0)),
        SettingKey("export/true_peak_db", -1.0, _number(-9.0, 0.0)),
        SettingKey("export/trim_silence", False, _bool),
        SettingKey("voices/favourites", [], _text_list(500)),
        SettingKey("voices/recent", [], _text_list(20)),
        SettingKey("projects/recent", [], _text_list(20)),
        SettingKey("projects/import_folder", "", _text()),
        # File -> Export... of a project (the dialog's last choices).
        SettingKey("project_export/format", "wav", _choice(EXPORT_FORMATS)),
        SettingKey("project_export/mp3_bitrate", DEFAULT_BITRATE, _choice((VBR, *BITRATES))),
        SettingKey("project_export/sample_rate", 44100, _choice(x.MIX_RATES)),
        SettingKey("project_export/split", "none", _choice(x.SPLITS)),
        SettingKey("project_export/name_template", x.PIECE_TEMPLATE, _text(200)),
        SettingKey("project_export/zip", False, _bool),
        SettingKey("project_export/subtitles", ["srt"], _text_list(len(x.SUBTITLE_FORMATS))),
        SettingKey("project_export/chapters", True, _bool),
        SettingKey("project_export/loudness", x.LOUDNESS_OFF, _choice(tuple(x.LOUDNESS_TARGETS))),
        SettingKey("project_export/true_peak_db", -1.0, _number(-9.0, 0.0)),
        SettingKey("project_export/crossfade_ms", 10.0, _number(0.0, x.MAX_CROSSFADE_MS)),
        SettingKey("project_export/folder", "", _text()),
        SettingKey("dictionaries/names", {}, _text_map),
        SettingKey("cache/max_mb", CACHE_MB_DEFAULT, _number(CACHE_MB_MIN, CACHE_MB_MAX, int)),
        SettingKey("app/first_run_done", False, _bool),
        SettingKey("app/theme", "system", _choice(THEMES)),
    )
}


# Names the preferences dialog shows, for messages about a value it refused.
LABELS = {
    "backend/base_url": "Server address",
    "export/name_template": "File name",
    "export/folder": "Default folder",
    "export/target_lufs": "Loudness target",
    "export/true_peak_db": "True-peak ceiling",
    "cache/max_mb": "Render cache",
    "audio/volume": "Volume",
}


class Settings(QObject):
    """Typed, validated access to the user's QSettings (INI, user scope).

    Values are stored as JSON text so that they read back with their type. A value that is
    missing, unreadable or invalid (a hand-edited or corrupt file) reads as its default and is
    logged; it never raises. Writes are validated and go through at once.

    Signals:
        changed(str key): after a value changed.
        write_failed(str message): the settings file could not be written (said once).
    """

    changed = Signal(str)
    write_failed = Signal(str)

    def __init__(self, store: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._write_warned = False
        if store.status() != QSettings.Status.NoError:
            log.warning(
                "Settings file %s is damaged; unreadable values use defaults.", store.fileName()
            )

    @property
    def file_name(self) -> str:
        """The INI file behind these settings."""
        return self._store.fileName()

    def get(self, name: str) -> Any:
        """The validated value of `name`, or its default."""
        key = KEYS[name]
        raw = self._store.value(name)
        if raw is None:
            return _copy(key.default)
        try:
            return key.parse(json.loads(str(raw)))
        except (ValueError, TypeError) as exc:
            log.warning("Setting %s has an invalid value (%s); using the default.", name, exc)
            return _copy(key.default)

    def set(self, name: str, value: Any) -> None:
        """Validate and store `value`; emit `changed(name)` if it differs.

        Raises:
            ValidationError: the value is not allowed for this key.
        """
        key = KEYS[name]
        try:
            value = key.parse(value)
        except (ValueError, TypeError) as exc:
            raise ValidationError(f"Invalid value for {name}: {exc}.", name) from exc
        if value == self.get(name) and self._store.contains(name):
            return
        self._store.setValue(name, json.dumps(value, ensure_ascii=False))
        self._sync()
        self.changed.emit(name)

    def check(self, values: dict[str, Any]) -> str:
        """The first problem with a set of new values, as a user message ("" when all fit)."""
        for name, value in values.items():
            try:
                KEYS[name].parse(value)
            except (ValueError, TypeError) as exc:
                return f"{LABELS.get(name, name)}: {exc}."
        return ""

    def _sync(self) -> None:
        self._store.sync()
        if self._store.status() != QSettings.Status.NoError and not self._write_warned:
            self._write_warned = True
            log.warning("Could not write settings to %s", self._store.fileName())
            self.write_failed.emit(
                f"Your settings could not be saved to {self._store.fileName()} (is the disk full "
                "or the folder read-only?). They apply until you quit."
            )

    def reset(self, name: str) -> None:
        """Forget the stored value of `name` so it reads as the default again."""
        self._store.remove(name)
        self._sync()
        self.changed.emit(name)

    def ui_state(self, name: str) -> QByteArray | None:
        """Opaque widget state (geometry, splitter) saved with `set_ui_state`."""
        value = self._store.value(f"ui/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_ui_state(self, name: str, state: QByteArray) -> None:
        """Save opaque widget state under ui/."""
        self._store.setValue(f"ui/{name}", state)
        self._sync()

    # Typed shortcuts for the values most code reads.
    @property
    def voice_id(self) -> str:
        """The chosen voice id ("" until one is picked)."""
        return str(self.get("synthesis/voice_id"))

    @property
    def speed(self) -> float:
        """Speech speed, 0.5–2.0."""
        return float(self.get("synthesis/speed"))

    @property
    def output_format(self) -> str:
        """Requested output format."""
        return str(self.get("synthesis/output_format"))

    @property
    def dictionary_ids(self) -> list[str]:
        """Pronunciation dictionaries applied to renders."""
        return list(self.get("synthesis/dictionary_ids"))

    def render_spec(self) -> RenderSpec:
        """The current voice and audio settings as a RenderSpec."""
        return RenderSpec(
            voice_id=self.voice_id,
            model=str(self.get("synthesis/model")),
            language=str(self.get("synthesis/language")),
            speed=self.speed,
            sample_rate=int(self.get("synthesis/sample_rate")),
            output_format=self.output_format,
            dictionary_ids=tuple(self.dictionary_ids),
        )


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))
