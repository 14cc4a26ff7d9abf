"""Dubbing to a subtitle's timing through projects (issue 16): a 20-cue SRT imported, rendered on
waves-local, fitted (long cues re-rendered faster, within the maximum), exported; every cue's
speech starts within 100 ms of its cue and no speech crosses the next cue's start."""

from __future__ import annotations

import numpy as np
import soundfile
import srt

from studio.cli import main
from studio.store.project_file import ProjectFile
from tests.project.support import EXAMPLES, render_project

ONSET_S = 0.1


def _regions(x: np.ndarray, rate: int, gap_s: float = 0.08) -> list[tuple[float, float]]:
    """Stretches where 5 ms RMS is above -40 dB of the loudest, bridging gaps under `gap_s`
    (measured here, independently of studio.audio.speech)."""
    hop = rate // 200
    rms = np.sqrt(np.mean(x[: len(x) // hop * hop].reshape(-1, hop) ** 2, axis=1))
    active = np.flatnonzero(rms > 0.01 * rms.max())
    out: list[list[float]] = []
    for i in active:
        t = i * hop / rate
        if out and t - out[-1][1] <= gap_s:
            out[-1][1] = t + hop / rate
        else:
            out.append([t, t + hop / rate])
    return [(a, b) for a, b in out]


def test_twenty_cue_srt_dubbed_in_time(tmp_path, waves_local, capsys) -> None:
    """A slow speaker (0.8x) overruns some cues; `project fit` speeds exactly those up (never
    past 1.3x), a re-render renders only them, and the export lines up with every cue."""
    path = tmp_path / "tour.wavesproj"
    srt_path = EXAMPLES / "harbour-tour.srt"
    code = main(["project", "import", str(srt_path), "--out", str(path), "--voice", "tone-alto",
                 "--speed", "0.8"])  # fmt: skip
    assert code == 0
    assert render_project(path, waves_local) == 20

    capsys.readouterr()
    assert main(["project", "fit", str(path), "--max-speed", "1.3"]) == 0
    said = capsys.readouterr().out
    with ProjectFile.open(path) as file:
        faster = [s for s in file.project.segments() if s.speed is not None]
    assert faster and f"{len(faster)} of 20 cue(s) run long" in said
    assert all(0.8 < s.speed <= 1.3 for s in faster if s.speed is not None)
    assert render_project(path, waves_local) == len(faster)  # only the refitted cues
    assert main(["project", "fit", str(path)]) == 0
    assert "All 20 cue(s) fit their times." in capsys.readouterr().out

    out = tmp_path / "out"
    assert main(["project", "export", str(path), "--out", str(out), "--subtitles", "srt"]) == 0
    assert "warning" not in capsys.readouterr().err
    x, rate = soundfile.read(out / "harbour-tour.wav", dtype="float32")
    regions = _regions(x, rate)
    cues = list(srt.parse(srt_path.read_text(encoding="utf-8")))
    starts = [c.start.total_seconds() for c in cues]
    assert len(starts) == 20
    for k, start in enumerate(starts):
        following = starts[k + 1] if k + 1 < len(starts) else float("inf")
        mine = [r for r in regions if start - ONSET_S <= r[0] < following - ONSET_S]
        assert mine, f"no speech for cue {k + 1}"
        assert abs(mine[0][0] - start) <= ONSET_S, (k + 1, mine[0][0], start)
        assert all(r[1] <= following for r in mine), (k + 1, mine[-1], following)
        assert not any(r[0] < following < r[1] for r in regions)
    written = list(srt.parse((out / "harbour-tour.srt").read_text(encoding="utf-8")))
    assert len(written) == 20
    assert all(
        abs(w.start - c.start).total_seconds() <= ONSET_S
        for w, c in zip(written, cues, strict=True)
    )


def test_a_cue_too_short_for_its_text_is_flagged(tmp_path, waves_local, capsys) -> None:
    """A cue that cannot fit even at the maximum speed is named (exit 2) and the export warns
    that it runs into the next cue or pushes it late."""
    script = tmp_path / "tight.srt"
    script.write_text(
        "1\n00:00:00,500 --> 00:00:01,000\nThis sentence is far too long for half a second.\n\n"
        "2\n00:00:01,100 --> 00:00:03,000\nShort.\n",
        encoding="utf-8",
    )
    path = tmp_path / "tight.wavesproj"
    assert main(["project", "import", str(script), "--out", str(path), "--voice", "tone-bass"]) == 0
    render_project(path, waves_local)
    capsys.readouterr()
    assert main(["project", "fit", str(path)]) == 2
    err = capsys.readouterr().err
    assert "cue 1 cannot fit its 0.50 s even at 1.30x" in err and "cue 2" not in err
    with ProjectFile.open(path) as file:
        assert {s.speed for s in file.project.blocks[0].segments} == {1.3}  # best effort
    render_project(path, waves_local)
    assert main(["project", "export", str(path), "--out", str(tmp_path / "out")]) == 0
    assert "Cue 2 starts" in capsys.readouterr().err


def test_back_to_back_cues_are_not_pushed_by_padding(tmp_path, waves_local, capsys) -> None:
    """A take's silent tail (the engine's padding) never delays the cue right after it."""
    script = tmp_path / "tight.srt"
    script.write_text(
        "1\n00:00:00,500 --> 00:00:01,300\nHello there.\n\n"
        "2\n00:00:01,300 --> 00:00:02,500\nSecond cue.\n",
        encoding="utf-8",
    )
    path = tmp_path / "tight.wavesproj"
    assert main(["project", "import", str(script), "--out", str(path), "--voice", "tone-bass"]) == 0
    render_project(path, waves_local)
    with ProjectFile.open(path) as file:
        first = file.project.blocks[0].segments[0].take()
    assert first is not None and first.duration_s > 0.8  # padded past its cue's end
    assert main(["project", "fit", str(path)]) == 0  # its speech fits: no re-render
    out = tmp_path / "out"
    assert main(["project", "export", str(path), "--out", str(out)]) == 0
    assert "warning" not in capsys.readouterr().err
    x, rate = soundfile.read(out / "tight.wav", dtype="float32")
    onsets = [r[0] for r in _regions(x, rate)]
    assert abs(onsets[0] - 0.5) <= ONSET_S, onsets
    second = [t for t in onsets if t > 1.0]
    assert second and abs(second[0] - 1.3) <= ONSET_S, onsets
