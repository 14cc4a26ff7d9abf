"""The frozen build on the user's machine: installing it, and running without a sound library."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from studio import __version__
from tests.packaging.conftest import FrozenApp
from tests.packaging.frozen import (
    RUN_TIMEOUT_S,
    gui_comes_up,
    hide_files_command,
    portaudio_copies,
    run,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # the first test may wait for the build


def test_no_portaudio_still_starts_and_says_so(
    frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    """Without a loadable PortAudio the self-test passes and the GUI starts, saying why."""
    prefix = hide_files_command(portaudio_copies(frozen_app))
    if prefix is None:
        pytest.skip("hiding PortAudio needs root and mount namespaces (unshare)")
    result = subprocess.run(
        [*prefix, str(frozen_app.exe), "--self-test"],
        env=frozen_env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^audio devices\s+unavailable: No sound output", result.stdout, re.M)
    err = gui_comes_up(frozen_app, frozen_env, tmp_path / "profile", prefix)
    assert "waves-studio: No sound output: the PortAudio library could not be loaded" in err


def test_install_script_installs_and_uninstalls(
    frozen_app: FrozenApp, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    """install.sh puts a working app, entry and icons under a prefix; uninstall.sh clears it."""
    prefix = tmp_path / "prefix"
    install = [str(frozen_app.root / "install.sh"), "--prefix", str(prefix)]
    done = subprocess.run(install, env=frozen_env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    app_id = "io.github.wavesstudio.WavesStudio"
    desktop = prefix / "share" / "applications" / f"{app_id}.desktop"
    exec_line = next(line for line in desktop.read_text().splitlines() if line.startswith("Exec="))
    installed_exe = Path(exec_line.removeprefix("Exec="))
    assert installed_exe == prefix / "lib" / "waves-studio" / "waves-studio"
    assert subprocess.run(["desktop-file-validate", str(desktop)], check=False).returncode == 0
    assert (prefix / "share" / "metainfo" / f"{app_id}.metainfo.xml").is_file()
    for size in (16, 48, 256, 512):
        assert (prefix / f"share/icons/hicolor/{size}x{size}/apps/{app_id}.png").is_file()
    assert (prefix / f"share/icons/hicolor/scalable/apps/{app_id}.svg").is_file()
    version = run(prefix / "bin" / "waves-studio", "--version", env=frozen_env)
    assert version.stdout.strip() == f"waves-studio {__version__}"
    local_help = run(prefix / "bin" / "waves-local", "--help", env=frozen_env)
    assert local_help.stdout.startswith("usage: waves-local")

    uninstall = prefix / "lib" / "waves-studio" / "uninstall.sh"  # the installed copy
    undone = subprocess.run(
        [str(uninstall)], env=frozen_env, capture_output=True, text=True, check=False
    )
    assert undone.returncode == 0, undone.stderr
    left = [p for p in prefix.rglob("*") if p.is_file() or p.is_symlink()]
    assert [p for p in left if p.name != "mimeinfo.cache"] == []  # the shared MIME cache stays
