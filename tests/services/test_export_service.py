"""ExportService picks the format the user meant and writes off the GUI thread."""

import os

import pytest

from studio.services.export import EXPORT_FILTERS, ExportService


def test_typed_extension_wins_over_the_filter() -> None:
    """'clip.mp3' under the WAV filter is an MP3; a .wav under the float filter stays float."""
    assert ExportService.format_for("/tmp/clip.mp3", EXPORT_FILTERS["wav"]) == "mp3"
    assert ExportService.format_for("/tmp/clip.wav", EXPORT_FILTERS["wav_float"]) == "wav_float"
    assert ExportService.format_for("/tmp/clip", EXPORT_FILTERS["flac"]) == "flac"
    assert ExportService.format_for("/tmp/clip.ul", "") == "ulaw"
    assert ExportService.format_for("/tmp/clip.xyz", "") == "wav"


# --- issue 13, item 15: MP3 bitrate and tags, first folder, a take's own time ---------------
def _rendered(seconds: float = 1.5, rate: int = 44100, text: str = "Hello there, listener."):
    from studio.core.render import RenderSpec
    from tests.store.helpers import make_rendered

    spec = RenderSpec("joe", sample_rate=rate, output_format="wav")
    return make_rendered(text, spec, seconds=seconds, freq=220.0)


def _exports(settings, bus, tmp_path):
    from studio.services.tasks import SyncTaskRunner

    service = ExportService(settings, bus, tmp_path / "scratch", SyncTaskRunner())
    service.voice_name = {"joe": "Joe"}.get
    return service


def test_mp3_is_saved_at_the_chosen_bitrate_with_tags(qtbot, settings, bus, tmp_path) -> None:
    """The MP3 filters set a CBR bitrate (64–320) or VBR; title and artist tags are written."""
    from mutagen.mp3 import MP3, BitrateMode

    exports = _exports(settings, bus, tmp_path)
    rendered = _rendered()
    for kbps in (64, 128, 320):
        chosen = ExportService.format_for("/x/clip.mp3", EXPORT_FILTERS[f"mp3@{kbps}"])
        with qtbot.wait_signal(exports.export_finished, timeout=5000):
            exports.save(rendered, tmp_path / f"clip{kbps}.mp3", chosen)
        info = MP3(tmp_path / f"clip{kbps}.mp3")
        assert round(info.info.bitrate / 1000) == kbps and info.info.bitrate_mode == BitrateMode.CBR
        assert str(info.tags["TIT2"]) == "Hello there, listener."
        assert str(info.tags["TPE1"]) == "Joe"
    with qtbot.wait_signal(exports.export_finished, timeout=5000):
        exports.save(rendered, tmp_path / "vbr.mp3", "mp3@0")
    assert MP3(tmp_path / "vbr.mp3").info.bitrate_mode == BitrateMode.VBR
    # The last choice is remembered: a plain "mp3" (typed extension) uses it.
    assert settings.get("export/mp3_bitrate") == 0
    assert exports.suggestion(rendered)[1] == EXPORT_FILTERS["wav"]
    settings.set("export/format", "mp3")
    assert exports.suggestion(rendered)[1] == EXPORT_FILTERS["mp3@0"]


def test_first_save_goes_to_the_music_folder(settings, bus, tmp_path, monkeypatch) -> None:
    """No folder used or set yet: Music, else Documents, never the bare home folder."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    exports = _exports(settings, bus, tmp_path)
    assert exports.suggestion(_rendered())[0].parent == home / "Documents"
    (home / "Music").mkdir()
    assert exports.suggestion(_rendered())[0].parent == home / "Music"


def test_a_take_is_named_with_its_own_time(settings, bus, tmp_path) -> None:
    """Saving a take again names the file with the time the take was made, not now."""
    import datetime as dt

    exports = _exports(settings, bus, tmp_path)
    when = dt.datetime(2024, 3, 5, 14, 7)
    name = exports.suggestion(_rendered(), when)[0].name
    assert name.startswith(when.strftime("%Y-%m-%d")) and "1407" in name.replace("-", "")


def test_the_save_dialog_offers_each_mp3_bitrate_and_vbr() -> None:
    """64–320 kbps and VBR are file types of their own in the save dialog."""
    from studio.services.export import DIALOG_FILTERS

    mp3 = [label for label in DIALOG_FILTERS if label.startswith("MP3")]
    assert mp3[:7] == [f"MP3 {k} kbps (*.mp3)" for k in (64, 96, 128, 160, 192, 256, 320)]
    assert mp3[7].startswith("MP3 VBR") and len(mp3) == 8


def test_a_bitrate_above_what_the_rate_allows_is_lowered_and_said(
    qtbot, settings, bus, tmp_path
) -> None:
    """MPEG-2 (24 kHz) tops out at 160 kbps: a 320 kbps choice saves at 160 and says so."""
    from mutagen.mp3 import MP3

    exports = _exports(settings, bus, tmp_path)
    with qtbot.wait_signal(exports.export_finished, timeout=5000):
        exports.save(_rendered(rate=24000), tmp_path / "low.mp3", "mp3@320")
    assert round(MP3(tmp_path / "low.mp3").info.bitrate / 1000) == 160
    assert any("up to 160 kbps" in m.text for m in bus.seen)


def test_drag_files_of_earlier_runs_are_removed(settings, bus, tmp_path) -> None:
    """A long clip's drag file (a hard link to its take) never outlives its run."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    take = tmp_path / "take-1.flac"
    take.write_bytes(b"fLaC" + bytes(100))
    os.link(take, scratch / "long.flac")
    for name in ("old.wav", "long.mp3", "long.ulaw"):
        (scratch / name).write_bytes(b"x")
    _exports(settings, bus, tmp_path)
    assert list(scratch.iterdir()) == []
    assert take.stat().st_nlink == 1  # deleting the take now frees its bytes


@pytest.mark.slow
def test_a_long_clip_saves_as_mp3_from_its_file(qtbot, settings, bus, tmp_path) -> None:
    """An hour-long clip saved as MP3 at the chosen bitrate is encoded block by block: its
    samples are never decoded into (and then kept on) the clip on screen."""
    from mutagen.mp3 import MP3

    from tests.services.test_long_clips import _long_rendered

    rendered, samples = _long_rendered(tmp_path, minutes=10.2)
    exports = _exports(settings, bus, tmp_path)
    with qtbot.wait_signal(exports.export_finished, timeout=30000):
        exports.save(rendered, tmp_path / "long.mp3", "mp3@64")
    info = MP3(tmp_path / "long.mp3")
    assert info.info.length == pytest.approx(len(samples) / 8000, abs=0.2)
    assert round(info.info.bitrate / 1000) == 64 and str(info.tags["TIT2"]) == "long"
    assert "samples" not in vars(rendered)
