"""Fixtures for the packaging tests: the Linux release archive, built once per session."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "packaging" / "build-linux"
# Set to an existing archive to test it instead of building one (e.g. a CI artefact).
ARCHIVE_ENV = "STUDIO_FROZEN_ARCHIVE"
# A cold build (empty packaging/build/) takes about a minute on 2 cores; a warm one about 20 s.
BUILD_TIMEOUT_S = 900


def load_module(relative_path: str) -> ModuleType:
    """Import a Python file of packaging/ that is not part of a package, by its path."""
    path = ROOT / relative_path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class FrozenApp:
    """The unpacked release archive.

    Attributes:
        archive: The .tar.gz that was unpacked.
        root: The unpacked top folder (install.sh, share/, waves-studio/).
        exe: The frozen `waves-studio` executable.
        local: The `waves-local` symlink next to it.
    """

    archive: Path
    root: Path
    exe: Path
    local: Path


@pytest.fixture(scope="session")
def frozen_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release archive: $STUDIO_FROZEN_ARCHIVE, or built now by packaging/build-linux."""
    given = os.environ.get(ARCHIVE_ENV)
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("archive")
    started = time.monotonic()
    result = subprocess.run(
        [str(BUILD_SCRIPT), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, f"build-linux failed:\n{result.stderr[-4000:]}"
    archive = Path(result.stdout.strip().splitlines()[-1])
    print(f"\nbuild-linux took {time.monotonic() - started:.0f} s")  # shown with -s / -rP
    return archive


@pytest.fixture(scope="session")
def frozen_app(frozen_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> FrozenApp:
    """The archive unpacked into a temporary folder (system tar: faster than tarfile)."""
    target = tmp_path_factory.mktemp("unpacked")
    subprocess.run(["tar", "-xzf", str(frozen_archive), "-C", str(target)], check=True)
    (root,) = list(target.iterdir())
    return FrozenApp(
        frozen_archive,
        root,
        root / "waves-studio" / "waves-studio",
        root / "waves-studio" / "waves-local",
    )


@pytest.fixture
def frozen_env(tmp_path: Path) -> dict[str, str]:
    """Environment for running the frozen app: offscreen Qt and throwaway user folders."""
    env = dict(os.environ)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        env[name] = str(folder)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["STUDIO_NO_ERROR_WINDOWS"] = "1"
    env.pop("SMALLEST_API_KEY", None)
    return env
