"""Plain-text and Markdown scripts: blank lines split paragraphs, headings open chapters."""

from __future__ import annotations

from typing import Any

from studio.core.script_import.model import ImportedScript, Paragraph, build, speaker_paragraphs


def parse_text(text: str, notes: list[str]) -> ImportedScript:
    """Paragraphs split at blank lines; "Speaker: line" starts a paragraph for that speaker."""
    paragraphs: list[Paragraph] = []
    block: list[str] = []
    for line in [*text.split("\n"), ""]:
        if line.strip():
            block.append(line)
        elif block:
            paragraphs.extend(speaker_paragraphs(block))
            block = []
    return build([(None, paragraphs)], notes)


def parse_markdown(text: str, notes: list[str]) -> ImportedScript:
    """Headings (any level) open chapters; paragraphs, list items and quotes become paragraphs.

    Emphasis, links, inline code marks and HTML are stripped (their text is kept, the markup is
    not spoken); images, code blocks and raw HTML blocks are left out, with a note.
    """
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    chapters: list[tuple[str | None, list[Paragraph]]] = [(None, [])]
    in_heading = False
    skipped = 0
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline":
            lines = _inline_lines(token.children or [])
            if in_heading:
                chapters.append((" ".join(" ".join(lines).split()), []))
            else:
                chapters[-1][1].extend(speaker_paragraphs(lines))
        elif token.type in ("fence", "code_block", "html_block"):
            skipped += 1
    if skipped:
        notes.append(f"{skipped} code or HTML block(s) were left out: they are not spoken.")
    return build(chapters, notes)


def _inline_lines(children: list[Any]) -> list[str]:
    """The text of an inline token's children, split at line breaks, without markup."""
    parts: list[str] = []
    for child in children:
        kind = child.type  # images and inline HTML are dropped; em/strong/link marks too
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts).split("\n")
