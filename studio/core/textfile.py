"""Read a text file in any usual encoding: UTF-8 (BOM or not), UTF-16, else Windows-1252."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from studio.core.errors import ValidationError


@dataclass(frozen=True)
class DecodedText:
    """Text read from bytes.

    Attributes:
        text: With line ends normalised to "\\n" and no BOM.
        encoding: "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1252" or "latin-1".
        note: A sentence for the user when the encoding was a guess; "" otherwise.
    """

    text: str
    encoding: str
    note: str = ""


def decode_text(data: bytes, name: str = "The file") -> DecodedText:
    """Decode script or CSV bytes the way a user expects.

    A BOM decides (UTF-8, UTF-16 LE/BE). Without one, UTF-16 is recognised by its zero bytes
    (text in Latin scripts has one in every other byte), then strict UTF-8 is tried; what is
    not UTF-8 is read as Windows-1252 (what Notepad and Excel save on Western Windows) with a
    note, since that is a guess. Bytes 1252 leaves undefined fall back to Latin-1.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):  # fmt: skip
        if data.startswith(bom):
            return DecodedText(unix_lines(data[len(bom) :].decode(encoding, "replace")), encoding)
    sixteen = _utf16_without_bom(data)
    if sixteen is not None:
        return DecodedText(unix_lines(data.decode(sixteen, "replace")), sixteen)
    try:
        return DecodedText(unix_lines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
    note = (
        f"{name} is not UTF-8 (first odd byte on line {line}); it was read as Windows-1252. "
        "Check accented letters and quotes."
    )
    try:
        return DecodedText(unix_lines(data.decode("cp1252")), "cp1252", note)
    except UnicodeDecodeError:
        return DecodedText(
            unix_lines(data.decode("latin-1")), "latin-1", note.replace("Windows-1252", "Latin-1")
        )


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def unix_lines(text: str) -> str:
    """`text` with Windows ("\\r\\n") and old Mac ("\\r") line ends made "\\n"."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


READ_BLOCK_BYTES = 1 << 20


def read_utf8_text(path: Path, max_chars: int) -> str:
    """The UTF-8 text of a file (a byte-order mark dropped), read in blocks and refused as soon
    as it passes `max_chars`: a huge or endless file costs no more memory than that much text.

    Raises:
        ValidationError: the file cannot be read, is not UTF-8, or is too long (each says what
            to do).
    """
    from studio.core.text import too_long_for_one_render

    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    parts: list[str] = []
    chars = offset = 0
    try:
        with open(path, "rb") as handle:
            while True:
                block = handle.read(READ_BLOCK_BYTES)
                held = len(decoder.getstate()[0])  # a sequence cut by the last block's end
                try:
                    part = decoder.decode(block, final=not block)
                except UnicodeDecodeError as exc:
                    raise ValidationError(
                        f"{path} is not UTF-8 text (byte {offset - held + exc.start} is not valid "
                        "UTF-8). Save it as UTF-8 and try again.",
                        "file",
                    ) from exc
                chars += len(part)
                if chars > max_chars:
                    raise ValidationError(too_long_for_one_render(str(path), max_chars), "file")
                parts.append(part)
                offset += len(block)
                if not block:
                    return "".join(parts)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ValidationError(f"Could not read {path} ({reason}).", "file") from exc
