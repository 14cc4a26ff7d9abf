"""Batch input: CSV/TSV/folder/lines, encodings, malformed files, validation and names."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest

from studio.batch.inputs import decode_text, read_input
from studio.batch.names import NameAllocator, check_template, render_stem
from studio.batch.plan import BatchDefaults, plan_batch
from studio.batch.report import neutralise, write_report
from studio.core.errors import ValidationError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "batch"
DEFAULTS = BatchDefaults(voice_id="tone-alto")


def _plan(tmp_path: Path, name: str, data: bytes, **defaults: object):
    path = tmp_path / name
    path.write_bytes(data)
    return plan_batch(
        read_input(path), BatchDefaults(**{"voice_id": "tone-alto", **defaults}), None
    )


def test_example_csv_plans_every_row(tmp_path: Path) -> None:
    """The shipped example is valid: ids name the files, formats and rates come per row."""
    plan = plan_batch(read_input(EXAMPLES / "prompts.csv"), DEFAULTS, tmp_path)
    assert len(plan.items) == 8 and not plan.invalid
    first = plan.items[0]
    assert (first.out_name, first.export_format, first.sample_rate) == (
        "ivr_welcome.ulaw",
        "ulaw",
        8000,
    )
    assert plan.requests >= 8 and "8 to render, 0 invalid" in plan.summary()
    assert "about 1 s" in plan.summary(chars_per_s=1000) or "about" in plan.summary(1000)


def test_folder_and_lines_inputs(tmp_path: Path) -> None:
    """A folder gives one clip per .txt/.md (markup dropped); a text file one per line."""
    folder = plan_batch(read_input(EXAMPLES / "chapters"), DEFAULTS, None)
    assert [i.out_name for i in folder.items] == ["01-harbour.wav", "02-noon.wav"]
    assert folder.items[0].text.startswith("Chapter one") and "#" not in folder.items[0].text
    lines = plan_batch(read_input(EXAMPLES / "lines.txt"), DEFAULTS, None)
    assert [i.row for i in lines.items] == [1, 2, 4]
    assert lines.items[0].out_name == "0001-Welcome-back.wav"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
     ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b"")],
)  # fmt: skip
def test_encodings_read_the_same_text(tmp_path: Path, encoding: str, bom: bytes) -> None:
    """UTF-8 with/without BOM and UTF-16 (with a BOM, or guessed) give identical rows."""
    text = "id,text\nx1,Crème brûlée — naïve café\n"
    plan = _plan(tmp_path, "in.csv", bom + text.encode(encoding))
    assert [i.text for i in plan.items] == ["Crème brûlée — naïve café"]


def test_windows_1252_is_read_with_a_note(tmp_path: Path) -> None:
    """A non-UTF-8 file is read as Windows-1252 and the user is told."""
    plan = _plan(tmp_path, "in.csv", "text\nCafé “quoted”\n".encode("cp1252"))
    assert plan.items[0].text == "Café “quoted”"
    assert "Windows-1252" in plan.table.notes[0]
    assert decode_text(b"plain", "x")[1] == ""


def test_malformed_csv_is_reported_per_row(tmp_path: Path) -> None:
    """Ragged rows, quoted newlines, a 1 MB cell, NUL bytes, bad values: each row says why."""
    big = "a" * (1024 * 1024)
    data = (
        "id,text,speed,voice,colour\n"
        'ok1,"Line one\nspans two lines",1.0,,red\n'
        "ragged,too,many,cells,here,extra\n"
        f"big,{big},1.0,,\n"
        "nul,bad\x00text,1.0,,\n"
        "slow,Too slow,0.1,,\n"
        "fast,Speed words,quick,,\n"
        "=cmd|' /C calc'!A0,Formula id,1.0,,\n"
        ",,,,\n"
        "short,only two\n"
    ).encode()
    plan = _plan(tmp_path, "bad.csv", data)
    by_row = {r.row: r for r in plan.rows}
    assert by_row[2].item is not None and "\n" in by_row[2].item.text
    assert "6 cells" in by_row[3].errors[""]
    assert "1,048,576 characters" in by_row[4].errors["text"]
    assert "NUL" in by_row[5].errors["text"]
    assert "outside" in by_row[6].errors["speed"] and "not a number" in by_row[7].errors["speed"]
    assert by_row[8].item is not None  # a formula-looking id is only a name
    assert 9 not in by_row  # a blank line is skipped, not an error
    assert "2 cells" in by_row[10].errors[""]
    assert [r.item for r in plan.invalid] == [None] * 6
    assert "colour" in plan.table.notes[0]
    assert not any(ch in plan.items[1].out_name for ch in "=|'/ !")


def test_unquoted_file_end_and_missing_text_column(tmp_path: Path) -> None:
    """An unterminated quote cannot crash; a table without 'text' is refused clearly."""
    plan = _plan(tmp_path, "q.csv", b'text\n"never closed\nstill going\n')
    assert len(plan.rows) == 1
    with pytest.raises(ValidationError, match="no 'text' column"):
        _plan(tmp_path, "n.csv", b"words\nhello\n")
    with pytest.raises(ValidationError, match="nothing to render"):
        _plan(tmp_path, "e.txt", b"\n\n")


def test_semicolon_and_tab_separated(tmp_path: Path) -> None:
    """Excel's semicolon CSV and a .tsv are read by their separators."""
    semi = _plan(tmp_path, "s.csv", b"id;text;speed\na;Hello, world;1,25\n")
    assert semi.items[0].text == "Hello, world" and semi.items[0].speed == 1.25
    tab = _plan(tmp_path, "t.tsv", b"id\ttext\nb\tTabbed, line\n")
    assert tab.items[0].text == "Tabbed, line"


def test_unknown_voice_and_bad_format_per_cell(tmp_path: Path) -> None:
    """With the server's voices known, an unknown voice is a cell error; so is a bad format."""
    (tmp_path / "v.csv").write_bytes(b"text,voice,format\nHi,nobody,wav\nHo,tone-alto,aiff\n")
    plan = plan_batch(read_input(tmp_path / "v.csv"), DEFAULTS, None, known_voices={"tone-alto"})
    assert "not a voice" in plan.rows[0].errors["voice"]
    assert "aiff" in plan.rows[1].errors["format"]


def test_names_are_safe_unique_and_avoid_existing_files(tmp_path: Path) -> None:
    """Reserved names, separators and collisions (case-insensitive, NFC) get safe names."""
    (tmp_path / "clip.wav").write_bytes(b"")
    names = NameAllocator(tmp_path)
    assert names.allocate("clip", "wav") == "clip-2.wav"
    assert names.allocate("CLIP", "wav") == "CLIP-3.wav"
    assert names.allocate("Cafe\u0301", "wav") == "Cafe\u0301.wav"
    assert names.allocate("Caf\u00e9", "wav") == "Caf\u00e9-2.wav"
    stem = render_stem("{id}", key="CON", row=1, voice="v", text="t", lang="en", speed=1)
    assert stem.upper() != "CON"
    long = render_stem(
        "{first_words}", key="", row=1, voice="v", text="x" * 500, lang="en", speed=1
    )
    assert len(long.encode()) <= 120
    assert (
        render_stem(
            "{lang}-{voice}-{speed}-{row:03d}",
            key="",
            row=7,
            voice="a/b",
            text="",
            lang="en",
            speed=1.25,
        )
        == "en-ab-1.25-007"
    )
    with pytest.raises(ValidationError, match="first_words"):
        check_template("{nope}")


def test_report_neutralises_formulas(tmp_path: Path) -> None:
    """Cells a spreadsheet would run as formulas are written as text."""
    assert neutralise("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("plain") == "plain"
    path = tmp_path / "r.csv"
    write_report(path, [["2", "=1+1", "failed", "", "", "1", "+oops", "", ""]])
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    assert rows[1][1] == "'=1+1" and rows[1][6] == "'+oops"
