"""Entry point of the frozen app: `waves-studio` and `waves-local` share one executable.

One executable serves both programs, because a second one would need a second PyInstaller
analysis (slower builds) for the same libraries. It picks the program like busybox does:

- invoked as `waves-local` (the symlink next to the executable in the Linux archive), or as
  `waves-studio local-server ...` (works on every OS, no symlink needed): the waves-local server;
- anything else: the normal `waves-studio` command line (GUI, `render`, `--self-test`,
  `--version`).

Before the GUI or the server starts, it checks the two system parts a frozen build cannot
carry (the espeak-ng program and the PortAudio library; see `missing_system_parts`) and says
on stderr what is missing and which package to install. The app still starts without them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import shutil
import sys
from collections.abc import Callable, MutableMapping, Sequence

LOCAL_SERVER_COMMAND = "local-server"
LOCAL_PROGRAM_NAMES = frozenset({"waves-local", "waves-local.exe"})
# Arguments that only print something and exit: no system check, nothing else loaded.
_QUICK_ARGS = frozenset({"--version", "-h", "--help", "--self-test"})

ESPEAK_MISSING = (
    "espeak-ng is not installed, so the offline voices for languages other than English are "
    "off (English uses the bundled Piper voice). To enable them, install the espeak-ng package "
    "(Debian/Ubuntu: sudo apt install espeak-ng; Fedora: sudo dnf install espeak-ng)."
)
PORTAUDIO_MISSING = (
    "No sound output: the PortAudio library could not be loaded ({reason}). Waves Studio "
    "starts anyway and can still save clips. To hear them, install the ALSA and JACK "
    "libraries it needs (Debian/Ubuntu: sudo apt install libasound2 libjack-jackd2-0; "
    "Fedora: sudo dnf install alsa-lib pipewire-jack-audio-connection-kit-libs)."
)


def choose_program(argv: Sequence[str]) -> tuple[str, list[str]]:
    """Pick the program to run from the command line.

    Args:
        argv: The full command line, program name first (`sys.argv`).

    Returns:
        ("local", server arguments) for waves-local, ("studio", arguments) otherwise.
    """
    # Either separator: the same rule serves Windows' `C:\\...\\waves-local.exe`.
    name = argv[0].replace("\\", "/").rsplit("/", 1)[-1].lower() if argv else ""
    if name in LOCAL_PROGRAM_NAMES:
        return "local", list(argv[1:])
    if list(argv[1:2]) == [LOCAL_SERVER_COMMAND]:
        return "local", list(argv[2:])
    return "studio", list(argv[1:])


def _portaudio_problem() -> str | None:
    """Why PortAudio cannot be loaded, or None when it loads.

    The library is bundled next to the executable (PyInstaller's ctypes lookup finds it there
    first), but it links against the system's libasound and libjack, which are not bundled:
    they must match the machine's sound server and ALSA plugins.
    """
    name = ctypes.util.find_library("portaudio")
    if name is None:
        return "library not found"
    try:
        ctypes.CDLL(name)
    except OSError as exc:
        return str(exc)
    return None


def missing_system_parts(
    which: Callable[[str], str | None] = shutil.which,
    portaudio_problem: Callable[[], str | None] = _portaudio_problem,
) -> list[str]:
    """Notices for the system parts this machine lacks; empty when nothing is missing.

    Args:
        which: Looks a program up on PATH (injected by tests).
        portaudio_problem: Returns why PortAudio cannot load, or None (injected by tests).
    """
    notices = []
    if which("espeak-ng") is None:
        notices.append(ESPEAK_MISSING)
    reason = portaudio_problem()
    if reason is not None:
        notices.append(PORTAUDIO_MISSING.format(reason=reason))
    return notices


def restore_system_library_path(environ: MutableMapping[str, str]) -> None:
    """Give child processes the library path the user had, not the bundle's.

    PyInstaller's bootloader points LD_LIBRARY_PATH at the bundle (keeping the user's value in
    LD_LIBRARY_PATH_ORIG) and every child inherits it: the system's espeak-ng would then load
    the bundle's copies of libdbus, libsystemd, libzstd... built for another distribution.
    This process keeps finding its own libraries, because the dynamic loader reads
    LD_LIBRARY_PATH once, at start-up.
    """
    if not getattr(sys, "frozen", False) or "LD_LIBRARY_PATH" not in environ:
        return
    original = environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original:
        environ["LD_LIBRARY_PATH"] = original
    else:
        del environ["LD_LIBRARY_PATH"]


def _warn_missing(program: str) -> None:
    for notice in missing_system_parts():
        print(f"{program}: {notice}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run waves-studio or waves-local; returns the exit status."""
    argv = list(sys.argv if argv is None else argv)
    restore_system_library_path(os.environ)
    program, args = choose_program(argv)
    if program == "local":
        from studio.local.cli import main as local_main

        if not _QUICK_ARGS.intersection(args):
            _warn_missing("waves-local")
        return local_main(args)
    from studio.cli import main as studio_main

    if not _QUICK_ARGS.intersection(args) and "render" not in args:
        _warn_missing("waves-studio")  # the GUI: say what is missing before the window opens
    return studio_main(args)


if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless on Linux; needed if a dependency ever forks
    sys.exit(main())
