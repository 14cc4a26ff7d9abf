"""Checks a voice-clone sample before a clone is spent on it: length, clipping, loudness, noise,
speakers, and the encoded upload's size and type.

Every check is a pure function of the samples, so it runs off the GUI thread and in tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from studio.audio import codecs, levels, pitch
from studio.core import contract as c

FloatArray = codecs.FloatArray

GOOD, FAIR, BAD, UNSURE = "good", "fair", "bad", "unsure"
MIN_SPEECH_S, MAX_SPEECH_S = 5.0, 15.0
LOUDNESS_WINDOW = (-30.0, -12.0)  # LUFS a clone service handles without re-levelling
SNR_GOOD_DB, SNR_FAIR_DB = 20.0, 10.0
FRAME_S = 0.02
CLIP_LEVEL = 0.999  # |sample| at full scale (int16 max is 0.99997)
CLIP_RUN = 3  # consecutive full-scale samples: a flattened peak, not one loud sample
UPLOAD_RATE = 44100  # the API's native rate (§10); higher rates only make the file bigger
MAX_CHECK_S = 600.0  # longer input is refused before analysis: bounded time and memory


@dataclass(frozen=True)
class Check:
    """One line of the checklist.

    Attributes:
        key: "length", "clipping", "loudness", "noise", "speakers" or "file".
        verdict: GOOD, FAIR, BAD or UNSURE (the app cannot tell; it says so).
        measured: What was measured, short ("12.4 s", "−18 LUFS").
        advice: Plain-language text saying what it means and what to do.
    """

    key: str
    verdict: str
    measured: str
    advice: str


@dataclass(frozen=True)
class SampleReport:
    """The checklist for one sample.

    Attributes:
        checks: In display order.
        speech_start_s, speech_end_s: The speech found between the silent edges.
        duration_s: The whole sample's length.
    """

    checks: tuple[Check, ...]
    speech_start_s: float
    speech_end_s: float
    duration_s: float
    extra: dict[str, float] = field(default_factory=dict, compare=False)

    def check(self, key: str) -> Check:
        """The check called `key`."""
        return next(item for item in self.checks if item.key == key)

    @property
    def usable(self) -> bool:
        """False when any check failed outright."""
        return all(item.verdict != BAD for item in self.checks)

    @property
    def can_trim(self) -> bool:
        """True when at least 0.3 s of silence could be trimmed at the edges."""
        return bool(self.speech_start_s > 0.3 or self.duration_s - self.speech_end_s > 0.3)


def _frame_db(x: FloatArray, rate: int) -> FloatArray:
    frame = max(1, int(FRAME_S * rate))
    count = len(x) // frame
    if count == 0:
        return np.zeros(0, dtype=np.float32)
    power = np.mean(x[: count * frame].astype(np.float64).reshape(count, frame) ** 2, axis=1)
    db: FloatArray = (10 * np.log10(np.maximum(power, 1e-12))).astype(np.float32)
    return db


def speech_bounds(samples: npt.ArrayLike, sample_rate: int) -> tuple[float, float]:
    """Where speech starts and ends (s), judged against the sample's own noise floor.

    A frame is active when it is 15 dB above the quietest frames and above -55 dBFS; a short
    guard stays around the speech. (0, 0) when nothing is active.
    """
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    db = _frame_db(x, sample_rate)
    if db.size == 0:
        return 0.0, 0.0
    floor = float(np.percentile(db, 10))
    active = np.flatnonzero(db > max(floor + 15.0, -55.0))
    if active.size == 0:
        return 0.0, 0.0
    guard = 0.1
    start = max(0.0, float(active[0]) * FRAME_S - guard)
    end = min(len(x) / sample_rate, float(active[-1] + 1) * FRAME_S + guard)
    return start, end


def trim_to_speech(samples: npt.ArrayLike, sample_rate: int) -> FloatArray:
    """The sample with its silent edges removed (what the dialog's "Trim silence" does)."""
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    start, end = speech_bounds(x, sample_rate)
    if end <= start:
        return x.copy()
    return x[int(start * sample_rate) : int(end * sample_rate)].copy()


def encode_for_upload(samples: npt.ArrayLike, sample_rate: int) -> tuple[bytes, str, str]:
    """Encode for the clone endpoint: 16-bit WAV, or MP3 when the WAV would pass 5 MB.

    Returns (data, mime type, file name extension).
    """
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    if sample_rate > UPLOAD_RATE:
        x, sample_rate = codecs.resample(x, sample_rate, UPLOAD_RATE), UPLOAD_RATE
    wav = codecs.wav_bytes(x, sample_rate)
    if len(wav) <= c.CLONE_MAX_BYTES:
        return wav, "audio/wav", ".wav"
    return codecs.mp3_bytes(x, sample_rate), "audio/mpeg", ".mp3"


def check_sample(samples: npt.ArrayLike, sample_rate: int) -> SampleReport:
    """Run every check on a mono sample (already decoded) and return the checklist."""
    x = np.asarray(samples, dtype=np.float32).reshape(-1)
    duration = len(x) / sample_rate if sample_rate else 0.0
    if duration > MAX_CHECK_S:
        x = x[: int(MAX_CHECK_S * sample_rate)]
    start, end = speech_bounds(x, sample_rate)
    speech = x[int(start * sample_rate) : int(end * sample_rate)]
    checks = (
        _length(end - start, duration),
        _clipping(x),
        _loudness(speech, sample_rate),
        _noise(x, sample_rate),
        _speakers(speech, sample_rate),
        _file(x, sample_rate),
    )
    return SampleReport(checks, start, end, duration)


def _length(speech_s: float, duration_s: float) -> Check:
    measured = f"{speech_s:.1f} s of speech"
    if speech_s <= 0.0:
        return Check("length", BAD, "no speech", "No speech was found. Check the microphone.")
    if speech_s < MIN_SPEECH_S:
        return Check(
            "length", BAD, measured, "Too short: record at least 5 s of speech (10 s is ideal)."
        )
    if speech_s > MAX_SPEECH_S:
        return Check(
            "length",
            BAD,
            measured,
            "Too long: the service wants 5–15 s. Record again, or import a shorter excerpt.",
        )
    extra = " Silence at the edges can be trimmed." if duration_s - speech_s > 0.6 else ""
    return Check("length", GOOD, measured, "A good length." + extra)


def _clipping(x: FloatArray) -> Check:
    full = np.abs(x) >= CLIP_LEVEL
    # Count runs of CLIP_RUN or more full-scale samples: flattened waveform peaks.
    runs = 0
    if np.any(full):
        padded = np.concatenate(([0], full.astype(np.int8), [0]))
        edges = np.flatnonzero(np.diff(padded))
        lengths = edges[1::2] - edges[::2]
        runs = int(np.sum(lengths >= CLIP_RUN))
    if runs == 0:
        return Check("clipping", GOOD, "no clipping", "No peaks hit full scale.")
    verdict = FAIR if runs <= 3 else BAD
    return Check(
        "clipping",
        verdict,
        f"{runs} clipped peak{'s' if runs != 1 else ''}",
        "The sound hit full scale and was flattened. Lower the input gain or move back from "
        "the microphone, then record again.",
    )


def _loudness(speech: FloatArray, rate: int) -> Check:
    lufs = levels.integrated_loudness(speech, rate) if speech.size else -math.inf
    if not math.isfinite(lufs):
        return Check("loudness", BAD, "silent", "Nothing audible was recorded.")
    measured = f"{lufs:.0f} LUFS"
    low, high = LOUDNESS_WINDOW
    if low <= lufs <= high:
        return Check("loudness", GOOD, measured, "A good level.")
    if lufs < low:
        verdict = FAIR if lufs >= low - 6 else BAD
        return Check(
            "loudness", verdict, measured, "Too quiet: speak closer to the microphone or raise "
            "its input level."
        )  # fmt: skip
    verdict = FAIR if lufs <= high + 3 else BAD
    return Check("loudness", verdict, measured, "Very loud: lower the input level a little.")


def _noise(x: FloatArray, rate: int) -> Check:
    db = _frame_db(x, rate)
    if db.size < 10 or float(np.max(db)) <= -100:
        return Check("noise", UNSURE, "not measured", "Too little sound to measure the noise.")
    # Noise floor: the quietest 10 % of frames (pauses); speech level: the loudest 20 %.
    ordered = np.sort(db)
    tenth = max(1, len(ordered) // 10)
    floor = float(np.mean(ordered[:tenth]))
    speech = float(np.mean(ordered[-max(1, len(ordered) // 5) :]))
    snr = speech - max(floor, -100.0)
    measured = f"SNR {min(snr, 99):.0f} dB"
    if snr >= SNR_GOOD_DB:
        return Check("noise", GOOD, measured, "Background is quiet.")
    if snr >= SNR_FAIR_DB:
        return Check(
            "noise", FAIR, measured, "Some background noise: the clone may copy it. A quieter "
            "room helps."
        )  # fmt: skip
    return Check(
        "noise", BAD, measured, "Too noisy: the noise is nearly as loud as the voice. Record "
        "in a quiet room, away from fans and traffic."
    )  # fmt: skip


def _speakers(speech: FloatArray, rate: int) -> Check:
    """Two clearly separate pitch groups suggest two voices; anything else is not judged."""
    pitches = pitch.frame_pitches(speech, rate)
    if pitches.size < 40:
        return Check("speakers", UNSURE, "not judged", "Too little voiced speech to judge.")
    log_f0 = np.log2(pitches.astype(np.float64))
    low, high = np.percentile(log_f0, 20), np.percentile(log_f0, 80)
    for _ in range(20):  # two-means on log pitch
        split = (low + high) / 2
        a, b = log_f0[log_f0 <= split], log_f0[log_f0 > split]
        if a.size == 0 or b.size == 0:
            break
        low, high = float(a.mean()), float(b.mean())
    share = min(a.size, b.size) / log_f0.size
    gap = 12 * (high - low)
    spread = 12 * max(float(a.std()), float(b.std()), 1e-3)
    if share >= 0.2 and gap >= 7.0 and gap >= 3.0 * spread:
        return Check(
            "speakers", FAIR, "maybe two voices", "The pitch falls into two separate groups, as "
            "with two people. Make sure only one person speaks in the sample."
        )  # fmt: skip
    return Check(
        "speakers", UNSURE, "not judged", "The app cannot reliably tell how many people speak. "
        "Make sure the sample holds one voice only."
    )  # fmt: skip


def _file(speech: FloatArray, rate: int) -> Check:
    data, mime, _ = encode_for_upload(speech, rate)
    measured = f"{mime.split('/')[1].upper()}, {len(data) / 1e6:.1f} MB"
    if mime not in c.CLONE_MIME_TYPES or len(data) > c.CLONE_MAX_BYTES:
        return Check("file", BAD, measured, "The sample is larger than 5 MB even as MP3.")
    return Check("file", GOOD, measured, "Will be uploaded in this form.")
