"""The frozen entry point: which program runs, what it warns about, the library path of children."""

from __future__ import annotations

import sys

import pytest

from tests.packaging.conftest import load_module

entry = load_module("packaging/pyinstaller/waves_studio_entry.py")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/opt/app/waves-studio"], ("studio", [])),
        (["waves-studio", "render", "--local"], ("studio", ["render", "--local"])),
        (["/home/u/.local/bin/waves-local", "--port", "0"], ("local", ["--port", "0"])),
        (["C:\\Apps\\waves-local.exe", "--help"], ("local", ["--help"])),
        (["waves-studio", "local-server", "--port", "9"], ("local", ["--port", "9"])),
        (["waves-studio", "--local", "local-server"], ("studio", ["--local", "local-server"])),
    ],
)
def test_choose_program(argv: list[str], expected: tuple[str, list[str]]) -> None:
    """The program follows the name it was started under, or a leading `local-server`."""
    assert entry.choose_program(argv) == expected


def test_nothing_missing_means_no_notice() -> None:
    """With espeak-ng on PATH and PortAudio loadable, start-up says nothing."""
    notices = entry.missing_system_parts(lambda _name: "/usr/bin/espeak-ng", lambda: None)
    assert notices == []


def test_missing_parts_name_the_package_to_install() -> None:
    """Each missing part gets a notice saying what is off and which package brings it."""
    notices = entry.missing_system_parts(lambda _name: None, lambda: "libjack.so.0: not found")
    assert len(notices) == 2
    assert "espeak-ng is not installed" in notices[0]
    assert "apt install espeak-ng" in notices[0]
    assert "libjack.so.0: not found" in notices[1]
    assert "can still save clips" in notices[1]


def test_gui_start_prints_the_notices(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Starting the GUI prints the notices on stderr before the window opens."""
    started: list[list[str]] = []
    monkeypatch.setattr(entry, "missing_system_parts", lambda: ["espeak-ng is missing."])
    monkeypatch.setattr("studio.cli.main", lambda args: started.append(args) or 0)
    assert entry.main(["waves-studio", "--local"]) == 0
    assert started == [["--local"]]
    assert capsys.readouterr().err == "waves-studio: espeak-ng is missing.\n"


@pytest.mark.parametrize("args", [["--version"], ["--self-test"], ["render", "--local"]])
def test_commands_that_are_not_the_gui_stay_quiet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """--version, --self-test and render print no start-up notices (the self-test reports them)."""
    monkeypatch.setattr(entry, "missing_system_parts", lambda: ["espeak-ng is missing."])
    monkeypatch.setattr("studio.cli.main", lambda _args: 0)
    assert entry.main(["waves-studio", *args]) == 0
    assert capsys.readouterr().err == ""


def test_waves_local_runs_the_server_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Started as waves-local, the real server command line answers --help."""
    with pytest.raises(SystemExit) as exited:
        entry.main(["waves-local", "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: waves-local")


def test_frozen_children_get_the_users_library_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a frozen app, child processes get the user's LD_LIBRARY_PATH back, not the bundle's."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    environ = {"LD_LIBRARY_PATH": "/opt/app/_internal", "LD_LIBRARY_PATH_ORIG": "/opt/cuda/lib"}
    entry.restore_system_library_path(environ)
    assert environ == {"LD_LIBRARY_PATH": "/opt/cuda/lib"}


def test_frozen_children_get_no_library_path_when_the_user_had_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bundle-only LD_LIBRARY_PATH is removed entirely."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    environ = {"LD_LIBRARY_PATH": "/opt/app/_internal", "HOME": "/home/u"}
    entry.restore_system_library_path(environ)
    assert environ == {"HOME": "/home/u"}


def test_unfrozen_library_path_is_left_alone() -> None:
    """Run from source (not frozen), the environment is not touched."""
    environ = {"LD_LIBRARY_PATH": "/opt/cuda/lib"}
    entry.restore_system_library_path(environ)
    assert environ == {"LD_LIBRARY_PATH": "/opt/cuda/lib"}
