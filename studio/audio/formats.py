"""Export formats and MP3 options as plain values (no numpy: settings and menus need them at
start-up, before any audio is loaded). `export` and `mp3_export` re-export them."""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.errors import ExportError

# Also the choices of the `export/format` setting.
EXPORT_FORMATS: tuple[str, ...] = ("wav", "wav_float", "flac", "ogg", "mp3", "pcm", "ulaw", "alaw")
EXTENSIONS = {"wav_float": "wav"}  # every other format's extension is its name

BITRATES: tuple[int, ...] = (64, 96, 128, 160, 192, 256, 320)
DEFAULT_BITRATE = 192
VBR = 0  # "bitrate" value meaning LAME's variable bitrate


def check_format(export_format: str) -> None:
    """Raise ExportError for a format that is not one of EXPORT_FORMATS."""
    if export_format not in EXPORT_FORMATS:
        raise ExportError(
            f"Cannot save as '{export_format}'. Choose one of: {', '.join(EXPORT_FORMATS)}."
        )


def file_extension(export_format: str) -> str:
    """The file extension (without the dot) for an export format."""
    check_format(export_format)
    return EXTENSIONS.get(export_format, export_format)


@dataclass(frozen=True)
class Mp3Options:
    """How an MP3 is written.

    Attributes:
        bitrate: kbps for constant bitrate, or VBR (0).
        title, artist: ID3 tags ("" leaves a tag out).
    """

    bitrate: int = DEFAULT_BITRATE
    title: str = ""
    artist: str = ""

    @property
    def label(self) -> str:
        """ "192 kbps" or "VBR"."""
        return "VBR" if self.bitrate == VBR else f"{self.bitrate} kbps"


def max_bitrate(sample_rate: int) -> int:
    """The highest MP3 bitrate for a sample rate: MPEG-1 (32 kHz+) 320, MPEG-2 160, 2.5 64."""
    if sample_rate >= 32000:
        return 320
    return 160 if sample_rate >= 16000 else 64
