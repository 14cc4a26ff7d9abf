"""Settings: one key table, validated writes, and reads that survive any file content."""

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from studio.core.errors import ValidationError
from studio.services.settings import KEYS, Settings


def _settings_at(path: Path) -> Settings:
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))


def test_every_key_reads_its_default_on_a_new_profile(settings: Settings) -> None:
    """A fresh profile gives every key its documented default."""
    for name, key in KEYS.items():
        assert settings.get(name) == key.default


def test_values_round_trip_through_the_file(tmp_path: Path) -> None:
    """What one app instance saves, the next one reads back with the same type."""
    first = _settings_at(tmp_path / "s.ini")
    first.set("synthesis/speed", 1.25)
    first.set("synthesis/sample_rate", 16000)
    first.set("synthesis/dictionary_ids", ["64f1234567890abcdef12345"])
    first.set("export/normalize", True)
    first.set("dictionaries/names", {"64f1234567890abcdef12345": "Brand names – ü"})
    second = _settings_at(tmp_path / "s.ini")
    assert second.speed == 1.25
    assert second.get("synthesis/sample_rate") == 16000
    assert second.dictionary_ids == ["64f1234567890abcdef12345"]
    assert second.get("export/normalize") is True
    assert second.get("dictionaries/names") == {"64f1234567890abcdef12345": "Brand names – ü"}


def test_invalid_write_is_refused_and_changes_nothing(settings: Settings) -> None:
    """Setting a speed outside 0.5–2.0 raises and keeps the old value."""
    settings.set("synthesis/speed", 1.5)
    with pytest.raises(ValidationError):
        settings.set("synthesis/speed", 2.5)
    with pytest.raises(ValidationError):
        settings.set("synthesis/output_format", "flac")
    assert settings.speed == 1.5


def test_changed_is_emitted_once_per_real_change(settings: Settings, qtbot) -> None:
    """`changed(key)` fires when a value changes, not when the same value is set again."""
    with qtbot.wait_signal(settings.changed, timeout=1000) as blocker:
        settings.set("synthesis/voice_id", "magnus")
    assert blocker.args == ["synthesis/voice_id"]
    with qtbot.assert_not_emitted(settings.changed):
        settings.set("synthesis/voice_id", "magnus")


@pytest.mark.parametrize(
    "content",
    [
        '[synthesis]\nspeed=fast\nsample_rate="[1, 2]"\noutput_format=42\n',
        '[synthesis]\nspeed=9.5\ndictionary_ids="{\\"not\\": \\"a list\\"}"\n',
        '[synthesis]\nspeed=\nmodel=lightning-v2\n[export]\nnormalize="yes"\n',
        "\x00\xff\xfe garbage \x00\n[[[[\n=\n==\nspeed",
        "[synthesis]\nspeed=nan\nsample_rate=44100.5\n[cache]\nmax_mb=-1\n",
    ],
)
def test_hand_edited_or_corrupt_file_falls_back_to_defaults(tmp_path: Path, content: str) -> None:
    """Unreadable values read as defaults; reading never raises."""
    path = tmp_path / "s.ini"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    settings = _settings_at(path)
    for name, key in KEYS.items():
        assert settings.get(name) == key.default, name


def test_corrupt_value_can_be_overwritten(tmp_path: Path) -> None:
    """After a bad hand edit, the next valid write repairs the key."""
    path = tmp_path / "s.ini"
    path.write_text("[synthesis]\nspeed=banana\n")
    settings = _settings_at(path)
    settings.set("synthesis/speed", 0.75)
    assert _settings_at(path).speed == 0.75


def test_ui_state_round_trips_bytes(tmp_path: Path) -> None:
    """Window geometry blobs are stored and restored byte for byte."""
    first = _settings_at(tmp_path / "s.ini")
    assert first.ui_state("geometry") is None
    first.set_ui_state("geometry", QByteArray(b"\x01\x02\xff geometry"))
    assert bytes(_settings_at(tmp_path / "s.ini").ui_state("geometry").data()) == (
        b"\x01\x02\xff geometry"
    )


def test_no_secret_key_is_in_the_table() -> None:
    """The key table has nowhere to put an API key (it lives in the keyring)."""
    assert not any("key" in name.lower() and "api" in name.lower() for name in KEYS)


def test_a_settings_file_that_cannot_be_written_is_reported_once(tmp_path: Path, qtbot) -> None:
    """If the INI file cannot be written, the user hears it once; the values still apply."""
    folder = tmp_path / "settings.ini"
    folder.mkdir()  # a folder where the file should be: every write fails
    settings = _settings_at(folder)
    with qtbot.wait_signal(settings.write_failed, timeout=1000) as failed:
        settings.set("synthesis/speed", 1.5)
    assert "could not be saved" in failed.args[0]
    with qtbot.assert_not_emitted(settings.write_failed):
        settings.set("synthesis/speed", 1.25)
    assert settings.speed == 1.25


def test_check_names_the_refused_value() -> None:
    """check() reports the first refused value with the name the preferences show."""
    from studio.services.settings import Settings as _Settings

    settings = _Settings.__new__(_Settings)
    message = _Settings.check(settings, {"export/name_template": "x" * 300})
    assert message.startswith("File name:") and "200" in message
