"""The pure layers never import Qt (STYLE §1): an AST walk over every module."""

import ast
from pathlib import Path

import pytest

STUDIO = Path(__file__).resolve().parent.parent / "studio"
PURE_LAYERS = (
    "core",
    "api",
    "audio",
    "store",
    "local",
    "secrets.py",
    "logs.py",
    "pipeline.py",
    "library.py",
    "testbench.py",
    "render_cli.py",
    "batch",
    "project_cli.py",
    "project_import_cli.py",
    "project_fit_cli.py",
    "project_export_cli.py",
    "project_export.py",
    "project_pieces.py",
    "project_takes.py",
)
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def _modules(layer: str) -> list[Path]:
    path = STUDIO / layer
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


def _qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [
            f"{path.name}:{node.lineno} imports {n}" for n in names if n.split(".")[0] in QT_MODULES
        ]
    return found


@pytest.mark.parametrize("layer", PURE_LAYERS)
def test_pure_layer_has_no_qt_import(layer: str) -> None:
    """No module of a pure layer imports PySide6 (or any Qt binding)."""
    modules = _modules(layer)
    assert modules, f"layer {layer} has no modules"
    offenders = [hit for module in modules for hit in _qt_imports(module)]
    assert offenders == []


def test_ui_does_not_import_transport_or_audio_libraries() -> None:
    """Widgets never talk to the network or the sound card directly (STYLE §8.1)."""
    banned = ("requests", "sounddevice", "websockets", "keyring")
    offenders = []
    for module in _modules("ui"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                offenders += [a.name for a in node.names if a.name.split(".")[0] in banned]
            elif (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.split(".")[0] in banned
            ):
                offenders.append(node.module)
    assert offenders == []


def test_the_walk_detects_a_qt_import(tmp_path: Path) -> None:
    """The checker itself finds `from PySide6...` and `import PySide6...` lines."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom PySide6.QtCore import QObject\nimport shiboken6\n")
    assert len(_qt_imports(bad)) == 2


def test_store_and_core_never_reach_up_to_the_pipeline_or_services() -> None:
    """Render values live in core (issue 15): store, core and audio import no layer above."""
    above = ("studio.pipeline", "studio.library", "studio.services", "studio.ui", "studio.api")
    offenders = []
    for layer in ("store", "core", "audio"):
        for module in _modules(layer):
            tree = ast.parse(module.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                module_name = node.module if isinstance(node, ast.ImportFrom) else None
                if module_name and module_name.startswith(above):
                    offenders.append(f"{layer}/{module.name}:{node.lineno} {module_name}")
    assert offenders == []


def test_no_ui_module_imports_the_main_window_back() -> None:
    """The window's helpers (flows, modes, panels) get what they need passed in (issue 15):
    only the app that builds the window imports studio.ui.main_window."""
    offenders = []
    for module in _modules("ui"):
        if module.name == "main_window.py":
            continue
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"ui/{module.name}:{node.lineno}" for n in names
                          if n == "studio.ui.main_window"]  # fmt: skip
    assert offenders == []
