"""SubRip and WebVTT scripts: each cue is a paragraph that keeps its start and end (timed)."""

from __future__ import annotations

import re

from studio.core.script_import.model import (
    ImportedScript,
    Paragraph,
    ScriptImportError,
    build,
    split_speaker,
)

_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")  # <i>, <v Alice>, <c.yellow>, SSA {\an8}
_VOICE = re.compile(r"<v(?:\.[^ >]*)?\s+([^>]+)>")
_SRT_TIMING = re.compile(r"^\s*\d+:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d+:\d{2}:\d{2}[,.]\d{1,3}")
_ARROW = "-->"


def parse_srt(text: str, name: str, notes: list[str]) -> ImportedScript:
    """Cues from a SubRip file (parsed by the `srt` library).

    Raises:
        ScriptImportError: malformed file, with the line number.
    """
    import srt

    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        found = text[exc.expected_start :].strip().split("\n", 1)[0][:60]
        raise ScriptImportError(
            f"{name}, line {line}: expected a cue (a number, then a timing line such as "
            f"'00:00:01,000 --> 00:00:02,500'), found '{found}'.",
            line,
        ) from None
    timing_lines = [i + 1 for i, ln in enumerate(text.split("\n")) if _ARROW in ln]
    for k, sub in enumerate(subtitles):
        if _ARROW in sub.content:  # srt folds a broken cue into the previous cue's text
            at = _line_of(text, sub.content.split(_ARROW)[0].rsplit("\n", 1)[-1] + _ARROW)
            raise ScriptImportError(f"{name}, {_where(at)}: this timing line is malformed.", at)
        if sub.end <= sub.start:
            at = timing_lines[k] if k < len(timing_lines) else None
            raise ScriptImportError(f"{name}, {_where(at)}: the cue ends before it starts.", at)
    paragraphs = [
        _cue(sub.content, sub.start.total_seconds(), sub.end.total_seconds()) for sub in subtitles
    ]
    return build([(None, paragraphs)], notes)


def parse_vtt(text: str, name: str, notes: list[str]) -> ImportedScript:
    """Cues from a WebVTT file (parsed by webvtt-py, strictly).

    Raises:
        ScriptImportError: malformed file, with the line number.
    """
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.from_string(text, strict=True).captions
    except MalformedFileError:
        raise ScriptImportError(
            f"{name}, line 1: a WebVTT file must start with the line 'WEBVTT'.", 1
        ) from None
    except MalformedCaptionError as exc:
        block = exc.args[0] if exc.args else ""
        first = block.split("'")[1] if "'" in str(block) else ""
        line = _line_of(text, first) if first else None
        raise ScriptImportError(
            f"{name}, {_where(line)}: malformed cue (expected 'HH:MM:SS.mmm --> HH:MM:SS.mmm', "
            "then its text, and a blank line between cues).",
            line,
        ) from None
    timing_lines = [i + 1 for i, ln in enumerate(text.split("\n")) if _ARROW in ln]
    paragraphs = []
    for k, caption in enumerate(captions):
        start = caption.start_time.in_milliseconds() / 1000
        end = caption.end_time.in_milliseconds() / 1000
        if end <= start:
            at = timing_lines[k] if k < len(timing_lines) else None
            raise ScriptImportError(f"{name}, {_where(at)}: the cue ends before it starts.", at)
        paragraphs.append(_cue(caption.raw_text, start, end))
    return build([(None, paragraphs)], notes)


def _cue(raw: str, start: float, end: float) -> Paragraph:
    voice = _VOICE.search(raw)
    text = " ".join(_TAG.sub("", raw).split())
    text = text.removeprefix("- ").strip()
    speaker, text = split_speaker(text)
    if voice and speaker is None:
        speaker = voice.group(1).strip()
    return Paragraph(text, speaker, start, end)


def _line_of(text: str, fragment: str) -> int | None:
    at = text.find(fragment)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _where(line: int | None) -> str:
    return f"line {line}" if line else "a cue"
