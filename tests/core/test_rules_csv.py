"""CSV/TSV import and export of rules keeps every rule, unicode and commas included."""

from hypothesis import given
from hypothesis import strategies as st

from studio.core.rules_csv import format_rules_table, parse_rules_table

RULES = [
    ("MySQL", "my sequel"),
    ("Zoë", "zo-ee"),
    ("GIF", "jif, not gif"),
    ('say "hi"', "hi\tthere"),
    ("नमस्ते", "namaste"),
]


def test_csv_and_tsv_round_trip() -> None:
    """Export then import gives back every rule exactly, in CSV and in TSV."""
    for delimiter in (",", "\t"):
        rows, notes = parse_rules_table(format_rules_table(RULES, delimiter))
        assert rows == RULES and notes == []


def test_header_optional_and_bad_lines_reported() -> None:
    """A file without a header works; a one-column line is skipped with a note."""
    rows, notes = parse_rules_table("\ufeffAPI,A P I\nlonely\n\nGUI,gooey,extra\n")
    assert rows == [("API", "A P I"), ("GUI", "gooey")]
    assert "Line 2" in notes[0] and "Line 4" in notes[1]


def test_spaces_are_kept_for_validation() -> None:
    """Leading/trailing spaces survive parsing so the editor can point them out."""
    rows, _ = parse_rules_table(" SQL ,sequel\n")
    assert rows == [(" SQL ", "sequel")]


_cell = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip())


@given(st.lists(st.tuples(_cell, _cell), max_size=20))
def test_any_rules_round_trip(rules: list[tuple[str, str]]) -> None:
    """Whatever the text, exported rules import back unchanged (first row may not be a header)."""
    rules = [
        r
        for r in rules
        if (r[0].strip().lower(), r[1].strip().lower()) != ("word", "pronunciation")
    ]
    rows, _ = parse_rules_table(format_rules_table(rules))
    assert rows == [r for r in rules if r[0].strip() or r[1].strip()]
