"""The Flatpak manifest: it parses, asks for the permissions the app needs, and pins its sources."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from importlib import metadata
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from studio import APP_ID
from tests.packaging.conftest import ROOT, load_module

FLATPAK = ROOT / "packaging" / "flatpak"
MANIFEST = FLATPAK / f"{APP_ID}.yml"
WHEEL = re.compile(
    r"^(?P<name>[^-]+)-(?P<version>[^-]+)-(?P<python>[^-]+)-(?P<abi>[^-]+)-(?P<plat>.+)\.whl$"
)
SDIST = re.compile(r"^(?P<name>.+)-(?P<version>[^-]+)\.tar\.gz$")
REGENERATE = "run .venv/bin/python packaging/flatpak/generate_python_deps.py"
GENERATOR = load_module("packaging/flatpak/generate_python_deps.py")
# PyPI's file path: /packages/ then the BLAKE2b-256 of the bytes split 2/2/60, then the name.
PYPI_FILE = re.compile(
    r"^https://files\.pythonhosted\.org/packages/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{60}/[^/]+$"
)


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


def _pinned(module_name: str) -> dict[str, Version]:
    """Each source's project and version: wheels, and sdists of the allowed pure-Python projects."""
    pins = {}
    for source in _module(module_name)["sources"]:
        file_name = source["url"].rsplit("/", 1)[-1]
        match = WHEEL.match(file_name) or SDIST.match(file_name)
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
    """Each dependency in pyproject.toml has a pinned file that satisfies its version range."""
    pins = _pinned("python3-requirements")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} has no wheel in the Flatpak; {REGENERATE}"
        assert pins[name] in requirement.specifier, f"{name} {pins[name]} vs {line}; {REGENERATE}"


def test_build_tools_satisfy_the_build_system() -> None:
    """setuptools and wheel are pinned at versions pyproject's build-system accepts."""
    pins = _pinned("python3-build-tools")
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
        file_name = source["url"].rsplit("/", 1)[-1]
        sdist = SDIST.match(file_name)
        if sdist is not None:
            # Built in the Flatpak: only pure Python, only once setuptools is there.
            assert canonicalize_name(sdist["name"]) in GENERATOR.PURE_PYTHON_SDISTS, source
            assert module_name == "python3-requirements", source
            assert "--no-build-isolation" in module["build-commands"][0]
            assert canonicalize_name(sdist["name"]) in installed, source
            continue
        wheel = WHEEL.match(file_name)
        assert wheel is not None, source
        assert _runs_on_cpython_312(wheel["python"].split("."), wheel["abi"]), source
        assert wheel["plat"] == "any" or "x86_64" in wheel["plat"], source
        assert canonicalize_name(wheel["name"]) in installed, source


def _needed_on_runtime(requirement: Requirement, extra: str = "") -> bool:
    marker = requirement.marker
    return marker is None or bool(marker.evaluate(GENERATOR.TARGET_MARKERS | {"extra": extra}))


def test_python_files_cover_transitive_dependencies() -> None:
    """What the dependencies need on Python 3.12 (per the tested environment) is pinned too."""
    pins = _pinned("python3-requirements")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    queue = [(Requirement(line), "") for line in project["dependencies"]]
    seen: set[tuple[str, str]] = set()
    while queue:
        requirement, extra = queue.pop()
        if not _needed_on_runtime(requirement, extra):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} ({extra or 'required'}) is not pinned; {REGENERATE}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name} {pins[name]} vs {requirement}; {REGENERATE}"
        )
        for wanted in ("", *requirement.extras):
            if (name, wanted) not in seen:
                seen.add((name, wanted))
                queue.extend((Requirement(r), wanted) for r in metadata.requires(name) or [])
    assert len(seen) > len(project["dependencies"])


@pytest.mark.parametrize("module_name", ["python3-requirements", "python3-build-tools"])
def test_python_files_come_from_pypi(module_name: str) -> None:
    """Each file is at its canonical PyPI address, never a mirror's or a local path."""
    for source in _module(module_name)["sources"]:
        assert PYPI_FILE.match(source["url"]), source


def test_build_tools_come_first_and_share_nothing() -> None:
    """setuptools is installed before pip builds the sdists, and the build tools' cleanup
    ("*": every file that module installed) removes nothing the app needs."""
    names = [entry if isinstance(entry, str) else entry["name"] for entry in _manifest()["modules"]]
    assert names.index("python3-build-tools.json") < names.index("python3-requirements.json")
    assert _module("python3-build-tools")["cleanup"] == ["*"]
    assert "setuptools" in _pinned("python3-build-tools")
    shared = _pinned("python3-build-tools").keys() & _pinned("python3-requirements").keys()
    assert not shared, f"{shared}: cleaned up with the build tools; {REGENERATE}"


def _item(name: str, version: str, *requires: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "version": version, "requires_dist": list(requires)}}


def test_generator_follows_markers_for_the_runtime_python() -> None:
    """pip evaluates markers for the Python it runs on; the generator keeps what 3.12 needs."""
    items = [
        _item("keyring", "25.7", 'importlib_metadata; python_version < "3.12"', "jeepney[x]>=0.4"),
        _item("importlib_metadata", "8.0"),
        _item("jeepney", "0.9", 'trio; extra == "x"', 'anyio; extra == "y"'),
        _item("trio", "0.30"),
        _item("anyio", "4.0"),
    ]
    kept = GENERATOR.needed_on_target(["keyring==25.7"], items)
    assert [i["metadata"]["name"] for i in kept] == ["jeepney", "keyring", "trio"]
    needs_newer = [_item("keyring", "25.7", 'backports.zstd; python_version >= "3.12"')]
    with pytest.raises(SystemExit, match=r"backports\.zstd"):
        GENERATOR.needed_on_target(["keyring"], needs_newer)
