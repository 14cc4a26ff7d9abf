"""The neutral shape every script importer returns: chapters of paragraphs, each with a speaker and
optional cue times (what a project is built from)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.core.errors import StudioError

# "Alice: Hello" or "DR. SMITH: Hello": a short name that starts with a letter, then a colon
# and a space. Times ("10:30") and URLs ("http://") do not match.
_SPEAKER = re.compile(r"^\s*([^\W\d_][\w.'’\- ]{0,40}?)\s*:\s+(\S.*)$", re.DOTALL)
_NOT_SPEAKERS = {"http", "https", "note", "warning", "tip", "example", "chapter", "part"}


@dataclass(frozen=True)
class Paragraph:
    """One block of speech.

    Attributes:
        text: Plain text to speak (markup removed).
        speaker: The name from "Speaker: line", or None.
        start_s, end_s: The cue's times for timed imports (SRT/VTT), else None.
    """

    text: str
    speaker: str | None = None
    start_s: float | None = None
    end_s: float | None = None


@dataclass(frozen=True)
class Chapter:
    """A chapter: its title (None for text before any heading) and its paragraphs."""

    title: str | None
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class ImportedScript:
    """An imported script.

    Attributes:
        chapters: In order; never empty chapters.
        timed: True when every paragraph has cue times (a timed project).
        notes: Sentences for the user (e.g. an encoding guess, skipped content).
    """

    chapters: tuple[Chapter, ...]
    timed: bool = False
    notes: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> list[Paragraph]:
        """All paragraphs, in order."""
        return [p for c in self.chapters for p in c.paragraphs]

    @property
    def speakers(self) -> list[str]:
        """Speaker names in order of first appearance."""
        seen: dict[str, None] = {}
        for p in self.paragraphs:
            if p.speaker:
                seen.setdefault(p.speaker)
        return list(seen)


def split_speaker(line: str) -> tuple[str | None, str]:
    """("Alice", "Hello") from "Alice: Hello"; (None, line) when it names no speaker."""
    match = _SPEAKER.match(line)
    if match:
        name = " ".join(match.group(1).split())
        words = name.split()
        # A name is one to three capitalised words ("Alice", "Dr. Smith", "MARY JANE"), so
        # prose such as "The answer is this: ..." or "Chapter 1: ..." is not taken for one.
        if (
            len(words) <= 3
            and all(w[0].isupper() for w in words)
            and not any(c.isdigit() for c in name)
            and name.lower() not in _NOT_SPEAKERS
        ):
            return name, match.group(2).strip()
    return None, line.strip()


def speaker_paragraphs(lines: list[str]) -> list[Paragraph]:
    """Paragraphs from the lines of one text block: a line naming a speaker starts a new one."""
    out: list[tuple[str | None, list[str]]] = []
    for line in lines:
        if not line.strip():
            continue
        speaker, text = split_speaker(line)
        if speaker is not None or not out:
            out.append((speaker, [text]))
        else:
            out[-1][1].append(text)
    return [Paragraph(" ".join(" ".join(words).split()), s) for s, words in out if words]


class ScriptImportError(StudioError):
    """A script could not be imported; the message names the file and, where known, the line.

    Attributes:
        line: 1-based line number of the problem, or None.
    """

    def __init__(self, user_message: str, line: int | None = None) -> None:
        super().__init__(user_message)
        self.line = line


def build(chapters: list[tuple[str | None, list[Paragraph]]], notes: list[str]) -> ImportedScript:
    """An ImportedScript from (title, paragraphs) pairs, dropping empty chapters and paragraphs."""
    kept = []
    for title, paragraphs in chapters:
        paras = tuple(p for p in paragraphs if p.text)
        if paras:
            kept.append(Chapter(title, paras))
    timed = bool(kept) and all(p.start_s is not None for c in kept for p in c.paragraphs)
    return ImportedScript(tuple(kept), timed, tuple(n for n in notes if n))
