"""`waves-studio clone create` and `clone list`, against an embedded and a running waves-local."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.cli import main
from tests.conftest import WAVES_LOCAL_TEST_KEY

RATE = 24000


def _sample(path: Path, seconds: float, lead_s: float = 0.0) -> Path:
    """A voiced buzz with syllable-like gaps (clear pitch, speech-like level), after a silence."""
    t = np.arange(int(seconds * RATE)) / RATE
    buzz = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 6))
    gated = 0.2 * buzz * (np.sin(2 * np.pi * 2.0 * t) > -0.3)
    soundfile.write(path, np.concatenate([np.zeros(int(lead_s * RATE)), gated]), RATE)
    return path


def test_create_then_list_with_an_embedded_waves_local(tmp_path, capsys, monkeypatch) -> None:
    """create prints the checklist and the new id; list shows it with status and date."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    sample = _sample(tmp_path / "me.wav", 8.0, lead_s=3.0)
    args = ["clone", "create", str(sample), "--name", "Me", "--local", "--engine", "tone"]
    assert main([*args, "--trim", "--tags", "a, b"]) == 0
    out = capsys.readouterr().out
    assert "[ good ] length" in out and ("8.0 s of speech" in out or "8.1 s of speech" in out)
    voice_id = out.strip().splitlines()[-1].split()[0]
    assert voice_id.startswith("voice_")
    assert main(["clone", "list", "--local", "--engine", "tone"]) == 0
    listed = capsys.readouterr().out
    assert voice_id in listed and "completed" in listed and "Me" in listed


def test_a_failed_check_uploads_nothing(tmp_path, capsys, monkeypatch, waves_local) -> None:
    """A 2 s sample fails the length check: exit 1, clear message, no clone on the server."""
    monkeypatch.setenv("SMALLEST_API_KEY", WAVES_LOCAL_TEST_KEY)
    before = len(waves_local.state.clones.list_items())
    sample = _sample(tmp_path / "short.wav", 2.0)
    code = main(["clone", "create", str(sample), "--name", "Short", "--base-url",
                 waves_local.base_url])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1 and "Too short" in captured.out and "failed a check" in captured.err
    assert len(waves_local.state.clones.list_items()) == before


def test_create_with_base_url_and_language(tmp_path, capsys, monkeypatch, waves_local) -> None:
    """--base-url and --language hi reach the server: the clone is Hindi."""
    monkeypatch.setenv("SMALLEST_API_KEY", WAVES_LOCAL_TEST_KEY)
    sample = _sample(tmp_path / "hi.wav", 8.0)
    assert main(["clone", "create", str(sample), "--name", "Hindi", "--language", "hi",
                 "--base-url", waves_local.base_url]) == 0  # fmt: skip
    voice_id = capsys.readouterr().out.strip().splitlines()[-1].split()[0]
    assert waves_local.state.clones.get(voice_id)["language"] == "hi"


def test_an_unreadable_sample_is_a_clear_error(tmp_path, capsys) -> None:
    """A file that is not audio: exit 1 and a message naming the file."""
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio")
    assert main(["clone", "create", str(bad), "--name", "X", "--local", "--engine", "tone"]) == 1
    assert "notes.wav" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["", "x" * 501])
def test_bad_names_are_refused(tmp_path, capsys, name) -> None:
    """An empty or over-long name is refused before anything is read or sent."""
    sample = _sample(tmp_path / "s.wav", 6.0)
    assert (
        main(["clone", "create", str(sample), "--name", name, "--local", "--engine", "tone"]) == 1
    )
    assert "1–500 characters" in capsys.readouterr().err


def test_server_strings_are_printed_inert(tmp_path, capsys, monkeypatch, waves_local) -> None:
    """A clone name the server hands back with escape sequences prints with none of them."""
    monkeypatch.setenv("SMALLEST_API_KEY", WAVES_LOCAL_TEST_KEY)
    sample = _sample(tmp_path / "s.wav", 8.0)
    hostile = "Evil\x1b]0;pwned\x07\x1b[31mRED\u202e"
    assert main(["clone", "create", str(sample), "--name", hostile, "--base-url",
                 waves_local.base_url]) == 0  # fmt: skip
    created = capsys.readouterr().out
    assert main(["clone", "list", "--base-url", waves_local.base_url]) == 0
    listed = capsys.readouterr().out
    for text in (created.splitlines()[-1], listed):
        assert "Evil" in text and "RED" in text
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
