"""What the studio ships and under which licences, read from installed package metadata."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from importlib import metadata, resources

APP_DISTRIBUTION = "waves-studio"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Component:
    """One bundled part: a Python distribution, a native library, a data set or a font.

    Attributes:
        name, version, licence: As its metadata states them (version may be "").
        kind: "Application", "Python package", "Library", "Speech data" or "Font".
        note: Where it comes from or what it is for (may be "").
    """

    name: str
    version: str
    licence: str
    kind: str
    note: str = ""


def _first(meta: metadata.PackageMetadata, name: str) -> str:
    """A metadata field's first value ("" when absent)."""
    values = meta.get_all(name) or []
    return str(values[0]) if values else ""


def licence_of(meta: metadata.PackageMetadata) -> str:
    """The SPDX expression, else a short License field, else the trove classifiers."""
    expression = _first(meta, "License-Expression")
    if expression:
        return str(expression)
    field = _first(meta, "License").strip()
    if field and "\n" not in field and len(field) <= 80:
        return field
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::") and c.count("::") >= 2
    ]
    if classifiers:
        return " / ".join(classifiers)
    return "see the package's licence file" if field else "not stated"


def _runtime_requirements(dist: metadata.Distribution) -> list[str]:
    """Names of what `dist` needs at run time (extras such as dev tools left out)."""
    names = []
    for requirement in dist.requires or []:
        if "extra ==" in requirement.replace('"', "'").replace("'", ""):
            continue
        match = _NAME.match(requirement)
        if match:
            names.append(match.group(0))
    return names


def python_components(root: str = APP_DISTRIBUTION) -> list[Component]:
    """The app and every distribution it pulls in at run time, found in their metadata.

    Requirements not installed here (platform-specific ones) are skipped: they are not
    bundled either. The list follows whatever the build really contains, so it cannot rot.
    """
    seen: dict[str, Component] = {}
    queue = deque([root])
    while queue:
        name = queue.popleft()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        meta = dist.metadata
        kind = "Application" if key == root else "Python package"
        seen[key] = Component(meta["Name"], dist.version, licence_of(meta), kind)
        queue.extend(_runtime_requirements(dist))
    app = [c for c in seen.values() if c.kind == "Application"]
    rest = sorted((c for c in seen.values() if c.kind != "Application"), key=_sort_key)
    return app + rest


def _sort_key(component: Component) -> str:
    return component.name.lower()


def font_components() -> list[Component]:
    """The bundled fonts, named and licensed by studio/assets/fonts/OFL.txt."""
    folder = resources.files("studio.assets") / "fonts"
    try:
        header = (folder / "OFL.txt").read_text("utf-8").split("\n\n", 1)[0]
    except OSError:
        return []
    files = sorted(p.name for p in folder.iterdir() if p.name.endswith(".ttf"))
    families = ", ".join(name.removesuffix("-Regular.ttf") for name in files)
    return [
        Component(
            "Noto Sans (Indic scripts)",
            "",
            "OFL-1.1",
            "Font",
            f"{families}. {' '.join(header.split())}",
        )
    ]


# Native parts that ride inside Python wheels (so no metadata of their own names them).
NATIVE_COMPONENTS = (
    Component(
        "Qt", "", "LGPL-3.0-only", "Library", "The GUI toolkit, shipped inside PySide6 wheels"
    ),
    Component(
        "libsndfile", "", "LGPL-2.1-or-later", "Library", "Audio files, inside soundfile's wheel"
    ),
    Component("PortAudio", "", "MIT", "Library", "Sound output, used by sounddevice"),
    Component(
        "eSpeak NG data",
        "",
        "GPL-3.0-or-later",
        "Speech data",
        "Phoneme tables and the English dictionary Piper reads",
    ),
)


def bundled_components() -> list[Component]:
    """Everything the About → Licences page lists: the app, native parts and fonts, packages."""
    found = python_components()  # empty when run from a checkout that was never installed
    app = [c for c in found if c.kind == "Application"]
    packages = [c for c in found if c.kind != "Application"]
    return [*app, *NATIVE_COMPONENTS, *font_components(), *packages]
