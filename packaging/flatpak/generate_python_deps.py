"""Write the Flatpak modules that install Waves Studio's Python dependencies from pinned wheels.

    .venv/bin/python packaging/flatpak/generate_python_deps.py

Flatpak builds have no network, so every wheel is a source with its PyPI URL and SHA-256
(what flatpak-pip-generator does, without it). Versions are the ones installed in .venv (what
the tests ran against); pip resolves them for the runtime's Python and platform, asking PyPI
for metadata only (`pip install --dry-run --report`). Run it again after changing a
dependency in pyproject.toml; tests/packaging/test_flatpak.py says when it is needed.

Output, next to this file:
- python3-requirements.json: the app's dependencies (installed into /app);
- python3-build-tools.json: pyproject's build-system requirements (newest matching releases),
  to build the app itself; removed from the finished app.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# org.freedesktop.Platform 24.08 ships Python 3.12 and glibc 2.40; PySide6 >= 6.10 wheels
# need manylinux_2_34. Change both with the manifest's runtime-version.
PYTHON_VERSION = "3.12"
PLATFORMS = ("manylinux_2_34", "manylinux_2_28", "manylinux_2_27", "manylinux_2_17")
PIP_INSTALL = (
    'pip3 install --no-index --find-links="file://${PWD}" --prefix="${FLATPAK_DEST}" '
    "--no-build-isolation --no-deps"
)


def pinned(requirements: list[str]) -> list[str]:
    """`name==version` for each requirement, with the version installed in this environment."""
    from packaging.requirements import Requirement

    result = []
    for line in requirements:
        name = Requirement(line).name
        result.append(f"{name}=={metadata.version(name)}")
    return result


def resolve(requirements: list[str], constraints: list[str]) -> list[dict[str, Any]]:
    """pip's install report for the runtime's Python and platform, from PyPI, binary only."""
    platform_args = [arg for tag in PLATFORMS for arg in ("--platform", f"{tag}_x86_64")]
    with tempfile.TemporaryDirectory() as tmp:
        constraint_file = Path(tmp) / "constraints.txt"
        constraint_file.write_text("\n".join(constraints) + "\n", encoding="utf-8")
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "--isolated",  # PyPI itself, whatever this machine's pip.conf says
                "install",
                "--dry-run",
                "--ignore-installed",
                "--quiet",
                "--only-binary=:all:",
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
        items: list[dict[str, Any]] = json.loads(report.read_text("utf-8"))["install"]
    return items


def module(name: str, items: list[dict[str, Any]], cleanup: list[str]) -> dict[str, Any]:
    """A flatpak-builder module installing these wheels with pip, offline."""
    packages = sorted(f"{i['metadata']['name']}=={i['metadata']['version']}" for i in items)
    sources = []
    for item in sorted(items, key=lambda i: str(i["metadata"]["name"]).lower()):
        info = item["download_info"]
        sources.append(
            {"type": "file", "url": info["url"], "sha256": info["archive_info"]["hashes"]["sha256"]}
        )
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
    app = resolve(pinned(pyproject["project"]["dependencies"]), constraints)
    tools = resolve(pyproject["build-system"]["requires"], [])
    outputs = {
        "python3-requirements.json": module("python3-requirements", app, []),
        # Needed only while pip builds the app's own wheel; not shipped.
        "python3-build-tools.json": module("python3-build-tools", tools, ["*"]),
    }
    for file_name, content in outputs.items():
        (HERE / file_name).write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {file_name}: {len(content['sources'])} wheels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
