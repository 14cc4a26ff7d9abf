"""Read-along playback of a long project through the real player and the PulseAudio null sink:
the player holds a bounded window, and after a jump far outside it the right take is heard."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from studio.app import Profile, build_services, shutdown
from studio.audio.player import KEEP_S, WINDOW_S
from studio.core.project import ExportSettings, SegmentTake
from studio.core.project_edit import ProjectEditor
from studio.core.project_ops import add_take, new_project
from studio.core.project_state import segment_key
from studio.secrets import MemorySecretStore
from studio.store.project_file import ProjectFile
from tests.audio.recorder import NEEDS_NULL_SINK
from tests.audio.signals import dominant_frequency, sine

pytestmark = [
    pytest.mark.gui,
    pytest.mark.audio_device,
    pytest.mark.slow,
    NEEDS_NULL_SINK,
]
RATE = 24000
TAKES = 36  # of 20 s each, with the 0.5 s paragraph pause after each: 12.3 minutes
TAKE_S = 20.0


def frequency(k: int) -> float:
    """Take k is a tone of its own (300 Hz apart from its neighbours by at least 40 Hz)."""
    return 300.0 + 40.0 * k


def write_tones(path: Path) -> None:
    """A project of one-sentence paragraphs whose chosen takes are distinct tones."""
    editor = ProjectEditor(new_project("Tones", "tone-alto"))
    text = "\n\n".join(f"Sentence number {k}." for k in range(TAKES))
    editor.paste(editor.project.chapters[0].chapter_id, 0, text)
    project = replace(editor.project, export=ExportSettings(sample_rate=RATE))
    with ProjectFile.create(path, project) as file:
        for k, block in enumerate(project.blocks):
            segment = block.segments[0]
            file.put_audio(f"take{k}", sine(frequency(k), TAKE_S, RATE, 0.4), RATE)
            take = SegmentTake(f"take{k}", segment_key(project, block, segment), segment.text,
                               TAKE_S, RATE, "tone-alto")  # fmt: skip
            project = add_take(project, segment.segment_id, take)
        file.save(project)


def test_a_jump_in_a_long_project_is_heard_from_the_right_take(qtbot, tmp_path) -> None:
    """A 12-minute project plays from a window of the player; a click on sentence 30 (10:15
    in, far outside the window) is heard as sentence 30's tone, and highlights it."""
    from tests.audio.recorder import RATE as RECORDED
    from tests.audio.recorder import Recorder

    path = tmp_path / "Tones.wavesproj"
    write_tones(path)
    services = build_services(
        Profile.from_folder(tmp_path), secrets=MemorySecretStore(), environ={}, read_key=False
    )
    projects, reader = services.projects.projects, services.projects.player
    playback, player = services.playback, services.playback.player
    recorder = None
    try:
        with qtbot.wait_signal(projects.file_changed, timeout=5000):
            projects.open(path)
        segments = [s.segment_id for s in projects.project.segments()]  # type: ignore[union-attr]
        recorder = Recorder()
        with qtbot.wait_signal(reader.segment_changed, timeout=5000):
            reader.play_from(segments[0])
        qtbot.wait_until(
            lambda: playback.state == "playing" and playback.position > 1.0, timeout=5000
        )
        clip = player._clip  # type: ignore[attr-defined]
        assert clip is not None and clip.ring  # a window, not the whole project
        assert len(clip.data) == int((WINDOW_S + KEEP_S) * player._rate)  # type: ignore[attr-defined]
        assert player.duration_s == pytest.approx(TAKES * (TAKE_S + 0.5), abs=0.01)

        start = 30 * (TAKE_S + 0.5)
        with qtbot.wait_signal(reader.segment_changed, timeout=3000) as jumped:
            reader.play_from(segments[30])  # a click on sentence 30 while playing
        assert jumped.args == [segments[30]]
        qtbot.wait_until(lambda: start + 0.3 < playback.position < start + 10, timeout=10_000)
        mark = len(recorder.samples())
        qtbot.wait_until(lambda: playback.position > start + 1.3, timeout=10_000)
        assert reader.current == segments[30]
    finally:
        heard = recorder.stop() if recorder is not None else np.zeros(0)
        shutdown(services)
    after = heard[mark : mark + RECORDED]  # a second from well after the jump landed
    assert len(after) > RECORDED // 2 and np.abs(after).max() > 0.2, "nothing heard"
    assert dominant_frequency(after, RECORDED) == pytest.approx(frequency(30), abs=4)
