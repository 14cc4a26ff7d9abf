"""`waves-studio render`: one clip to disk from the command line, for every format."""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studio.audio.decode import decode
from studio.cli import main

SOXI = shutil.which("soxi")
TEXT = "Render this line from the command line. Then a second sentence."


def _soxi(path: Path, flag: str) -> str:
    return subprocess.run(
        [SOXI, flag, str(path)], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()


@pytest.mark.parametrize("fmt", ["wav", "mp3", "flac", "ogg", "pcm", "ulaw", "alaw"])
def test_every_format_renders_to_a_file_that_opens(tmp_path, capsys, fmt) -> None:
    """Each --format writes a playable file with the asked rate; raw formats decode back."""
    out = tmp_path / f"clip.{fmt}"
    code = main(
        [
            "render",
            "--local",
            "--engine",
            "tone",
            "--voice",
            "tone-alto",
            "--text",
            TEXT,
            "--sample-rate",
            "16000",
            "--format",
            fmt,
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert f"wrote {out}" in printed.out and "request id:" in printed.out
    if fmt in ("pcm", "ulaw", "alaw"):
        audio = decode(out.read_bytes(), fmt, 16000)
        assert 2.0 < audio.duration_s < 15
        assert float(np.abs(audio.samples).max()) > 0.05
    elif SOXI:
        assert _soxi(out, "-r") == "16000" and _soxi(out, "-c") == "1"
        assert 2.0 < float(_soxi(out, "-D")) < 15


def test_format_from_extension_and_overwrite(tmp_path, capsys) -> None:
    """Without --format the extension decides; an existing file needs --overwrite."""
    out = tmp_path / "line.flac"
    args = [
        "--profile",
        str(tmp_path / "p"),
        "render",
        "--local",
        "--engine",
        "tone",
        "--text",
        "Hi there.",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    assert out.read_bytes()[:4] == b"fLaC"
    assert main(args) == 1
    assert "already exists" in capsys.readouterr().err
    assert main([*args, "--overwrite"]) == 0


def test_errors_exit_non_zero_with_a_message(tmp_path, capsys, monkeypatch) -> None:
    """No text, an unknown voice and no API key each fail with one clear line."""
    monkeypatch.delenv("SMALLEST_API_KEY", raising=False)
    base = [
        "--profile",
        str(tmp_path / "p"),
        "render",
        "--local",
        "--engine",
        "tone",
        "--out",
        str(tmp_path / "x.wav"),
    ]
    assert main([*base, "--text", "   "]) == 1
    assert "no text" in capsys.readouterr().err.lower()
    assert main([*base, "--text", "Hi.", "--voice", "nobody"]) == 1
    assert "nobody" in capsys.readouterr().err
    monkeypatch.setattr("studio.secrets.KeyringSecretStore.get", lambda self: None)
    assert (
        main(
            [
                "--profile",
                str(tmp_path / "p"),
                "render",
                "--text",
                "Hi.",
                "--out",
                str(tmp_path / "y.wav"),
            ]
        )
        == 1
    )
    assert "No API key" in capsys.readouterr().err


def test_list_voices_and_dicts(capsys) -> None:  # lists only: no take, no profile needed
    """--list-voices and --list-dicts print tables."""
    assert main(["render", "--local", "--engine", "tone", "--list-voices"]) == 0
    assert "tone-alto" in capsys.readouterr().out
    assert main(["render", "--local", "--engine", "tone", "--list-dicts"]) == 0


def test_as_written_in_the_readme(tmp_path) -> None:
    """The README's command line works in a real process (long text, file input)."""
    text = tmp_path / "script.txt"
    text.write_text("First sentence of a script. " * 20, encoding="utf-8")
    out = tmp_path / "script.wav"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "studio",
            "render",
            "--local",
            "--engine",
            "tone",
            "--file",
            str(text),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 44 and "via sse" in result.stdout


def test_renders_become_takes_and_repeat_from_cache(tmp_path, capsys) -> None:
    """A render is kept in the profile's history; the same render again costs no request."""
    from studio.library import HISTORY_FILE
    from studio.store.takes import TakeStore

    profile = tmp_path / "profile"
    args = [
        "--profile",
        str(profile),
        "render",
        "--local",
        "--engine",
        "tone",
        "--text",
        "Keep this take.",
        "--out",
        str(tmp_path / "a.wav"),
    ]
    assert main(args) == 0
    assert "via sse" in capsys.readouterr().out
    args[-1] = str(tmp_path / "b.wav")
    assert main(args) == 0
    assert "from cache: no credits used" in capsys.readouterr().out
    with TakeStore(profile / "data" / HISTORY_FILE) as takes:
        found = takes.search()
    # The repeat is one more use of the take, not a duplicate row.
    assert [(t.text, t.uses, t.source) for t in found] == [("Keep this take.", 2, "render")]


@pytest.mark.parametrize(
    ("stored", "expected_mb"), [(2048, 2048), ("garbage", 500), (5, 500), (None, 500)]
)
def test_render_keeps_the_cache_limit_set_in_the_app(tmp_path, stored, expected_mb) -> None:
    """The CLI opens the cache with the app's limit, so a render never evicts more than the app.

    A value the app would refuse (or none) means the app's default.
    """
    from PySide6.QtCore import QSettings

    from studio.profile import Profile
    from studio.render_cli import _library
    from studio.services.settings import Settings

    profile = Profile.from_folder(tmp_path / "profile")
    profile.settings_file.parent.mkdir(parents=True)
    if stored is not None:
        store = QSettings(str(profile.settings_file), QSettings.Format.IniFormat)
        if isinstance(stored, int) and stored >= 10:
            Settings(store).set("cache/max_mb", stored)  # as the Preferences dialog does
        else:
            store.setValue("cache/max_mb", stored)
        store.sync()
    app_limit = Settings(QSettings(str(profile.settings_file), QSettings.Format.IniFormat))
    assert app_limit.get("cache/max_mb") == expected_mb
    library = _library(argparse.Namespace(profile=str(tmp_path / "profile")))
    try:
        assert library.cache.max_bytes == expected_mb * 1024 * 1024
    finally:
        library.close()


def test_an_unknown_voice_points_to_list_voices(tmp_path, capsys) -> None:
    """--voice nobody fails before any request, naming --list-voices (not an HTTP route)."""
    out = tmp_path / "x.wav"
    args = ["--profile", str(tmp_path / "p"), "render", "--local", "--engine", "tone"]
    assert main([*args, "--text", "Hi.", "--voice", "nobody", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "'nobody'" in err and "--list-voices" in err
    assert "GET " not in err and "dictionar" not in err
    assert not out.exists()


def test_list_voices_has_a_header_and_columns_that_hold(capsys) -> None:
    """The voice table starts with a header; every row's columns line up under it."""
    assert main(["render", "--local", "--engine", "tone", "--list-voices"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["VOICE", "ID", "NAME", "LANGUAGES", "GENDER", "ACCENT"]
    start = lines[0].index("NAME")
    assert all(line[start - 2 : start] == "  " for line in lines[1:])
    assert any(line.startswith("tone-alto ") for line in lines)


def test_a_long_voice_name_does_not_break_the_columns() -> None:
    """Names longer than the others widen (or are cut in) their column; ids are never cut."""
    from studio.core.models import Voice
    from studio.render_text import voice_table

    voices = [
        Voice.from_api({"voiceId": "a" * 50, "displayName": "N" * 300, "tags": {}}),
        Voice.from_api({"voiceId": "b", "displayName": "Bo\x1b]0;x\x07", "tags": {}}),
    ]
    lines = voice_table(voices).splitlines()
    starts = [line.index(" ", 50) for line in lines[1:]]
    langs = lines[0].index("LANGUAGES")
    assert "a" * 50 in lines[1] and len(set(starts)) == 1
    assert all(len(line[:langs].rstrip()) < langs for line in lines)
    assert "\x1b" not in lines[2] and "\x07" not in lines[2]


def test_list_dicts_says_when_there_are_none(tmp_path, capsys) -> None:
    """An empty dictionary list is a sentence, not silence."""
    args = ["--profile", str(tmp_path / "p"), "render", "--local", "--engine", "tone"]
    assert main([*args, "--list-dicts"]) == 0
    assert "No pronunciation dictionaries" in capsys.readouterr().out


def test_without_out_the_clip_is_named_like_the_app_names_it(tmp_path, capsys, monkeypatch):
    """No --out: a new file in the current folder, named with the app's file-name template."""
    monkeypatch.chdir(tmp_path)
    args = ["--profile", str(tmp_path / "p"), "render", "--local", "--engine", "tone"]
    args += ["--voice", "tone-alto", "--text", "Name me after these words please.", "--format"]
    assert main([*args, "mp3"]) == 0
    first = next(tmp_path.glob("*.mp3"))
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d_\d{6}-tone-alto-Name-me-after-these-words-please\.mp3", first.name
    )
    assert f"wrote {first} (" in capsys.readouterr().out
    (tmp_path / "p").mkdir(exist_ok=True)
    (tmp_path / "p" / "settings.ini").write_text("[export]\nname_template={voice}-{words}\n")
    assert main([*args, "wav"]) == 0
    assert main([*args, "wav"]) == 0  # the same render again gets a new name, not an error
    assert (tmp_path / "tone-alto-Name-me-after-these-words-please.wav").exists()
    assert (tmp_path / "tone-alto-Name-me-after-these-words-please-2.wav").exists()


def test_timeout_must_be_a_sensible_number(capsys) -> None:
    """--timeout takes seconds from 1 to 3600."""
    with pytest.raises(SystemExit):
        main(["render", "--local", "--timeout", "0", "--list-voices"])
    assert "number of seconds" in capsys.readouterr().err


def _base(tmp_path, server) -> list[str]:
    profile = str(tmp_path / "p")
    url = server.base_url
    return ["--profile", profile, "render", "--base-url", url, "--voice", "v", "--text", "Hi."]


def _serve(behaviour):
    from tests.api.hostile import HostileServer

    return HostileServer(behaviour)


def test_server_text_reaches_the_terminal_inert(tmp_path, capsys, monkeypatch) -> None:
    """An error message with OSC/CSI sequences is printed without ESC or BEL."""
    from tests.api import hostile as h

    monkeypatch.setenv("SMALLEST_API_KEY", "sk_test_terminal")
    text = "\x1b]52;c;SGVsbG8=\x07\x1b[2J\x1b]0;pwned\x07 nope"
    with _serve(h.error_json(400, {"message": text})) as server:
        code = main([*_base(tmp_path, server), "--out", str(tmp_path / "x.wav")])
    err = capsys.readouterr().err
    assert code == 1 and "pwned" in err
    assert "\x1b" not in err and "\x07" not in err


def test_an_endless_reply_ends_with_the_size_message(tmp_path, capsys, monkeypatch) -> None:
    """The render command against an endless body stops at the cap and says so."""
    from studio.core.contract import RESPONSE_MAX_BYTES
    from tests.api import hostile as h

    monkeypatch.setenv("SMALLEST_API_KEY", "sk_test_endless")
    with _serve(h.endless_by_route) as server:
        code = main([*_base(tmp_path, server), "--out", str(tmp_path / "x.pcm")])
    assert code == 1
    assert f"more than {RESPONSE_MAX_BYTES // 2**20} MB" in capsys.readouterr().err
    assert not (tmp_path / "x.pcm").exists()


@pytest.mark.parametrize("status", [400, 403, 418])
def test_a_key_the_server_quotes_back_is_not_printed(tmp_path, capsys, monkeypatch, status):
    """An error reply that repeats the API key (any shape of key) prints without it."""
    from tests.api import hostile as h

    key = "zq_custom_key_123456789"
    monkeypatch.setenv("SMALLEST_API_KEY", key)
    body = {"message": f"bad key {key} (Bearer {key})"}
    with _serve(h.error_json(status, body)) as server:
        code = main([*_base(tmp_path, server), "--out", str(tmp_path / "x.wav")])
    err = capsys.readouterr().err
    assert code == 1 and "bad key" in err and key not in err
