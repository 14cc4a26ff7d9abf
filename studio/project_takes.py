"""The chosen takes of a project, out of its file and onto disk for the mixdown, with where their
speech is (for subtitles and dubbing)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from studio.audio.speech import speech_regions
from studio.core.errors import CancelledError, ExportError
from studio.core.project import Project
from studio.core.project_dub import TakeTiming

TAIL_S = 0.05  # kept after the last speech when a tail is trimmed (the word's own decay)


class TakeSource(Protocol):
    """Where an export reads a project and its takes' audio: an open ProjectFile (the CLI), or
    the window's project as edited (it may be ahead of the autosave) with its file's audio.

    Attributes:
        project: The project to export.
        path: Its file (its name is the fallback name of the export).
    """

    @property
    def project(self) -> Project: ...

    @property
    def path(self) -> Path: ...

    def read_audio(self, take_id: str) -> tuple[npt.NDArray[np.float32], int]:
        """A take's samples and rate."""
        ...


@dataclass(frozen=True)
class ProjectSnapshot:
    """A TakeSource made of parts: a project as it stands now, and a reader of its takes."""

    project: Project
    path: Path
    read: Callable[[str], tuple[npt.NDArray[np.float32], int]]

    def read_audio(self, take_id: str) -> tuple[npt.NDArray[np.float32], int]:
        """A take's samples and rate (from `read`)."""
        return self.read(take_id)


@dataclass(frozen=True)
class TakeAudio:
    """One take on disk.

    Attributes:
        path: A 16-bit WAV (takes are stored as 16-bit FLAC: nothing is lost).
        sample_rate, frames: Of the audio.
        speech: (start, end) seconds of each stretch of speech in it (empty: not measured).
    """

    path: Path
    sample_rate: int
    frames: int
    speech: tuple[tuple[float, float], ...] = ()

    @property
    def speech_start_s(self) -> float:
        """Where its speech starts (0 when not measured or silent)."""
        return self.speech[0][0] if self.speech else 0.0

    @property
    def timing(self) -> TakeTiming:
        """Its timing for core.project_dub."""
        return _timing(self.frames, self.sample_rate, self.speech)


def measure(samples: object, sample_rate: int) -> tuple[tuple[float, float], ...]:
    """Stretches of speech in a take (audio.speech.speech_regions)."""
    return tuple(speech_regions(samples, sample_rate))  # type: ignore[arg-type]


def _timing(frames: int, sample_rate: int, speech: tuple[tuple[float, float], ...]) -> TakeTiming:
    """A take's length and where its speech starts and ends (0 when not measured or silent)."""
    start = speech[0][0] if speech else 0.0
    end = speech[-1][1] if speech else 0.0
    return TakeTiming(frames / sample_rate, start, end)


def extract_takes(
    file: TakeSource,
    take_ids: Collection[str],
    folder: Path,
    measure_speech: bool,
    trim: Collection[str] = (),
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> dict[str, TakeAudio]:
    """Write each take once to `folder` (one in memory at a time: memory stays bounded by the
    longest take, not the project), saying the fraction done after each and stopping before
    the next one once `cancel` is set.

    Takes in `trim` lose their silent tail past TAIL_S after the speech: a dubbed cue's take
    must not push the next cue late with padding nobody hears (engines add up to ~0.5 s).

    Raises:
        ProjectFileError: a take's audio is missing from the file. ExportError: a write failed.
        CancelledError: `cancel` was set.
    """
    import soundfile

    out: dict[str, TakeAudio] = {}
    for n, take_id in enumerate(take_ids):
        if cancel is not None and cancel.is_set():
            raise CancelledError("Export cancelled.")
        if progress is not None and n:
            progress(n / len(take_ids))
        if not take_id or take_id in out:
            continue
        samples, rate = file.read_audio(take_id)
        path = folder / f"{take_id}.wav"
        speech = measure(samples, rate) if measure_speech or take_id in trim else ()
        if take_id in trim and speech:
            samples = samples[: min(len(samples), round((speech[-1][1] + TAIL_S) * rate))]
        try:
            soundfile.write(path, samples, rate, subtype="PCM_16")
        except (OSError, RuntimeError) as exc:  # RuntimeError: libsndfile's (e.g. disk full)
            raise ExportError(f"Could not write a take for the export: {exc}.") from exc
        out[take_id] = TakeAudio(path, rate, len(samples), speech)
    return out


def take_timings(file: TakeSource, take_ids: Iterable[str]) -> dict[str, TakeTiming]:
    """The measured timing of each take (for fitting a dubbed project to its cues)."""
    timings: dict[str, TakeTiming] = {}
    for take_id in take_ids:
        if take_id and take_id not in timings:
            samples, rate = file.read_audio(take_id)
            timings[take_id] = _timing(len(samples), rate, measure(samples, rate))
    return timings
