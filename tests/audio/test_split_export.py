"""Tests for studio/audio/split_export.py: the names of split files (the split export itself:
tests/project/test_export_library.py and tests/project/test_roundtrip.py)."""

from __future__ import annotations

import pytest

from studio.audio.split_export import piece_names
from studio.core.errors import ExportError


def test_names_are_unique_and_templates_checked() -> None:
    """Duplicate titles get -2; an unknown field is refused with the allowed ones named."""
    assert piece_names("{title}", ["A", "a"], "", "wav") == ["A.wav", "a-2.wav"]
    with pytest.raises(ExportError, match=r"\{n\}, \{title\} and \{project\}"):
        piece_names("{voice}", ["A"], "", "wav")


def test_template_fields_and_unsafe_titles() -> None:
    """{project}-{n}-{title}: numbered from 1, repeated titles kept apart by their number, and
    characters a file name cannot hold replaced."""
    names = piece_names("{project}-{n}-{title}", ["Hello there", "Hello there", "a/b: c?"],
                        "ep1", "wav")  # fmt: skip
    assert names == ["ep1-1-Hello there.wav", "ep1-2-Hello there.wav", "ep1-3-a-b- c.wav"]
