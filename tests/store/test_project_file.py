"""The .wavesproj file: round trips, lossless take audio, incremental saves, clear errors, size."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from studio.core.errors import StoreError
from studio.core.project import SegmentTake
from studio.core.project_edit import ProjectEditor
from studio.core.project_state import segment_key
from studio.store import db
from studio.store import project_schema as schema
from studio.store.project_autosave import ProjectAutosaver
from studio.store.project_file import ProjectFile, ProjectFileError
from studio.store.project_rows import rows_of
from tests.core.test_project import _editor, _render_all


def _speech_like(seconds: float, rate: int = 24000, seed: int = 0) -> np.ndarray:
    """Noise shaped like speech (syllable-rate envelope, 16-bit grid): FLAC cannot cheat."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * np.arange(n) / rate)
    noise = np.convolve(rng.standard_normal(n), np.ones(8) / 8, mode="same")
    pcm = np.clip(np.round(noise * envelope * 3000), -32768, 32767)
    return (pcm / 32768.0).astype(np.float32)


def _file(tmp_path: Path, editor: ProjectEditor) -> ProjectFile:
    return ProjectFile.create(tmp_path / "script.wavesproj", editor.project)


def test_round_trip_of_every_kind_of_edit(tmp_path: Path) -> None:
    """Saved after each edit (incrementally), the file reopens to the very same project."""
    editor = _editor()
    file = _file(tmp_path, editor)
    _render_all(editor)
    file.save(editor.project)
    p = editor.project
    alice = p.cast.by_name("Alice")
    assert alice is not None
    editor.set_dictionary_rules("d" * 24, (("SQL", "sequel"),))
    edits = [
        lambda: editor.set_block_text(p.blocks[0].block_id, "Hi there. Changed words."),
        lambda: editor.split_block(p.blocks[1].block_id, 14),
        lambda: editor.set_locked(p.blocks[2].segments[0].segment_id, True),
        lambda: editor.update_speaker(alice.speaker_id, voice_id="arjun", dictionaries=("d" * 24,)),
        lambda: editor.add_chapter("Two"),
        lambda: editor.delete_blocks([p.blocks[2].block_id]),
        editor.undo,
        lambda: editor.set_block_pause(p.blocks[0].block_id, 1.25),
        lambda: editor.set_overrides(p.blocks[0].segments[0].segment_id, "mia", 0.8),
        lambda: editor.set_title("Renamed"),
        editor.undo,
        editor.undo,
        editor.redo,
    ]
    for edit in edits:
        edit()
        file.save(editor.project)
    file.close()
    with ProjectFile.open(tmp_path / "script.wavesproj") as reopened:
        assert reopened.project == editor.project


def test_one_edit_writes_one_block() -> None:
    """An edit of one block in a 200-block project rewrites that block's rows only."""
    editor = _editor()
    chapter = editor.project.chapters[0].chapter_id
    editor.paste(
        chapter, 3, "\n\n".join(f"Paragraph {n}. It has two sentences." for n in range(200))
    )
    conn = sqlite3.connect(":memory:")
    db.migrate(conn, schema.MIGRATIONS, "project file")
    before = rows_of(editor.project)
    before.write_changes(conn, rows_of(editor.project.__class__("", editor.project.cast, ())))
    editor.set_block_text(editor.project.blocks[100].block_id, "Paragraph 97. It changed.")
    changes = conn.total_changes
    assert rows_of(editor.project).write_changes(conn, before) == 1
    assert conn.total_changes - changes == 2  # the block row and its one edited segment


def test_take_audio_plays_back_identical(tmp_path: Path) -> None:
    """16-bit audio stored as FLAC comes back bit for bit, at its rate."""
    editor = _editor()
    file = _file(tmp_path, editor)
    samples = _speech_like(1.5, 22050)
    file.put_audio("t1", samples, 22050)
    back, rate = file.read_audio("t1")
    assert rate == 22050
    np.testing.assert_array_equal(back, samples)
    with pytest.raises(ProjectFileError, match="missing"):
        file.read_audio("nope")
    file.close()


def test_file_size_is_the_audio_plus_under_five_percent(tmp_path: Path) -> None:
    """40 takes of 3 s speech-like audio: the file is FLAC-sized, not float-sized."""
    editor = _editor()
    for _ in range(7):
        editor.paste(editor.project.chapters[0].chapter_id, 0, "One. Two. Three. Four. Five.")
    file = _file(tmp_path, editor)
    _render_all(editor, seconds=3.0)
    for n, segment in enumerate(editor.project.segments()):
        file.put_audio(segment.chosen_take, _speech_like(3.0, seed=n), 24000)
    file.save(editor.project)
    audio = file.audio_bytes()
    file.close()
    size = (tmp_path / "script.wavesproj").stat().st_size
    assert audio < 40 * 3 * 24000 * 2  # compressed below raw 16-bit
    assert size <= audio * 1.05, (size, audio)
    assert not (tmp_path / "script.wavesproj-wal").exists()


def test_orphan_audio_is_dropped_on_open(tmp_path: Path) -> None:
    """Audio stored for a take that never got saved (a crash in between) is removed."""
    editor = _editor()
    file = _file(tmp_path, editor)
    file.put_audio("orphan", _speech_like(1.0), 24000)
    file.close()
    with ProjectFile.open(tmp_path / "script.wavesproj") as reopened:
        assert reopened.audio_bytes() == 0


def test_newer_format_says_why_and_leaves_the_file(tmp_path: Path) -> None:
    """A file from a newer version is refused with a clear message and not touched."""
    _file(tmp_path, _editor()).close()
    path = tmp_path / "script.wavesproj"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
        conn.execute("UPDATE meta SET value = '9.0.0' WHERE key = 'written_by'")
    conn.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(
        ProjectFileError, match=r"newer version of Waves Studio \(9.0.0\).*format 99"
    ):
        ProjectFile.open(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_older_format_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of the current format opens in a version that adds a migration, and is upgraded."""
    editor = _editor()
    _file(tmp_path, editor).close()
    step = db.sql_steps("ALTER TABLE blocks ADD COLUMN note TEXT NOT NULL DEFAULT ''")
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, step))
    with ProjectFile.open(tmp_path / "script.wavesproj") as opened:
        assert opened.project == editor.project
    with sqlite3.connect(tmp_path / "script.wavesproj") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
    conn.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Just some text, not a project.", "not a Waves Studio project"),
        (b"", "not a Waves Studio project"),
        ("sqlite", "a database, but not a Waves Studio project"),
        ("damaged", "damaged"),
        ("missing", "does not exist"),
    ],
)
def test_not_a_project_gives_a_clear_error(tmp_path: Path, content: object, message: str) -> None:
    """Text, other databases, damaged and missing files each say what is wrong."""
    path = tmp_path / "other.wavesproj"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "sqlite":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
        conn.close()
    elif content == "damaged":
        editor = _editor()
        _render_all(editor)
        ProjectFile.create(path, editor.project).close()
        data = bytearray(path.read_bytes())
        data[4096:] = b"\xde\xad" * ((len(data) - 4096) // 2)
        path.write_bytes(bytes(data))
    with pytest.raises(ProjectFileError, match=message):
        ProjectFile.open(path)


def test_second_opener_is_told_it_is_open_elsewhere(tmp_path: Path) -> None:
    """The file is locked while open: another opener gets a clear error."""
    file = _file(tmp_path, _editor())
    with pytest.raises(ProjectFileError, match="open in another"):
        ProjectFile.open(tmp_path / "script.wavesproj")
    file.close()
    ProjectFile.open(tmp_path / "script.wavesproj").close()


def test_autosave_batches_changes(tmp_path: Path) -> None:
    """Many changes inside one interval are one write, of the newest value."""
    now = [100.0]
    editor = _editor()
    file = _file(tmp_path, editor)
    saver = ProjectAutosaver(file, interval_s=0.5, clock=lambda: now[0])
    block_id = editor.project.blocks[0].block_id
    editor.set_block_text(block_id, "First.")
    saver.changed(editor.project)
    assert saver.poll()
    for text in ("Second.", "Third."):
        editor.set_block_text(block_id, text)
        saver.changed(editor.project)
    assert saver.due_in() == pytest.approx(0.5)
    assert not saver.poll()
    now[0] += 0.5
    assert saver.poll() and not saver.pending
    assert file.project is editor.project
    file.close()


def test_save_as_copies_into_one_compact_file(tmp_path: Path) -> None:
    """Save As writes a single file that opens to the same project, with its audio."""
    editor = _editor()
    file = _file(tmp_path, editor)
    segment = editor.project.segments()[0]
    block = editor.project.blocks[0]
    take = SegmentTake("t1", segment_key(editor.project, block, segment), segment.text, 1.0, 24000)
    file.put_audio("t1", _speech_like(1.0), 24000)
    editor.add_take(segment.segment_id, take)
    file.save(editor.project)
    editor.delete_blocks([block.block_id])
    file.save(editor.project)
    copy = file.save_as(tmp_path / "copy.wavesproj")
    assert copy.project == editor.project
    editor.undo()  # the session's undo still brings the take back, with its audio
    copy.save(editor.project)
    assert copy.read_audio("t1")[0].shape == (24000,)
    with pytest.raises(ProjectFileError, match="already exists"):
        copy.save_as(tmp_path / "script.wavesproj")
    copy.close()
    assert not (tmp_path / "copy.wavesproj-wal").exists()


def test_failed_autosave_keeps_the_change_for_the_next_try(tmp_path: Path) -> None:
    """A write that fails leaves the change pending (nothing is silently dropped)."""
    editor = _editor()
    file = _file(tmp_path, editor)
    saver = ProjectAutosaver(file)
    editor.set_title("Changed")
    saver.changed(editor.project)
    file.close()
    with pytest.raises(StoreError):
        saver.flush()
    assert saver.pending


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_saves_after_random_edits_reopen_equal(tmp_path: Path, seed: int) -> None:
    """300 seeded random edits (text, paste, takes, voices, locks, deletes, undo, redo), saved
    incrementally after each: the reopened file equals the project every 50 edits."""
    import random

    from tests.store.test_project_crash import editor_for, start_project, step

    rng = random.Random(seed)
    editor = editor_for(start_project())
    path = tmp_path / "random.wavesproj"
    file = ProjectFile.create(path, editor.project)
    for n in range(300):
        made = step(editor, rng, n)
        if made is not None:
            editor.add_take(made[0], made[1])
        file.save(editor.project)
        if n % 50 == 49:
            file.close()
            file = ProjectFile.open(path, collect=False)
            assert file.project == editor.project
    file.close()


def test_checkpoint_makes_a_copy_of_the_open_file_complete(tmp_path: Path) -> None:
    """After checkpoint(), copying just the .wavesproj (no -wal) gives the saved project."""
    import shutil

    editor = _editor()
    file = _file(tmp_path, editor)
    editor.set_title("Latest")
    file.save(editor.project)
    file.checkpoint()
    shutil.copyfile(tmp_path / "script.wavesproj", tmp_path / "copy.wavesproj")
    with ProjectFile.open(tmp_path / "copy.wavesproj") as copy:
        assert copy.project == editor.project
    file.close()
