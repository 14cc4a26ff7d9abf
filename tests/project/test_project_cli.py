"""`waves-studio project import/export/fit`: usage, clear failures, nothing overwritten or lost."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from studio.cli import main
from studio.store.project_file import ProjectFile
from tests.project.support import EXAMPLES


def _import(tmp_path: Path, script: Path, *extra: str, name: str = "p.wavesproj") -> int:
    return main(["project", "import", str(script), "--out", str(tmp_path / name), *extra])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_markdown_makes_chapters_speakers_and_voices(tmp_path, capsys) -> None:
    """Headings become chapters, `Name:` speakers with their voices; markup is not spoken."""
    code = _import(
        tmp_path, EXAMPLES / "two-voices.md", "--voice", "tone-alto",
        "--speaker-voice", "Bob=tone-bass", "--title", "The Lighthouse",
    )  # fmt: skip
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "2 chapter(s), 6 paragraph(s)" in printed.out and "speakers: Alice, Bob" in printed.out
    with ProjectFile.open(tmp_path / "p.wavesproj") as file:
        project = file.project
    assert project.title == "The Lighthouse" and not project.timed
    assert [c.title for c in project.chapters] == ["The Lighthouse", "The Storm"]
    voices = {s.name: s.voice_id for s in project.cast.speakers}
    assert voices == {"Alice": "tone-alto", "Bob": "tone-bass"}
    bob = project.cast.by_name("Bob")
    assert bob is not None and project.chapters[1].blocks[0].speaker_id == bob.speaker_id
    texts = " ".join(s.text for s in project.segments())
    assert "older than the town" in texts and "*" not in texts and "](" not in texts


def test_import_srt_keeps_every_cue_time(tmp_path, capsys) -> None:
    """Each SubRip cue becomes a block with its start and end, saved in the file."""
    assert _import(tmp_path, EXAMPLES / "harbour-tour.srt", "--voice", "tone-alto") == 0
    assert "20 cue(s), dubbed to their times" in capsys.readouterr().out
    with ProjectFile.open(tmp_path / "p.wavesproj") as file:
        blocks = file.project.blocks
    assert file.project.timed and len(blocks) == 20
    assert blocks[0].cue == (1.0, 3.6) and blocks[-1].cue == (58.0, 60.6)


def test_malformed_subtitles_name_the_line_and_write_nothing(tmp_path, capsys) -> None:
    """A broken cue timing gives exit 2 and a message with its line number; no file appears."""
    bad = tmp_path / "bad.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00:02,000\nFine.\n\n2\n00:00:03,000 -> nope\nBad.\n")
    assert _import(tmp_path, bad) == 2
    err = capsys.readouterr().err
    assert "bad.srt, line 5" in err  # the cue whose timing line is broken
    assert not (tmp_path / "p.wavesproj").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.srt"]


def test_import_refuses_to_overwrite_without_force(tmp_path, capsys) -> None:
    """An existing project is left as it was (exit 2) unless --force replaces it."""
    assert _import(tmp_path, EXAMPLES / "two-voices.md") == 0
    before = _digest(tmp_path / "p.wavesproj")
    assert _import(tmp_path, EXAMPLES / "harbour-tour.srt") == 2
    assert "already exists. Add --force" in capsys.readouterr().err
    assert _digest(tmp_path / "p.wavesproj") == before
    assert _import(tmp_path, EXAMPLES / "harbour-tour.srt", "--force") == 0
    with ProjectFile.open(tmp_path / "p.wavesproj") as file:
        assert file.project.timed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "x.txt"], "must name a .wavesproj"),
        (["--out", "p.wavesproj", "--language", "xx"], "--language must be one of"),
        (["--out", "p.wavesproj", "--speaker-voice", "Bob"], "NAME=ID"),
        (["--out", "p.wavesproj", "--speed", "3"], "from 0.5 to 2"),
        ([], "--out"),
        (["--out", "p.wavesproj", "--bogus"], "unrecognized arguments"),
    ],
)
def test_import_usage_errors_exit_1(tmp_path, capsys, monkeypatch, argv, message) -> None:
    """Bad options are usage errors (exit 1) with a sentence that names the option."""
    monkeypatch.chdir(tmp_path)
    assert main(["project", "import", str(EXAMPLES / "two-voices.md"), *argv]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "p.wavesproj").exists()


def test_speaker_voice_for_an_unknown_speaker_is_refused(tmp_path, capsys) -> None:
    """--speaker-voice naming nobody in the script says who is there."""
    assert _import(tmp_path, EXAMPLES / "two-voices.md", "--speaker-voice", "Carol=x") == 2
    assert "no speaker 'Carol' (it has Alice, Bob)" in capsys.readouterr().err


def test_missing_script_and_missing_project_are_clear(tmp_path, capsys) -> None:
    """A script or project that is not there: exit 2 and a sentence naming it."""
    assert _import(tmp_path, tmp_path / "gone.md") == 2
    assert "Could not read gone.md" in capsys.readouterr().err
    code = main(["project", "export", str(tmp_path / "gone.wavesproj"), "--out", str(tmp_path)])
    assert code == 2
    assert "gone.wavesproj does not exist" in capsys.readouterr().err


def test_export_before_rendering_lists_the_segments(tmp_path, capsys) -> None:
    """Unrendered segments: exit 2, each listed with its chapter, and no file written."""
    assert _import(tmp_path, EXAMPLES / "two-voices.md") == 0
    out = tmp_path / "out"
    assert main(["project", "export", str(tmp_path / "p.wavesproj"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "10 segment(s) have no audio yet" in err and "project render" in err
    assert '  segment 7 (The Storm, not rendered): "And the lamp?"' in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--subtitles", "ass"], "subtitles are srt, vtt"),
        (["--format", "flac", "--bitrate", "128"], "--bitrate applies to mp3 only"),
        (["--loudness", "-99"], "LUFS"),
        (["--format", "pcm", "--chapters"], "--chapters needs a format"),
        (["--crossfade-ms", "80"], "0 to 50"),
        (["--split", "page"], "invalid choice"),
    ],
)
def test_export_usage_errors_exit_1(tmp_path, capsys, argv, message) -> None:
    """Bad export options are usage errors (exit 1), found before the project is opened."""
    code = main(["project", "export", str(tmp_path / "p.wavesproj"), "--out", str(tmp_path), *argv])
    assert code == 1
    assert message in capsys.readouterr().err


def test_fit_needs_a_dubbed_project(tmp_path, capsys) -> None:
    """`project fit` on a project without cues says how to make one (exit 2)."""
    assert _import(tmp_path, EXAMPLES / "two-voices.md") == 0
    assert main(["project", "fit", str(tmp_path / "p.wavesproj")]) == 2
    assert "not dubbed to subtitles" in capsys.readouterr().err


def test_word_document_imports_with_heading_chapters(tmp_path, capsys) -> None:
    """A .docx: Heading paragraphs open chapters, `Name:` lines pick speakers."""
    import docx

    document = docx.Document()
    document.add_heading("Arrival", level=1)
    document.add_paragraph("Alice: We made it.")
    document.add_heading("Departure", level=1)
    document.add_paragraph("Bob: Time to go.")
    document.save(str(tmp_path / "play.docx"))
    assert _import(tmp_path, tmp_path / "play.docx") == 0
    with ProjectFile.open(tmp_path / "p.wavesproj") as file:
        project = file.project
    assert [c.title for c in project.chapters] == ["Arrival", "Departure"]
    assert [s.name for s in project.cast.speakers] == ["Alice", "Bob"]


def test_named_loudness_presets_are_targets_the_dialog_offers() -> None:
    """`--loudness podcast` and the others give a target the export dialog lists too."""
    from studio.core import export_choices as x

    assert set(x.LOUDNESS_PRESETS.values()) == set(x.LOUDNESS_TARGETS) - {x.LOUDNESS_OFF}


def test_the_installed_command_exits_1_on_a_usage_error(tmp_path) -> None:
    """The real entry point (a new process) returns 1, not argparse's 2, for a usage error."""
    done = subprocess.run(
        [sys.executable, "-m", "studio", "project", "export", "p.wavesproj"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "--out" in done.stderr


def test_a_version_1_project_file_opens_without_cues(tmp_path) -> None:
    """A file written before cue times existed opens (migrated) with no cues."""
    from studio.core.project_ops import new_project
    from studio.store import db
    from studio.store import project_schema as schema

    path = tmp_path / "old.wavesproj"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    db.migrate(conn, schema.MIGRATIONS[:1], "project file")
    conn.execute(
        "INSERT INTO chapters VALUES ('c1', 0, 'One')",
    )
    conn.execute("INSERT INTO speakers VALUES ('s1', 0, 'Narrator', '#4c72b0', '', "
                 "'lightning_v3.1', 'en', 1.0, '[]')")  # fmt: skip
    conn.execute("INSERT INTO blocks VALUES ('b1', 'c1', 0, 's1', 'Hello.', NULL)")
    conn.execute("INSERT INTO meta VALUES ('title', 'Old')")
    conn.commit()
    conn.close()
    with ProjectFile.open(path) as file:
        assert file.project.blocks[0].cue is None and not file.project.timed
        assert file.project.title == "Old"
    assert new_project("x").blocks == ()


def test_epub_imports_with_chapters_from_its_contents(tmp_path) -> None:
    """An EPUB: each spine document is a chapter named by the table of contents."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("id-1")
    book.set_title("Two Chapters")
    book.set_language("en")
    chapters = []
    for n, (title, text) in enumerate([("Dawn", "The sun rose."), ("Dusk", "It set.")]):
        page = epub.EpubHtml(title=title, file_name=f"c{n}.xhtml", lang="en")
        page.content = f"<html><body><h1>{title}</h1><p>{text}</p></body></html>"
        book.add_item(page)
        chapters.append(page)
    book.toc = tuple(chapters)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(tmp_path / "book.epub"), book)
    assert _import(tmp_path, tmp_path / "book.epub") == 0
    with ProjectFile.open(tmp_path / "p.wavesproj") as file:
        project = file.project
    titles = [c.title for c in project.chapters]
    assert titles[-2:] == ["Dawn", "Dusk"]
    assert [s.text for s in project.chapters[-1].blocks[0].segments] == ["It set."]


def test_a_project_open_elsewhere_is_refused_clearly(tmp_path, capsys) -> None:
    """Export while the app holds the project: exit 2, says where it is open, writes nothing."""
    assert _import(tmp_path, EXAMPLES / "two-voices.md") == 0
    out = tmp_path / "out"
    with ProjectFile.open(tmp_path / "p.wavesproj"):
        assert main(["project", "export", str(tmp_path / "p.wavesproj"), "--out", str(out)]) == 2
    assert "open in another Waves Studio window" in capsys.readouterr().err
    assert not out.exists()


def test_only_project_usage_errors_become_exit_1(tmp_path, capsys) -> None:
    """Other commands keep argparse's 2, even when an argument happens to read 'project'."""
    with pytest.raises(SystemExit) as stopped:
        main(["render", "--text", "project", "--bogus"])
    assert stopped.value.code == 2
    capsys.readouterr()
    code = main(["--profile", str(tmp_path), "project", "import", "x.md", "--bogus"])
    assert code == 1


def test_a_missing_document_library_is_said_plainly(tmp_path, capsys, monkeypatch) -> None:
    """Without python-docx installed, a .docx import says so (exit 2), no traceback."""
    (tmp_path / "play.docx").write_bytes(b"PK\x03\x04")
    monkeypatch.setitem(sys.modules, "docx", None)
    assert _import(tmp_path, tmp_path / "play.docx") == 2
    assert "needs the Python package 'python-docx'" in capsys.readouterr().err
