"""The choices a project export offers (shared by the export dialog, its settings, the
`project export` parser and the export library, so neither the settings table nor the parser
need load the audio libraries)."""

from __future__ import annotations

SPLITS = ("none", "chapter", "segment")
SUBTITLE_FORMATS = ("srt", "vtt")
# Integrated loudness targets (LUFS); 0.0 stands for "leave the level alone".
LOUDNESS_OFF = 0.0
LOUDNESS_TARGETS: dict[float, str] = {
    LOUDNESS_OFF: "Off",
    -16.0: "−16 LUFS (podcast, streaming)",
    -19.0: "−19 LUFS (mono podcast)",
    -23.0: "−23 LUFS (broadcast, EBU R128)",
}
# The same targets by name, as `project export --loudness` takes them.
LOUDNESS_PRESETS = {"podcast": -16.0, "broadcast": -23.0, "mono": -19.0}
MIX_RATES = (8000, 16000, 22050, 24000, 44100, 48000)
MAX_CROSSFADE_MS = 50.0
JOIN_MODES = ("crossfade", "zero")  # an equal-power crossfade, or a cut at a zero crossing
PIECE_TEMPLATE = "{n:02d} {title}"
