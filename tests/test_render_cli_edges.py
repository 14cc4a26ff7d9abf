"""`waves-studio render` where it meets the disk, the history and the terminal: edge cases."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from studio.cli import main


def _render(tmp_path: Path, profile: Path, out: Path, *extra: str) -> list[str]:
    return [
        "--profile", str(profile), "render", "--local", "--engine", "tone",
        "--text", "An edge case.", "--out", str(out), *extra,
    ]  # fmt: skip


def test_an_unwritable_profile_still_renders(tmp_path, capsys) -> None:
    """A profile folder that cannot be created: the clip is still written, with one warning
    sentence and no traceback (the history is skipped, not the render)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    out = tmp_path / "clip.wav"
    # The offline server's own data (dictionaries, clones) lives in the profile too: point it
    # elsewhere, as --data-dir lets a user do; without it the command says the folder is a file.
    args = [*_render(tmp_path, blocker / "profile", out), "--data-dir", str(tmp_path / "data")]
    assert main(args) == 0
    printed = capsys.readouterr()
    assert out.stat().st_size > 1000
    assert "Traceback" not in printed.err and "Errno" not in printed.err
    assert "could not be opened" in printed.err and "not kept" in printed.err


def test_warnings_go_to_the_log_file_not_the_terminal(tmp_path) -> None:
    """A warning behind an error (here: the cache skipped for an unknown dictionary) is logged
    to the profile's log file; the terminal gets the error sentence alone. Run as a real
    process: pytest's own log capture would hide Python's last-resort stderr handler."""
    import os
    import subprocess
    import sys

    profile = tmp_path / "profile"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-m", "studio", *_render(tmp_path, profile, tmp_path / "x.wav"),
         "--dict", "nope"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("waves-studio render: ") and done.stderr.count("\n") == 1
    assert "Render cache skipped" in (profile / "logs" / "waves-studio.log").read_text()


def test_an_unwritable_out_fails_before_any_request(tmp_path, capsys, monkeypatch, waves_local):
    """An existing --out without --overwrite, or a missing folder, is refused before the
    server is asked for audio (no credits spent on a clip that cannot be saved)."""
    from tests.conftest import WAVES_LOCAL_TEST_KEY

    monkeypatch.setenv("SMALLEST_API_KEY", WAVES_LOCAL_TEST_KEY)
    taken = tmp_path / "taken.wav"
    taken.write_bytes(b"keep me")
    base = ["--profile", str(tmp_path / "p"), "render", "--base-url", waves_local.base_url,
            "--voice", "tone-alto", "--text", "Not spent."]  # fmt: skip
    waves_local.stats.reset()
    assert main([*base, "--out", str(taken)]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "--overwrite" in err
    assert main([*base, "--out", str(tmp_path / "missing" / "a.wav")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert waves_local.stats.requests("/waves/v1/tts") == 0
    assert taken.read_bytes() == b"keep me"


def test_a_long_render_summarises_its_request_ids(tmp_path, capsys) -> None:
    """A text of many requests prints the first ids and a count, not one id per request."""
    sentence = "This sentence is long enough that only one of it fits a single request. " * 3
    text = " ".join(f"Part {n}. {sentence}" for n in range(6))
    out = tmp_path / "long.wav"
    args = _render(tmp_path, tmp_path / "p", out)
    args[args.index("An edge case.")] = text
    assert main(args) == 0
    line = capsys.readouterr().out.strip()
    assert line.count("\n") == 0 and " more" in line and ", " in line
    assert len(line) < 400


def test_text_files_bad_or_with_a_bom(tmp_path, capsys) -> None:
    """--file: a missing file, a folder and UTF-16 each get one plain sentence (no errno, no
    codec jargon); a UTF-8 byte-order mark is dropped, not sent as text."""
    from studio.render_cli import _read_text

    base = _render(tmp_path, tmp_path / "p", tmp_path / "x.wav")
    base = [*base[: base.index("--text")], "--out", str(tmp_path / "x.wav")]
    utf16 = tmp_path / "utf16.txt"
    utf16.write_text("Hello.", encoding="utf-16")
    for path, expected in (
        (tmp_path / "missing.txt", "Could not read"),
        (tmp_path, "Could not read"),
        (utf16, "is not UTF-8 text"),
    ):
        assert main([*base, "--file", str(path)]) == 1
        err = capsys.readouterr().err
        assert expected in err and "Errno" not in err and "codec" not in err
        assert err.count("\n") == 1
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfHello there.")
    assert _read_text(argparse.Namespace(file=bom, text=None)) == "Hello there."


@pytest.mark.parametrize("command", ["render", "clone"])
def test_a_refused_key_gives_command_line_advice(
    tmp_path, capsys, monkeypatch, waves_local, command
):
    """A 401 names SMALLEST_API_KEY and --local, not the app's menu; the key is not printed."""
    key = "sk_wrong_key_for_this_test"
    monkeypatch.setenv("SMALLEST_API_KEY", key)
    args = (
        ["render", "--voice", "tone-alto", "--text", "Hi.", "--out", str(tmp_path / "x.wav")]
        if command == "render"
        else ["clone", "list"]
    )
    profile = ["--profile", str(tmp_path / "p")]
    assert main([*profile, *args, "--base-url", waves_local.base_url]) == 1
    err = capsys.readouterr().err
    assert "SMALLEST_API_KEY" in err and "--local" in err and "Tools" not in err
    assert key not in err


def test_no_text_is_refused_at_once_with_the_options_to_use(tmp_path, capsys, monkeypatch):
    """No --text/--file (or only spaces) says which options give text, before any server or
    key is needed: it fails the same way without a key."""
    monkeypatch.delenv("SMALLEST_API_KEY", raising=False)
    monkeypatch.setattr("studio.secrets.KeyringSecretStore.get", lambda self: None)
    for extra in ([], ["--text", "  \n "]):
        assert main(["--profile", str(tmp_path / "p"), "render", *extra]) == 1
        err = capsys.readouterr().err
        assert "--text" in err and "--file" in err and "API key" not in err
