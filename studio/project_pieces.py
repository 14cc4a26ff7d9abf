"""The pieces of a project export: which items go into each file, as mixdown parts placed on
their cues, and what the finished mix says about subtitles and dubbing (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from studio.audio.mixdown import MixResult, Part
from studio.core.project import Project
from studio.core.project_mix import MixItem
from studio.core.subtitles import SpokenPart
from studio.project_takes import TakeAudio

LATE_S = 0.05  # a cue whose speech lands this much late (or runs on) is reported
SILENCE_RATE = 24000  # the rate given with a pause-only segment's (empty) samples


@dataclass(frozen=True)
class Piece:
    """One output file: its title and the items it mixes (indices into the item list)."""

    title: str
    items: tuple[int, ...]


def pieces_of(project: Project, items: list[MixItem], split: str, stem: str) -> list[Piece]:
    """The files of an export: all items ("none"), one per chapter, or one per spoken segment
    (titled by its first words)."""
    if split == "none":
        return [Piece(project.title or stem, tuple(range(len(items))))]
    if split == "segment":
        return [Piece(_first_words(it.text), (n,)) for n, it in enumerate(items) if it.text]
    groups: list[tuple[str, list[int]]] = []
    for n, item in enumerate(items):
        if item.chapter is not None or not groups:
            groups.append((item.chapter or project.title, []))
        groups[-1][1].append(n)
    return [Piece(title, tuple(members)) for title, members in groups]


def _first_words(text: str, limit: int = 40) -> str:
    words = text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]
    return words.rstrip(" ,;:.!?") or "segment"


def parts_of(
    items: list[MixItem], piece: Piece, takes: dict[str, TakeAudio], split: str
) -> list[Part]:
    """The piece's parts: takes as files, pause-only segments as silence, dubbed cues placed
    so that their speech (not their first sample) starts on the cue."""
    parts: list[Part] = []
    origin: float | None = None
    for n in piece.items:
        item = items[n]
        start = None
        if item.cue_s is not None and split != "segment":
            lead = takes[item.take_id].speech_start_s if item.take_id else 0.0
            start = max(0.0, item.cue_s - lead)
            if split == "chapter":  # each file starts at its first cue
                origin = start if origin is None else origin
                start -= origin
        if item.take_id:
            take = takes[item.take_id]
            parts.append(Part(take.path, take.sample_rate, item.pause_after_s, start, item.chapter))
        else:  # a pause-only segment: its pause, after no audio
            silence = np.zeros(0, dtype=np.float32)
            parts.append(Part(silence, SILENCE_RATE, item.pause_after_s, start, item.chapter))
    if split != "none" and parts and parts[-1].start_s is None:
        parts[-1] = replace(parts[-1], pause_after_s=0.0)  # no trailing pause in a split file
    return parts


def spoken_parts(
    items: list[MixItem], piece: Piece, takes: dict[str, TakeAudio], result: MixResult
) -> list[SpokenPart]:
    out = []
    for n, span in zip(piece.items, result.spans, strict=True):
        item = items[n]
        if not item.text or not item.take_id:
            continue
        at = span.start / result.sample_rate
        speech = tuple((at + a, at + b) for a, b in takes[item.take_id].speech)
        out.append(SpokenPart(item.text, at, span.end / result.sample_rate, speech))
    return out


def timing_warnings(
    items: list[MixItem], piece: Piece, takes: dict[str, TakeAudio], result: MixResult
) -> list[str]:
    """Dubbed cues whose speech starts late (pushed by the cue before) or runs past the next
    cue's start; each says what to do."""
    cues: list[list[float]] = []  # [cue start, speech onset, speech end] (-1: no speech yet)
    for n, span in zip(piece.items, result.spans, strict=True):
        item = items[n]
        at = span.start / result.sample_rate
        if item.cue_s is not None:
            cues.append([item.cue_s, -1.0, -1.0])
        speech = takes[item.take_id].speech if item.take_id else ()
        if cues and speech:
            if cues[-1][1] < 0:
                cues[-1][1] = at + speech[0][0]
            cues[-1][2] = at + speech[-1][1]
    out = []
    for k, (cue, onset, end) in enumerate(cues):
        if onset >= 0 and onset - cue > LATE_S:
            out.append(f"Cue {k + 1} starts {onset - cue:.2f} s late: the cue before runs long.")
        following = cues[k + 1][0] if k + 1 < len(cues) else None
        if following is not None and end > following:
            out.append(
                f"Cue {k + 1} runs {end - following:.2f} s into cue {k + 2}: run "
                "'waves-studio project fit', render again, or shorten its text."
            )
    return out
