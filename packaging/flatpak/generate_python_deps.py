"""Write the Flatpak modules that install Waves Studio's Python dependencies from pinned files.

    .venv/bin/python packaging/flatpak/generate_python_deps.py

Flatpak builds have no network, so every wheel is a source with its PyPI URL and SHA-256
(what flatpak-pip-generator does, without it). Versions are the ones installed in .venv (what
the tests ran against); pip resolves them for the runtime's Python and platform, binary only,
through this machine's pip configuration (its index, mirrors or local wheel folders). Each
source is recorded at its canonical files.pythonhosted.org address, which PyPI derives from
the file's bytes, so a mirror's or a local path never reaches the manifest. Run it again after
changing a dependency in pyproject.toml; tests/packaging/test_flatpak.py says when it is needed.

pip evaluates environment markers for the Python it runs on, not for --python-version, so the
result is pruned to what the runtime's Python 3.12 really needs (and fails if 3.12 needs
something pip did not resolve).

A few pure-Python packages exist on PyPI only as a source distribution (PURE_PYTHON_SDISTS);
their .tar.gz is pinned instead and pip builds it inside the Flatpak with the build tools'
setuptools. Everything else must be a wheel.

Output, next to this file:
- python3-requirements.json: the app's dependencies (installed into /app);
- python3-build-tools.json: pyproject's build-system requirements (newest matching releases),
  to build the sdists and the app itself; removed from the finished app. Built first, so it
  leaves out what python3-requirements installs (its cleanup would remove those files).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# org.freedesktop.Platform 24.08 ships Python 3.12 and glibc 2.40; PySide6 >= 6.10 wheels
# need manylinux_2_34. Change both with the manifest's runtime-version.
PYTHON_VERSION = "3.12"
PLATFORMS = ("manylinux_2_34", "manylinux_2_28", "manylinux_2_27", "manylinux_2_17")
# Environment markers as the runtime's Python evaluates them.
TARGET_MARKERS = {
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "python_version": PYTHON_VERSION,
    "python_full_version": f"{PYTHON_VERSION}.0",
    "implementation_version": f"{PYTHON_VERSION}.0",
    "os_name": "posix",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
}
# Pure-Python projects that PyPI has only as an sdist (checked by the tests). Nothing compiled
# goes here: it would be built against the SDK, not the binary the tests ran against.
PURE_PYTHON_SDISTS = frozenset({"srt"})
PYPI_FILES = "https://files.pythonhosted.org/packages/"
# --no-build-isolation: the sdists build with python3-build-tools' setuptools, offline.
PIP_INSTALL = (
    'pip3 install --no-index --find-links="file://${PWD}" --prefix="${FLATPAK_DEST}" '
    "--no-build-isolation --no-deps"
)

Item = dict[str, Any]


def pinned(requirements: list[str]) -> list[str]:
    """`name==version` for each requirement, with the version installed in this environment."""
    result = []
    for line in requirements:
        name = Requirement(line).name
        result.append(f"{name}=={metadata.version(name)}")
    return result


def target_requirements(name: str) -> list[str]:
    """An installed distribution's own requirements that apply on the runtime, without markers."""
    result = []
    for line in metadata.requires(name) or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(
            TARGET_MARKERS | {"extra": ""}
        ):
            requirement.marker = None
            result.append(str(requirement))
    return result


def resolve(requirements: list[str], constraints: list[str], *, sdists: bool = False) -> list[Item]:
    """pip's install report for the runtime's Python and platform.

    Binary only, with dependencies; or, with `sdists`, source distributions without them.
    """
    if not requirements:
        return []
    platform_args = [arg for tag in PLATFORMS for arg in ("--platform", f"{tag}_x86_64")]
    # pip allows sdists for another platform only without dependencies.
    formats = ["--no-binary=:all:", "--no-deps"] if sdists else ["--only-binary=:all:"]
    with tempfile.TemporaryDirectory() as tmp:
        constraint_file = Path(tmp) / "constraints.txt"
        constraint_file.write_text("\n".join(constraints) + "\n", encoding="utf-8")
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--dry-run",
                "--ignore-installed",
                "--quiet",
                *formats,
                *platform_args,
                "--python-version",
                PYTHON_VERSION,
                "--implementation",
                "cp",
                "--target",
                str(Path(tmp) / "target"),
                "--report",
                str(report),
                "-c",
                str(constraint_file),
                *requirements,
            ],
            check=True,
        )
        items: list[Item] = json.loads(report.read_text("utf-8"))["install"]
    return items


def needed_on_target(roots: list[str], items: list[Item]) -> list[Item]:
    """The items that the roots need on the runtime's Python, following markers for it."""
    by_name = {canonicalize_name(i["metadata"]["name"]): i for i in items}
    needed: set[tuple[str, str]] = set()
    queue = [(Requirement(line), "") for line in roots]
    while queue:
        requirement, extra = queue.pop()
        marker = requirement.marker
        if marker is not None and not marker.evaluate(TARGET_MARKERS | {"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        item = by_name.get(name)
        version = Version(item["metadata"]["version"]) if item else None
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            sys.exit(f"Python {PYTHON_VERSION} needs {requirement}; pip resolved {version}")
        for wanted in ("", *requirement.extras):
            if (name, wanted) not in needed:
                needed.add((name, wanted))
                dependencies = item["metadata"].get("requires_dist") or []
                queue.extend((Requirement(line), wanted) for line in dependencies)
    return [by_name[name] for name in sorted({name for name, _ in needed})]


def pypi_url(file_name: str, data: bytes) -> str:
    """Where PyPI serves this file: its path is the BLAKE2b-256 of the bytes."""
    digest = hashlib.blake2b(data, digest_size=32).hexdigest()
    return f"{PYPI_FILES}{digest[:2]}/{digest[2:4]}/{digest[4:]}/{quote(file_name)}"


def file_bytes(url: str, download_dir: Path) -> bytes:
    """The file pip resolved: read from disk, or downloaded through pip's configuration."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return Path(url2pathname(parts.path)).read_bytes()
    # Another Python's wheel: pip takes it only for the runtime's tags, and so without deps.
    target = [arg for tag in PLATFORMS for arg in ("--platform", f"{tag}_x86_64")]
    target += ["--python-version", PYTHON_VERSION, "--implementation", "cp", "--no-deps"]
    command = [sys.executable, "-m", "pip", "download", "--quiet", *target, "-d", str(download_dir)]
    subprocess.run([*command, url], check=True)
    return (download_dir / unquote(parts.path.rsplit("/", 1)[-1])).read_bytes()


def source(item: Item, download_dir: Path) -> dict[str, str]:
    """A flatpak-builder file source at the file's canonical PyPI address."""
    info = item["download_info"]
    url: str = info["url"]
    sha256: str | None = info.get("archive_info", {}).get("hashes", {}).get("sha256")
    if url.startswith(PYPI_FILES) and sha256:
        return {"type": "file", "url": url, "sha256": sha256}
    data = file_bytes(url, download_dir)
    digest = hashlib.sha256(data).hexdigest()
    if sha256 and digest != sha256:
        sys.exit(f"{url}: SHA-256 {digest}, but the index says {sha256}")
    file_name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return {"type": "file", "url": pypi_url(file_name, data), "sha256": digest}


def module(name: str, items: list[Item], cleanup: list[str]) -> dict[str, Any]:
    """A flatpak-builder module installing these files with pip, offline."""
    packages = sorted(f"{i['metadata']['name']}=={i['metadata']['version']}" for i in items)
    with tempfile.TemporaryDirectory() as tmp:
        sources = [
            source(item, Path(tmp))
            for item in sorted(items, key=lambda i: str(i["metadata"]["name"]).lower())
        ]
    result: dict[str, Any] = {
        "name": name,
        "buildsystem": "simple",
        "build-commands": [f"{PIP_INSTALL} {' '.join(packages)}"],
        "sources": sources,
    }
    if cleanup:
        result["cleanup"] = cleanup
    return result


def main() -> int:
    """Resolve and write both modules."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    constraints = sorted({f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()})
    app_pins = pinned(pyproject["project"]["dependencies"])
    is_sdist = [canonicalize_name(Requirement(p).name) in PURE_PYTHON_SDISTS for p in app_pins]
    sdist_pins = [pin for pin, sdist in zip(app_pins, is_sdist, strict=True) if sdist]
    # The sdists' own dependencies come as wheels with the rest.
    roots = [pin for pin, sdist in zip(app_pins, is_sdist, strict=True) if not sdist]
    roots += [line for pin in sdist_pins for line in target_requirements(Requirement(pin).name)]
    app = needed_on_target(roots, resolve(roots, constraints))
    app += resolve(sdist_pins, constraints, sdists=True)
    app_names = {canonicalize_name(i["metadata"]["name"]) for i in app}
    tools = [
        item
        for item in resolve(pyproject["build-system"]["requires"], [])
        if canonicalize_name(item["metadata"]["name"]) not in app_names
    ]
    outputs = {
        "python3-requirements.json": module("python3-requirements", app, []),
        # Needed only while pip builds the sdists and the app's own wheel; not shipped.
        "python3-build-tools.json": module("python3-build-tools", tools, ["*"]),
    }
    for file_name, content in outputs.items():
        (HERE / file_name).write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {file_name}: {len(content['sources'])} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
