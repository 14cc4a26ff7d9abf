"""Tests for studio/core/script_import and textfile.py: every kind, encodings, malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.script_import import ScriptImportError, import_script, import_text
from studio.core.textfile import decode_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scripts"


def test_markdown_sample_has_two_chapters_two_speakers_and_no_markup() -> None:
    """Headings open chapters, `Speaker:` lines assign speakers, emphasis and links are stripped."""
    script = import_script(EXAMPLES / "two-voices.md")
    assert [c.title for c in script.chapters] == ["The Lighthouse", "The Storm"]
    assert script.speakers == ["Alice", "Bob"]
    assert [len(c.paragraphs) for c in script.chapters] == [3, 3]
    texts = " ".join(p.text for p in script.paragraphs)
    assert "older than the town" in texts and "great lamp" in texts
    assert "faster than anyone had forecast." in texts
    assert not any(mark in texts for mark in ("*", "[", "](", "http", "#"))
    assert not script.timed


def test_markdown_code_and_lists() -> None:
    """Inline code keeps its text, list items are paragraphs, code blocks are left out (noted)."""
    md = "Intro with `code` here.\n\n- first item\n- Bob: second\n\n```\nprint(1)\n```\n"
    script = import_text(md, "markdown")
    assert [(p.speaker, p.text) for p in script.paragraphs] == [
        (None, "Intro with code here."),
        (None, "first item"),
        ("Bob", "second"),
    ]
    assert "left out" in script.notes[0]


def test_plain_text_paragraphs_and_speakers() -> None:
    """Blank lines split paragraphs; a speaker line starts its own; times, URLs, prose with a
    colon and numbered headings are not speakers."""
    text = (
        "First line\nstill first.\n\nAlice: Hi.\nBob: Hello.\nAt 10:30 we met.\n\n"
        "http://x.org: no\n\nThe answer is this: no.\n\nChapter 1: no.\n\nDR. SMITH: Yes."
    )
    script = import_text(text, "text")
    assert [(p.speaker, p.text) for p in script.paragraphs] == [
        (None, "First line still first."),
        ("Alice", "Hi."),
        ("Bob", "Hello. At 10:30 we met."),
        (None, "http://x.org: no"),
        (None, "The answer is this: no."),
        (None, "Chapter 1: no."),
        ("DR. SMITH", "Yes."),
    ]


def test_srt_sample_keeps_twenty_cue_times() -> None:
    """The 20-cue SRT becomes 20 timed paragraphs with their start and end."""
    script = import_script(EXAMPLES / "harbour-tour.srt")
    paragraphs = script.paragraphs
    assert script.timed and len(paragraphs) == 20
    assert (paragraphs[0].start_s, paragraphs[0].end_s) == (1.0, 3.6)
    assert (paragraphs[19].start_s, paragraphs[19].text) == (58.0, "Thank you for joining us.")


def test_vtt_sample_keeps_voices_and_strips_tags() -> None:
    """<v> spans and `Name:` give speakers; <i> is stripped; multi-line cues are joined."""
    script = import_script(EXAMPLES / "interview.vtt")
    assert [(p.speaker, p.text, p.start_s) for p in script.paragraphs] == [
        ("Host", "Welcome back to the show.", 0.5),
        ("Host", "Today we talk about lighthouses.", 3.5),
        ("Guest", "Thanks for having me. It is good to be here.", 7.0),
        ("Guest", "I have visited forty of them.", 10.5),
    ]


@pytest.mark.parametrize(
    ("kind", "content", "line"),
    [
        ("srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:0x,000 --> 00:00:03,000\nX\n", 5),
        ("srt", "1\n00:00:05,000 --> 00:00:02,000\nBackwards\n", 2),
        (
            "vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n00:00:0x.000 --> 00:00:03.000\nX\n",
            6,
        ),
        ("vtt", "Not a header\n\n00:00:01.000 --> 00:00:02.000\nHi\n", 1),
        ("vtt", "WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nBackwards\n", 3),
    ],
)
def test_malformed_subtitles_name_the_line(kind: str, content: str, line: int) -> None:
    """A malformed cue gives a clear message with its line number."""
    with pytest.raises(ScriptImportError) as info:
        import_text(content, kind, "talk." + kind)
    assert info.value.line == line
    assert f"talk.{kind}, line {line}:" in info.value.user_message


@pytest.mark.parametrize(
    ("data", "encoding", "noted"),
    [
        ("Café: “olé”\n".encode(), "utf-8", False),
        (b"\xef\xbb\xbf" + "Café: “olé”\n".encode(), "utf-8-sig", False),
        ("\ufeffCafé: “olé”\n".encode("utf-16-le"), "utf-16-le", False),
        ("\ufeffCafé: “olé”\n".encode("utf-16-be"), "utf-16-be", False),
        ("Café: “olé”\n".encode("utf-16-le"), "utf-16-le", False),
        ("Café: “olé”\r\n".encode("cp1252"), "cp1252", True),
    ],
)
def test_encodings(data: bytes, encoding: str, noted: bool) -> None:
    """BOMs, BOM-less UTF-16 and Windows-1252 (with a note) all give the same text."""
    decoded = decode_text(data, "script.txt")
    assert decoded.text == "Café: “olé”\n"
    assert decoded.encoding == encoding
    assert bool(decoded.note) == noted
    script = import_text(data, "text", "script.txt")
    assert script.paragraphs[0].speaker == "Café"
    assert ("Windows-1252" in " ".join(script.notes)) == noted


def test_docx_headings_become_chapters(tmp_path: Path) -> None:
    """A Word document's Heading paragraphs open chapters; body paragraphs keep speakers."""
    import docx

    document = docx.Document()
    document.add_heading("Part One", level=1)
    document.add_paragraph("Alice: Good morning.")
    document.add_paragraph("It was a bright cold day.")
    document.add_heading("Part Two", level=2)
    document.add_paragraph("Bob: Good night.")
    document.save(str(tmp_path / "s.docx"))
    script = import_script(tmp_path / "s.docx")
    assert [(c.title, [(p.speaker, p.text) for p in c.paragraphs]) for c in script.chapters] == [
        ("Part One", [("Alice", "Good morning."), (None, "It was a bright cold day.")]),
        ("Part Two", [("Bob", "Good night.")]),
    ]


def test_epub_chapters_come_from_the_table_of_contents(tmp_path: Path) -> None:
    """Spine documents in order, each a chapter named by the TOC; its own title is not spoken."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("id1")
    book.set_title("Book")
    book.set_language("en")
    chapters = []
    for i, (title, body) in enumerate([("Dawn", "Alice: It is early."), ("Dusk", "All quiet.")]):
        item = epub.EpubHtml(title=title, file_name=f"c{i}.xhtml", lang="en")
        item.content = (
            f"<html><body><h1>{title}</h1><p>{body}</p><p>More <em>text</em>.</p></body></html>"
        )
        book.add_item(item)
        chapters.append(item)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(tmp_path / "b.epub"), book)
    script = import_script(tmp_path / "b.epub")
    assert [(c.title, [(p.speaker, p.text) for p in c.paragraphs]) for c in script.chapters][
        -2:
    ] == [
        ("Dawn", [("Alice", "It is early."), (None, "More text.")]),
        ("Dusk", [(None, "All quiet."), (None, "More text.")]),
    ]


def test_broken_and_unknown_files_are_refused_clearly(tmp_path: Path) -> None:
    """Not-a-zip .docx/.epub and unknown extensions give a message naming the file."""
    for name in ("x.docx", "x.epub", "x.pdf"):
        (tmp_path / name).write_bytes(b"not a document")
        with pytest.raises(ScriptImportError, match=r"x\.(docx|epub|pdf)"):
            import_script(tmp_path / name)
