"""Suggested file names are readable, safe on every OS and never escape the chosen folder."""

import datetime as dt

import pytest

from studio.audio.filenames import MAX_STEM_BYTES, suggest_file_name

DAY = dt.date(2026, 7, 14)


def test_the_default_template_reads_well() -> None:
    """Date, voice and the first six words, joined with dashes, punctuation dropped."""
    name = suggest_file_name(
        "{date}-{voice}-{words}", date=DAY, voice="magnus", ext="wav",
        text="Hello there! How are you, my friend? Fine, thanks.",
    )  # fmt: skip
    assert name == "2026-07-14-magnus-Hello-there-How-are-you-my.wav"


def test_a_datetime_adds_the_time() -> None:
    """Takes saved on the same day get distinct names."""
    moment = dt.datetime(2026, 7, 14, 9, 5, 3)
    assert suggest_file_name("{date}", date=moment, voice="", text="", ext="mp3") == (
        "2026-07-14_090503.mp3"
    )


def test_unicode_letters_are_kept() -> None:
    """Hindi, accented and CJK text stays readable in the name."""
    name = suggest_file_name(
        "{voice}-{words}", date=DAY, voice="meher", text="नमस्ते दुनिया, café 你好", ext="flac"
    )
    assert name == "meher-नमस्ते-दुनिया-café-你好.flac"


@pytest.mark.parametrize(
    ("text", "voice"),
    [("../../etc/passwd", "x"), ("a/b\\c:d*e?f", "v/../w"), ('"<>|\x00\x1f', ".hidden")],
)
def test_no_separators_control_characters_or_leading_dots(text: str, voice: str) -> None:
    """Whatever the text or voice holds, the result is one plain file name."""
    name = suggest_file_name("{voice}/{words}", date=DAY, voice=voice, text=text, ext="wav")
    assert "/" not in name and "\\" not in name and ".." not in name
    assert not name.startswith(".") and all(ord(c) >= 32 for c in name)
    for bad in ':*?"<>|':
        assert bad not in name


@pytest.mark.parametrize("reserved", ["CON", "nul", "Com1", "LPT9"])
def test_windows_reserved_device_names_are_avoided(reserved: str) -> None:
    """A clip named CON or NUL would be unopenable on Windows."""
    name = suggest_file_name("{words}", date=DAY, voice="", text=reserved, ext="wav")
    assert name.lower() == f"{reserved.lower()}_.wav"


def test_long_text_is_capped_without_breaking_characters() -> None:
    """Long names are cut to the byte limit at a character boundary."""
    name = suggest_file_name("{words}-{voice}", date=DAY, voice="é" * 300, text="x", ext="ogg")
    stem = name.removesuffix(".ogg")
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES
    stem.encode("utf-8").decode("utf-8")  # still valid UTF-8


@pytest.mark.parametrize("template", ["{nope}", "{", "{0}", ""])
def test_broken_or_empty_templates_fall_back(template: str) -> None:
    """An unknown field or bad braces use the default template; an empty one gives "clip"."""
    name = suggest_file_name(template, date=DAY, voice="v", text="hi", ext="wav")
    assert name in ("2026-07-14-v-hi.wav", "clip.wav")
    assert name == ("clip.wav" if template == "" else "2026-07-14-v-hi.wav")
