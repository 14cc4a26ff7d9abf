"""Word (.docx, python-docx) and EPUB (ebooklib) scripts: headings or the book's table of contents
open chapters, body paragraphs become paragraphs."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from studio.core.script_import.model import (
    ImportedScript,
    Paragraph,
    ScriptImportError,
    build,
    speaker_paragraphs,
)

_HEADING_STYLE = re.compile(r"^(Heading \d|Title)$")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "li", "dd", "blockquote"}


def parse_docx(path: Path, notes: list[str]) -> ImportedScript:
    """Paragraphs styled "Heading n" or "Title" open chapters; tables are left out, with a note.

    Raises:
        ScriptImportError: not a readable Word document.
    """
    import docx
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError, LxmlError) as exc:
        raise ScriptImportError(f"{path.name} is not a readable Word (.docx) document.") from exc
    chapters: list[tuple[str | None, list[Paragraph]]] = [(None, [])]
    for paragraph in document.paragraphs:
        text = paragraph.text
        style = paragraph.style.name if paragraph.style is not None else ""
        if _HEADING_STYLE.match(style or ""):
            if text.strip():
                chapters.append((" ".join(text.split()), []))
        else:
            chapters[-1][1].extend(speaker_paragraphs(text.split("\n")))
    if document.tables:
        notes.append(f"{len(document.tables)} table(s) in {path.name} were left out.")
    return build(chapters, notes)


def parse_epub(path: Path, notes: list[str]) -> ImportedScript:
    """Spine documents in reading order; a heading opens a chapter, else the TOC's title does.

    Raises:
        ScriptImportError: not a readable EPUB.
    """
    import ebooklib
    from ebooklib import epub
    from lxml import html

    try:
        book = epub.read_epub(str(path), options={"ignore_ncx": True})
    except (zipfile.BadZipFile, KeyError, ValueError, epub.EpubException) as exc:
        raise ScriptImportError(f"{path.name} is not a readable EPUB book.") from exc
    titles = _toc_titles(book.toc)
    chapters: list[tuple[str | None, list[Paragraph]]] = [(None, [])]
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        try:
            root = html.fromstring(item.get_content())
        except ValueError:
            notes.append(f"A part of {path.name} ({item.get_name()}) could not be read.")
            continue
        toc_title = titles.get(item.get_name())
        if toc_title:
            chapters.append((toc_title, []))
        _walk(root, chapters, heading_opens=toc_title is None)
    return build(chapters, notes)


def _walk(
    root: Any, chapters: list[tuple[str | None, list[Paragraph]]], heading_opens: bool
) -> None:
    first_heading = True
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        if tag in _HEADINGS:
            text = " ".join(element.text_content().split())
            # The TOC already named this document's chapter; its own first heading is that name.
            if text and (heading_opens or not first_heading):
                chapters.append((text, []))
            first_heading = False
        elif tag in _BLOCKS and not any(
            (c.tag if isinstance(c.tag, str) else "").rsplit("}", 1)[-1].lower() in _BLOCKS
            for c in element.iterdescendants()
        ):
            chapters[-1][1].extend(speaker_paragraphs(element.text_content().split("\n")))


def _toc_titles(toc: Any) -> dict[str, str]:
    """File name -> the first TOC title pointing into it."""
    out: dict[str, str] = {}
    stack = list(toc) if isinstance(toc, list | tuple) else [toc]
    while stack:
        entry = stack.pop(0)
        if isinstance(entry, tuple) and len(entry) == 2:
            stack[:0] = [entry[0], *entry[1]]
            continue
        href, title = getattr(entry, "href", None), getattr(entry, "title", None)
        if href and title:
            out.setdefault(href.split("#", 1)[0], " ".join(str(title).split()))
    return out
