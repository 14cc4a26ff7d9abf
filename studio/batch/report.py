"""The batch report (CSV, safe to open in a spreadsheet), output checks and the merged file."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from studio.core.batch import QueueItem

REPORT_COLUMNS = (
    "row", "id", "state", "output", "duration_s", "attempts", "error", "request_id", "backend",
)  # fmt: skip
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, e.g.
# `=cmd|' /C calc'!A0`); a leading apostrophe makes it plain text (OWASP's advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_RAW_FORMATS = {"pcm": 2, "ulaw": 1, "alaw": 1}


def neutralise(value: object) -> str:
    """A cell value a spreadsheet shows as text, never evaluates."""
    text = str(value).replace("\x00", "")
    return "'" + text if text.startswith(_FORMULA_START) else text


def report_rows(
    items: Iterable[QueueItem], out_dir: Path, invalid: Iterable[tuple[int, str]] = ()
) -> Iterable[list[str]]:
    """One list of cells per row of the input, in row order: items and invalid rows merged."""
    pending = sorted(invalid)
    for item in items:
        while pending and pending[0][0] < item.spec.row:
            row, error = pending.pop(0)
            yield [str(row), "", "invalid", "", "", "0", error, "", ""]
        output = str(out_dir / item.spec.out_name) if item.state in ("done", "skipped") else ""
        yield [
            str(item.spec.row),
            item.spec.key,
            item.state,
            output,
            f"{item.duration_s:.3f}" if item.duration_s else "",
            str(item.attempts),
            item.error,
            item.request_id,
            item.backend,
        ]
    for row, error in pending:
        yield [str(row), "", "invalid", "", "", "0", error, "", ""]


def write_report(path: Path, rows: Iterable[list[str]]) -> None:
    """Write the report atomically (UTF-8 with BOM so Excel reads accents), formulas defused."""
    from studio.store.atomic import atomic_write_bytes

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    atomic_write_bytes(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def output_complete(path: Path, export_format: str, sample_rate: int) -> float | None:
    """The duration of a complete, readable output file, or None (missing, empty, damaged).

    Used on resume: a file written before a crash (atomically, so whole) but not yet recorded
    as done counts as done rather than being rendered a second time.
    """
    try:
        size = os.stat(path).st_size
    except OSError:
        return None
    if export_format in _RAW_FORMATS:
        width = _RAW_FORMATS[export_format]
        return size / width / sample_rate if size and size % width == 0 else None
    import soundfile

    try:
        info = soundfile.info(str(path))
    except (RuntimeError, soundfile.LibsndfileError, OSError):
        return None
    return info.frames / info.samplerate if info.frames > 0 and info.samplerate else None


def write_merged(path: Path, files: Iterable[tuple[Path, int]], pause_s: float, rate: int) -> float:
    """One WAV of every file in order with `pause_s` of silence between, streamed to disk and
    saved atomically.

    Args:
        files: (path, sample rate) per item, in item order; each file's format is its
            extension (as the plan names them).
        rate: The merged file's rate; items at another rate are resampled.

    Returns:
        The merged duration in seconds.

    Raises:
        ExportError: the merged file could not be written (disk full, permissions…).
        DecodeError: an item's file could not be read.
    """
    import soundfile

    from studio.audio.atomic import atomic_target
    from studio.audio.mixsource import iter_part

    frames = 0
    gap = np.zeros(int(pause_s * rate), np.float32)
    with (
        atomic_target(path, overwrite=True) as temp,
        soundfile.SoundFile(
            str(temp), "w", samplerate=rate, channels=1, subtype="PCM_16", format="WAV"
        ) as out,
    ):
        for index, (file, item_rate) in enumerate(files):
            if index and gap.size:
                out.write(gap)
                frames += gap.size
            for block in iter_part(file, item_rate, rate):  # an item is never held whole
                out.write(block)
                frames += len(block)
    return frames / rate
