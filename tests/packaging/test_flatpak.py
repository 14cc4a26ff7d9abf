"""The Flatpak manifest: it parses, asks for the permissions the app needs, and pins its sources."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from studio import APP_ID
from tests.packaging.conftest import ROOT

FLATPAK = ROOT / "packaging" / "flatpak"
MANIFEST = FLATPAK / f"{APP_ID}.yml"
WHEEL = re.compile(
    r"^(?P<name>[^-]+)-(?P<version>[^-]+)-(?P<python>[^-]+)-(?P<abi>[^-]+)-(?P<plat>.+)\.whl$"
)
REGENERATE = "run .venv/bin/python packaging/flatpak/generate_python_deps.py"


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANIFEST.read_text("utf-8"))
    return data


def _modules() -> list[dict[str, Any]]:
    """Every module, with JSON module files read in."""
    result = []
    for entry in _manifest()["modules"]:
        is_file = isinstance(entry, str)
        result.append(json.loads((FLATPAK / entry).read_text("utf-8")) if is_file else entry)
    return result


def _module(name: str) -> dict[str, Any]:
    return next(m for m in _modules() if m["name"] == name)


def _pinned_wheels(module_name: str) -> dict[str, Version]:
    pins = {}
    for source in _module(module_name)["sources"]:
        match = WHEEL.match(source["url"].rsplit("/", 1)[-1])
        assert match, source["url"]
        pins[canonicalize_name(match["name"])] = Version(match["version"])
    return pins


def test_identity_and_command() -> None:
    """The Flatpak id is APP_ID and its command is the installed `waves-studio` script."""
    manifest = _manifest()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert manifest["id"] == APP_ID
    assert manifest["command"] in scripts
    assert {"runtime", "runtime-version", "sdk", "finish-args", "modules"} <= manifest.keys()


def test_permissions_are_the_ones_the_app_needs() -> None:
    """Audio, display, network, the Secret Service and ~/Music; nothing as broad as home."""
    args = set(_manifest()["finish-args"])
    assert {
        "--socket=pulseaudio",
        "--socket=wayland",
        "--socket=fallback-x11",
        "--share=ipc",
        "--share=network",
        "--talk-name=org.freedesktop.secrets",
        "--filesystem=xdg-music",
    } <= args
    assert not args & {"--filesystem=home", "--filesystem=host", "--socket=session-bus"}


def test_every_download_is_pinned() -> None:
    """Every archive or file source has an https URL and a SHA-256, so builds are reproducible."""
    downloads = 0
    for module in _modules():
        for source in module.get("sources", []):
            if source["type"] in ("archive", "file"):
                downloads += 1
                assert source["url"].startswith("https://"), source
                assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"]), source
    assert downloads > 10


def test_app_module_builds_from_this_checkout() -> None:
    """The app module's dir source is the repository, and every file it installs exists."""
    app = _module("waves-studio")
    (source,) = app["sources"]
    assert (FLATPAK / source["path"]).resolve() == ROOT
    commands = " ".join(app["build-commands"]).replace("${FLATPAK_ID}", APP_ID)
    sizes = re.search(r"for size in ([\d ]+);", commands)
    assert sizes is not None
    for size in sizes.group(1).split():
        assert (ROOT / f"resources/icons/hicolor/{size}x{size}/apps/{APP_ID}.png").is_file()
    installed = [w for w in shlex.split(commands) if w.startswith(("packaging/", "resources/"))]
    assert len(installed) >= 3
    for path in installed:
        if "${size}" not in path:
            assert (ROOT / path).is_file(), path


def test_python_wheels_cover_every_dependency() -> None:
    """Each dependency in pyproject.toml has a pinned wheel that satisfies its version range."""
    pins = _pinned_wheels("python3-requirements")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} has no wheel in the Flatpak; {REGENERATE}"
        assert pins[name] in requirement.specifier, f"{name} {pins[name]} vs {line}; {REGENERATE}"


def test_build_tools_satisfy_the_build_system() -> None:
    """setuptools and wheel are pinned at versions pyproject's build-system accepts."""
    pins = _pinned_wheels("python3-build-tools")
    build = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["build-system"]
    for line in build["requires"]:
        requirement = Requirement(line)
        assert pins[canonicalize_name(requirement.name)] in requirement.specifier, REGENERATE


def _runs_on_cpython_312(python_tags: list[str], abi: str) -> bool:
    """Pure Python wheels, cp312 wheels, and stable-ABI wheels built for 3.12 or older."""
    if abi == "none":
        return "py3" in python_tags
    if abi == "cp312":
        return "cp312" in python_tags
    minors = [int(t.removeprefix("cp3")) for t in python_tags if t.startswith("cp3")]
    return abi == "abi3" and any(minor <= 12 for minor in minors)


@pytest.mark.parametrize("module_name", ["python3-requirements", "python3-build-tools"])
def test_wheels_fit_the_runtime(module_name: str) -> None:
    """Every wheel runs on the runtime's CPython 3.12 on x86_64, and pip installs each one."""
    module = _module(module_name)
    installed = {
        canonicalize_name(word.split("==")[0])
        for word in shlex.split(module["build-commands"][0])
        if "==" in word
    }
    for source in module["sources"]:
        wheel = WHEEL.match(source["url"].rsplit("/", 1)[-1])
        assert wheel is not None
        assert _runs_on_cpython_312(wheel["python"].split("."), wheel["abi"]), source
        assert wheel["plat"] == "any" or "x86_64" in wheel["plat"], source
        assert canonicalize_name(wheel["name"]) in installed, source
