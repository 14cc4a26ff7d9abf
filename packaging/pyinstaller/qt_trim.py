"""What the frozen app leaves out: unused Qt plugins, Qt's translations and system-only libraries.

Used twice: by the Qt hooks in `hooks/` (so that a dropped plugin's own dependencies, such as
GTK 3 for the gtk3 platform theme, never enter the analysis) and by the spec on the final file
lists (for libraries that hooks of other packages pull in). Pure Python, no PyInstaller import
at module level, so the tests can check the rules without building anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

# Qt plugins the app uses: file names without "lib" and extension, by folder under Qt's plugins
# directory. The app uses QtCore, QtGui, QtWidgets and QtSvg only. Per-OS names sit side by
# side so that the same table serves Linux, Windows and macOS.
KEEP_QT_PLUGINS: dict[str, frozenset[str]] = {
    # xcb for X11 and XWayland, wayland for native Wayland sessions (sharp HiDPI), offscreen
    # for tests and headless self-tests, minimal as Qt's last resort; windows and cocoa.
    "platforms": frozenset({"qxcb", "qwayland", "qoffscreen", "qminimal", "qwindows", "qcocoa"}),
    # Portal file dialogs inside Flatpak or Snap. Not gtk3: it would pull in all of GTK 3.
    "platformthemes": frozenset({"qxdgdesktopportal"}),
    # The compose key and IBus: typing accents and Indic scripts into the editor.
    "platforminputcontexts": frozenset(
        {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"}
    ),
    "imageformats": frozenset({"qsvg", "qico"}),  # PNG is built into QtGui
    "iconengines": frozenset({"qsvgicon"}),  # QIcon from SVG files
    "xcbglintegrations": frozenset({"qxcb-glx-integration", "qxcb-egl-integration"}),
    "wayland-shell-integration": frozenset({"xdg-shell"}),
    "wayland-decoration-client": frozenset({"bradient"}),
    "wayland-graphics-integration-client": frozenset(
        {"qt-plugin-wayland-egl", "shm-emulation-server"}
    ),
    "styles": frozenset({"qmodernwindowsstyle", "qwindowsvistastyle", "qmacstyle"}),
}

# Libraries that must come from the user's machine, never from the build machine: ALSA and JACK
# must match the machine's ALSA plugins and JACK server (AppImage's excludelist agrees), and
# Berkeley DB is there only because libjack links it. Bundled PortAudio loads the system's.
SYSTEM_ONLY_LIBRARIES: tuple[str, ...] = ("libasound.so", "libjack.so", "libdb-5")


def qt_plugin(dest: str) -> tuple[str, str] | None:
    """The (folder, name) of a file under Qt's plugins folder, or None for any other file.

    `PySide6/Qt/plugins/platforms/libqxcb.so` gives ("platforms", "qxcb"); Windows'
    `PySide6\\plugins\\platforms\\qwindows.dll` gives ("platforms", "qwindows").
    """
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if "plugins" not in parts:
        return None
    index = parts.index("plugins")
    if index == 0 or parts[index - 1] not in ("Qt", "PySide6") or len(parts) != index + 3:
        return None
    name = parts[index + 2].split(".")[0]
    return parts[index + 1], name.removeprefix("lib")


def keep(dest: str) -> bool:
    """False for a bundle path the app never uses: unused Qt plugins, translations, system libs."""
    path = dest.replace("\\", "/")
    name = PurePosixPath(path).name
    if "Qt/translations/" in path or path.startswith("PySide6/translations/"):
        return False  # the app is not translated, so Qt's own strings stay English too
    if name.startswith(SYSTEM_ONLY_LIBRARIES):
        return False
    plugin = qt_plugin(path)
    if plugin is None:
        return True
    folder, stem = plugin
    return stem in KEEP_QT_PLUGINS.get(folder, frozenset())


def trim(entries: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The entries of a PyInstaller TOC or hook list whose destination passes `keep`.

    Hook lists are (source, dest folder) pairs, TOC entries (dest name, source, kind); both
    are judged by the bundle path the file will have.
    """
    result = []
    for entry in entries:
        if len(entry) == 2:  # (source, dest folder) from a hook
            source_name = PurePosixPath(entry[0].replace("\\", "/")).name
            dest = f"{entry[1]}/{source_name}"
        else:  # (dest name, source, kind) from the Analysis TOC
            dest = entry[0]
        if keep(dest):
            result.append(entry)
    return result


def trimmed_qt_dependencies(hook_file: str) -> tuple[list[str], list, list]:
    """PyInstaller's own Qt hook result for `hook_file`, without the plugins the app never uses.

    Returns:
        (hiddenimports, binaries, datas), like `add_qt6_dependencies`.
    """
    from PyInstaller.utils.hooks.qt import add_qt6_dependencies

    hiddenimports, binaries, datas = add_qt6_dependencies(hook_file)
    return list(hiddenimports), trim(binaries), trim(datas)
