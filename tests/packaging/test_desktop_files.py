"""The desktop entry and AppStream metainfo: valid, and consistent with the app they describe."""

from __future__ import annotations

import configparser
import shlex
import subprocess
import tomllib
import xml.etree.ElementTree as ET

from studio import APP_ID, __version__
from studio.cli import build_parser
from tests.packaging.conftest import ROOT

LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
SCREENSHOT_URL = (
    "https://raw.githubusercontent.com/wavesstudio/waves-studio/main/resources/screenshots/"
)
SCREENSHOTS = {
    "main-window-light.png",
    "main-window-dark.png",
    "voice-browser.png",
    "dictionaries.png",
    "error-banner.png",
    "audition-grid.png",
    "history.png",
    "pronunciation-bench.png",
    "script-view.png",
    "export-dialog.png",
    "clone-dialog.png",
    "batch-panel.png",
}


def _desktop() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser


def _metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()  # noqa: S314  (our own file, not untrusted input)


def test_desktop_entry_validates() -> None:
    """desktop-file-validate accepts the entry without errors, warnings or hints."""
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


def test_metainfo_validates() -> None:
    """appstreamcli accepts the metainfo offline, with nothing worse than infos."""
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "E:" not in result.stdout
    assert "W:" not in result.stdout


def test_desktop_commands_are_real_commands() -> None:
    """Every Exec line runs the installed `waves-studio` script with options it accepts."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    entry = _desktop()
    groups = [g for g in entry.sections() if g.startswith("Desktop")]
    assert len(groups) >= 2  # the app and its "Offline Voices" action
    for group in groups:
        program, *args = shlex.split(entry[group]["Exec"])
        assert program == "waves-studio" and program in scripts
        build_parser().parse_args(args)  # exits (fails the test) on an unknown option


def test_one_id_everywhere() -> None:
    """Desktop file name, icon, metainfo id and launchable all use the app's APP_ID."""
    entry = _desktop()["Desktop Entry"]
    assert entry["Icon"] == APP_ID
    assert (ROOT / "resources" / "icons" / f"{APP_ID}.svg").is_file()
    root = _metainfo()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert {b.text for b in root.iter("binary")} == {"waves-studio", "waves-local"}


def test_metainfo_describes_this_version() -> None:
    """The newest release in the metainfo is the package version (release notes written)."""
    releases = _metainfo().find("releases")
    assert releases is not None
    newest = releases.find("release")
    assert newest is not None
    assert newest.get("version") == __version__
    assert newest.find("description") is not None


def test_metainfo_licences() -> None:
    """Metadata is CC0-1.0 and the project GPL-3.0-or-later, as pyproject.toml says."""
    root = _metainfo()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == project["license"]


def test_metainfo_shows_the_screenshots() -> None:
    """The screenshots are referenced from resources/screenshots on the main branch."""
    images = [i.text or "" for i in _metainfo().iter("image")]
    assert all(url.startswith(SCREENSHOT_URL) for url in images), images
    assert {url.removeprefix(SCREENSHOT_URL) for url in images} == SCREENSHOTS
    for name in SCREENSHOTS:  # once taken, they must be real PNG files
        shot = ROOT / "resources" / "screenshots" / name
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
