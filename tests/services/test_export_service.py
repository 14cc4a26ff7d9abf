"""ExportService picks the format the user meant and writes off the GUI thread."""

from studio.services.export import EXPORT_FILTERS, ExportService


def test_typed_extension_wins_over_the_filter() -> None:
    """'clip.mp3' under the WAV filter is an MP3; a .wav under the float filter stays float."""
    assert ExportService.format_for("/tmp/clip.mp3", EXPORT_FILTERS["wav"]) == "mp3"
    assert ExportService.format_for("/tmp/clip.wav", EXPORT_FILTERS["wav_float"]) == "wav_float"
    assert ExportService.format_for("/tmp/clip", EXPORT_FILTERS["flac"]) == "flac"
    assert ExportService.format_for("/tmp/clip.ul", "") == "ulaw"
    assert ExportService.format_for("/tmp/clip.xyz", "") == "wav"
