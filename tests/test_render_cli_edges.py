"""`waves-studio render` where it meets the disk, the history and the terminal: edge cases."""

from __future__ import annotations

from pathlib import Path

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
    assert main(_render(tmp_path, blocker / "profile", out)) == 0
    printed = capsys.readouterr()
    assert out.stat().st_size > 1000
    assert "Traceback" not in printed.err and "Errno" not in printed.err
    assert "could not be opened" in printed.err and "not kept" in printed.err
