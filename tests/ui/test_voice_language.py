"""Voice and language agree, or the user is told (issue 13, item 3), on eSpeak NG's voices."""

import pytest
from PySide6.QtCore import Qt

from studio.services.messages import Level
from studio.ui.voice_panel import NO_VOICE_MARK

pytestmark = pytest.mark.gui


@pytest.fixture
def studio(make_studio, make_waves_local):
    """A studio on eSpeak NG, whose voices each speak one language."""
    return make_studio(server=make_waves_local(engine="espeak"))


def _speaker(studio, code: str) -> str:
    return next(v.voice_id for v in studio.services.voices.voices if v.language_codes == (code,))


def test_picking_a_voice_sets_a_language_it_speaks(qtbot, studio) -> None:
    """The voice list and the browser's "Use this voice" both move Language to the voice's."""
    settings, panel = studio.services.settings, studio.window.voice_panel
    panel.language_combo.setCurrentIndex(panel.language_combo.findData("de"))
    assert settings.get("synthesis/language") == "de"
    panel.voice_combo.setCurrentIndex(panel.voice_combo.findData(_speaker(studio, "es")))
    assert settings.get("synthesis/language") == "es"
    assert panel.language_combo.currentData() == "es"
    # What the voice browser's "Use this voice" does.
    settings.set("synthesis/voice_id", _speaker(studio, "hi"))
    assert settings.get("synthesis/language") == "hi"
    assert panel.language_combo.currentData() == "hi"
    assert panel.voice_combo.currentData() == _speaker(studio, "hi")


def test_use_this_one_in_the_grid_keeps_voice_and_language_together(qtbot, studio) -> None:
    """A grid cell whose language its voice does not speak still ends in a matching pair."""
    from studio.services.audition import Candidate

    settings = studio.services.settings
    audition = studio.services.audition
    spec = settings.render_spec()
    bengali = _speaker(studio, "bn")
    candidates = [Candidate(bengali, spec.model, "en", 1.0)]
    with qtbot.wait_signal(audition.grid_finished, timeout=15000):
        audition.run("Hello.", spec, candidates)
    studio.window.take_flows.use_grid_cell(0)
    assert settings.voice_id == bengali and settings.get("synthesis/language") == "bn"


def test_languages_without_a_voice_are_marked(qtbot, studio) -> None:
    """German has no eSpeak NG voice here: the Language list says so; English does not."""
    combo = studio.window.voice_panel.language_combo
    german = combo.itemText(combo.findData("de"))
    assert NO_VOICE_MARK in german
    assert "No voice" in combo.itemData(combo.findData("de"), Qt.ItemDataRole.ToolTipRole)
    assert NO_VOICE_MARK not in combo.itemText(combo.findData("en"))
    assert NO_VOICE_MARK not in combo.itemText(combo.findData("hi"))


def test_rendering_with_a_mismatch_warns(qtbot, studio) -> None:
    """An English voice asked for Hindi renders, with a warning naming both languages."""
    settings, panel = studio.services.settings, studio.window.voice_panel
    panel.voice_combo.setCurrentIndex(panel.voice_combo.findData(_speaker(studio, "en")))
    panel.language_combo.setCurrentIndex(panel.language_combo.findData("hi"))
    assert settings.get("synthesis/language") == "hi"  # choosing a language keeps the voice
    studio.window.editor_panel.set_text("Hello there.")
    with qtbot.wait_signal(studio.services.synthesis.synthesis_finished, timeout=20000):
        studio.window.flows.synthesize()
    warnings = [m for m in studio.window.presenter.history if m.level is Level.WARNING]
    assert warnings and "English, not Hindi" in warnings[-1].text
