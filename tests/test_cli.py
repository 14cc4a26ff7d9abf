"""The command line: --version, --help and `python -m studio` work without a display."""

import os
import subprocess
import sys

import pytest

from studio import __version__
from studio.cli import main


def test_version_and_help(capsys) -> None:
    """--version prints the version; --help lists the options and the render command."""
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for word in ("--local", "--self-test", "render", "local-server"):
        assert word in text


def test_python_dash_m_studio() -> None:
    """`python -m studio --version` runs the same command line in a fresh process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "studio", "--version"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.strip() == f"waves-studio {__version__}"


def test_local_server_subcommand_forwards_its_options(capsys) -> None:
    """`waves-studio local-server --help` is waves-local's own help."""
    with pytest.raises(SystemExit):
        main(["local-server", "--help"])
    assert "--engine" in capsys.readouterr().out
