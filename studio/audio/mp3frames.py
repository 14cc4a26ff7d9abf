"""MPEG audio frame headers, Xing/Info/LAME tags and ID3 tags: enough to split an MP3 stream."""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.errors import DecodeError

# Bitrates in kbit/s by [MPEG-1?][layer]; index 0 ("free format") and 15 are not allowed.
_BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Sample rates by version bits: 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5 (1 is reserved).
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
ID3V1_BYTES = 128
HEADER_BYTES = 4


@dataclass(frozen=True)
class FrameHeader:
    """One MPEG audio frame header.

    Attributes:
        version: 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5 (the header's bits).
        layer: 1, 2 or 3.
        sample_rate: Hz.
        length: Bytes in the whole frame, header included.
        samples: Samples per channel the frame decodes to.
        mono: True for single-channel frames.
        has_crc: A 16-bit CRC follows the header.
        raw: The four header bytes as an integer.
    """

    version: int
    layer: int
    sample_rate: int
    length: int
    samples: int
    mono: bool
    has_crc: bool
    raw: int

    @property
    def side_info_offset(self) -> int:
        """Where the Layer III side information starts."""
        return HEADER_BYTES + (2 if self.has_crc else 0)

    @property
    def side_info_bytes(self) -> int:
        """Size of the Layer III side information."""
        if self.version == 3:
            return 17 if self.mono else 32
        return 9 if self.mono else 17

    def same_stream(self, other: FrameHeader) -> bool:
        """True when both frames can belong to one stream (version, layer and rate agree)."""
        return (self.version, self.layer, self.sample_rate) == (
            other.version,
            other.layer,
            other.sample_rate,
        )


def parse_header(data: bytes | bytearray, at: int = 0) -> FrameHeader | None:
    """Parse the frame header at `at`, or return None if the bytes there are not one."""
    if len(data) < at + HEADER_BYTES:
        return None
    raw = int.from_bytes(data[at : at + HEADER_BYTES], "big")
    version, layer_bits = (raw >> 19) & 3, (raw >> 17) & 3
    bitrate_index, rate_index = (raw >> 12) & 15, (raw >> 10) & 3
    if raw >> 21 != 0x7FF or version == 1 or layer_bits == 0:
        return None
    if bitrate_index in (0, 15) or rate_index == 3:
        return None
    layer = 4 - layer_bits
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index] * 1000
    rate = _SAMPLE_RATES[version][rate_index]
    padding = (raw >> 9) & 1
    if layer == 1:
        length = (12 * bitrate // rate + padding) * 4
        samples = 384
    elif layer == 2 or mpeg1:
        length = 144 * bitrate // rate + padding
        samples = 1152
    else:
        length = 72 * bitrate // rate + padding
        samples = 576
    mono = (raw >> 6) & 3 == 3
    return FrameHeader(version, layer, rate, length, samples, mono, not (raw >> 16) & 1, raw)


@dataclass(frozen=True)
class InfoTag:
    """What a Xing/Info (or VBRI) header frame says about the stream that follows it.

    Attributes:
        frames: Audio frames in the stream, when the tag says.
        encoder_delay: Samples of encoder delay at the start (LAME tag), or None.
        padding: Samples of padding at the end (LAME tag), or None.
    """

    frames: int | None
    encoder_delay: int | None
    padding: int | None


def parse_info_tag(frame: bytes, header: FrameHeader) -> InfoTag | None:
    """Return the Xing/Info/VBRI tag of a header frame, or None for an audio frame."""
    if header.layer != 3:
        return None
    at = header.side_info_offset + header.side_info_bytes
    if frame[at : at + 4] in (b"Xing", b"Info") and len(frame) >= at + 8:
        flags = int.from_bytes(frame[at + 4 : at + 8], "big")
        cursor = at + 8
        frames = None
        if flags & 1 and len(frame) >= cursor + 4:
            frames = int.from_bytes(frame[cursor : cursor + 4], "big")
        cursor += 4 * bool(flags & 1) + 4 * bool(flags & 2) + 100 * bool(flags & 4)
        cursor += 4 * bool(flags & 8)
        delay = padding = None
        # The LAME extension: 9-byte encoder string, then 12 bits delay and 12 bits padding
        # at offset 21 of it (LAME's "Mp3 Info Tag rev 1" specification).
        lame = frame[cursor : cursor + 24]
        if len(lame) == 24 and lame[:4] in (b"LAME", b"Lavf", b"Lavc", b"L3.9"):
            packed = int.from_bytes(lame[21:24], "big")
            delay, padding = packed >> 12, packed & 0xFFF
        return InfoTag(frames, delay, padding)
    vbri = HEADER_BYTES + 32
    if frame[vbri : vbri + 4] == b"VBRI" and len(frame) >= vbri + 18:
        return InfoTag(int.from_bytes(frame[vbri + 14 : vbri + 18], "big"), None, None)
    return None


def id3v2_size(data: bytes | bytearray, at: int = 0) -> int | None:
    """Total size of an ID3v2 tag starting at `at`; None when none starts there.

    Raises:
        DecodeError: the tag header is malformed.
    """
    if data[at : at + 3] != b"ID3":
        return None
    if len(data) < at + 10:
        return 0  # not known yet: the caller waits for more bytes
    size_bytes = data[at + 6 : at + 10]
    if any(b & 0x80 for b in size_bytes):
        raise DecodeError("The MP3 file is corrupt: its ID3 tag has an invalid size.")
    size = 0
    for b in size_bytes:
        size = (size << 7) | b
    footer = 10 if data[at + 5] & 0x10 else 0
    return 10 + size + footer
