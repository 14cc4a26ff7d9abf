"""Long text splits into request-sized chunks at sentence boundaries."""

from hypothesis import given
from hypothesis import strategies as st

from studio.core.text import split_sentences, split_text


def test_short_text_is_one_chunk() -> None:
    """A line under the ideal size is sent as it is."""
    assert split_text("Hello there. How are you?") == ["Hello there. How are you?"]


def test_sentences_are_kept_whole_and_packed_to_about_140() -> None:
    """Sentences are never cut when they fit, and chunks grow only while within 140 chars."""
    sentence = "This sentence is exactly fifty characters long ok."
    text = " ".join([sentence] * 6)
    chunks = split_text(text)
    assert all(chunk.endswith("ok.") for chunk in chunks)
    assert all(len(chunk) <= 250 for chunk in chunks)
    assert [len(chunk) for chunk in chunks] == [101, 101, 101]


def test_over_long_sentence_splits_at_commas_then_spaces() -> None:
    """A 400-character sentence breaks at clause punctuation, never mid-word."""
    clause = "and then the narrator kept going without a full stop"
    text = ", ".join([clause] * 8) + "."
    chunks = split_text(text)
    assert len(chunks) >= 2 and all(len(c) <= 250 for c in chunks)
    assert " ".join(chunks).split() == text.split()


def test_line_breaks_and_other_scripts_end_sentences() -> None:
    """Paragraph breaks and CJK/Devanagari-style full stops count as boundaries."""
    assert split_sentences("Title\n\nBody one.\nBody two。次の文！") == [
        "Title",
        "Body one.",
        "Body two。",
        "次の文！",
    ]


@given(st.text(min_size=0, max_size=2000))
def test_any_text_gives_bounded_chunks_and_keeps_every_word(text: str) -> None:
    """For any input, chunks are non-empty, at most 250 characters, and lose no word."""
    chunks = split_text(text)
    assert all(0 < len(c) <= 250 for c in chunks)
    # Every character except whitespace survives, in order (quotes and brackets included).
    assert "".join("".join(chunks).split()) == "".join(text.split())


def test_closing_quotes_and_brackets_stay_with_their_sentence() -> None:
    """A quote or bracket after the full stop is not dropped when the text is split."""
    text = 'She said "Stop." Then… (See the note.) Next one.'
    chunks = split_text(text, ideal_chars=10)
    assert chunks == ['She said "Stop."', "Then…", "(See the note.)", "Next one."]
    assert " ".join(chunks) == text
