"""One offline-voice data folder per profile: the app, `render --local` and waves-local share it."""

from __future__ import annotations

from pathlib import Path

from studio.app import Profile, build_services, shutdown
from studio.cli import main
from studio.core.models import PronunciationItem
from studio.local.config import ServerConfig, default_data_dir
from studio.secrets import MemorySecretStore
from tests.fakes import FakeAudioPlayer


def test_a_dictionary_made_in_the_app_is_used_by_the_render_command(
    qtbot, tmp_path: Path, capsys
) -> None:
    """Created through the app's own backend (its waves-local child), the dictionary is listed
    by `render --local --list-dicts` and applied with `--dict ID` on the same profile."""
    folder = tmp_path / "profile"
    services = build_services(
        Profile.from_folder(folder), secrets=MemorySecretStore(), player=FakeAudioPlayer()
    )
    try:
        with qtbot.wait_signal(services.backend.backend_changed, timeout=30000):
            services.backend.start(force_local=True)
        with qtbot.wait_signal(services.dictionaries.dictionary_created, timeout=10000) as made:
            services.dictionaries.create("Studio words", [PronunciationItem("Waves", "wayvz")])
        dict_id = made.args[1].id
    finally:
        shutdown(services)

    assert main(["--profile", str(folder), "render", "--local", "--list-dicts"]) == 0
    assert dict_id in capsys.readouterr().out
    out = tmp_path / "line.wav"
    args = ["--profile", str(folder), "render", "--local", "--engine", "tone", "--dict", dict_id]
    code = main([*args, "--voice", "tone-alto", "--text", "Waves here.", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert out.stat().st_size > 1000
    # --data-dir points the command elsewhere: that folder has no such dictionary.
    other = ["--data-dir", str(tmp_path / "elsewhere"), "--list-dicts"]
    assert main(["--profile", str(folder), "render", "--local", *other]) == 0
    assert dict_id not in capsys.readouterr().out


def test_plain_waves_local_defaults_to_the_default_profile() -> None:
    """`waves-local` with no --data-dir uses the default profile's folder, as the app does."""
    assert default_data_dir() == Profile.default().local_data_dir
    assert ServerConfig().resolved_data_dir() == Profile.default().data_dir / "waves-local"


def test_waves_local_points_to_data_of_an_earlier_default(tmp_path: Path) -> None:
    """Data in the old default folder is not lost: a plain waves-local says where it is."""
    import os
    import subprocess
    import sys

    old = tmp_path / "xdg" / "waves-local"
    old.mkdir(parents=True)
    (old / "pronunciation_dicts.json").write_text("[]", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "studio.local.cli", "--port", "0", "--engine", "tone",
         "--parent-watch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg")},
    )  # fmt: skip
    assert process.stdout is not None and process.stdin is not None
    assert process.stdout.readline().startswith(b"listening on ")
    process.stdin.close()
    assert process.wait(timeout=10) == 0
    assert process.stderr is not None
    with process.stdout, process.stderr:
        err = process.stderr.read()
    assert f"data from an earlier version is in {old}".encode() in err
    assert str(tmp_path / "xdg" / "Waves Studio" / "waves-local").encode() in err
