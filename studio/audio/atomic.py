"""Crash-safe file saving: write a hidden temp file, fsync it, then rename it into place."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from studio.core.errors import ExportError, FileExistsExportError
from studio.store.atomic import fsync_folder

PARTIAL_MARK = ".partial-"
STALE_AFTER_S = 15 * 60  # an unfinished save older than this was killed; newer may be running
CHUNK_BYTES = 1 << 20


def partial_name(final: Path) -> Path:
    """A fresh temp path beside `final`, e.g. `.take.wav.partial-1a2b3c4d`."""
    return final.with_name(f".{final.name}{PARTIAL_MARK}{secrets.token_hex(4)}")


def is_partial(name: str) -> bool:
    """True for a temp file left by `write_atomically`."""
    return name.startswith(".") and PARTIAL_MARK in name


def remove_stale_partials(folder: Path, max_age_s: float = STALE_AFTER_S) -> list[Path]:
    """Delete temp files of saves that died (kill -9, power cut) and return their paths."""
    removed = []
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not is_partial(entry.name):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if entry.is_file(follow_symlinks=False) and now - info.st_mtime > max_age_s:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def write_atomically(
    path: Path,
    chunks: Iterable[bytes],
    *,
    overwrite: bool = False,
    sweep: bool = True,
    sync_folder: bool = True,
) -> None:
    """Save bytes so that `path` holds either its old content or all of the new, never half.

    The bytes go to a hidden temp file in the same folder (same file system, so the rename
    is atomic), which is flushed and fsynced, then renamed over `path`; the folder is
    fsynced so the rename survives a power cut. Without `overwrite` the rename is a hard
    link, which fails rather than replace a file that appeared meanwhile. `sweep=False` skips
    the scan for stale temp files, `sync_folder=False` the folder's fsync (see `atomic_target`).

    Raises:
        FileExistsExportError: `path` exists and `overwrite` is False.
        ExportError: no permission, read-only or full disk, missing folder…, with a message
            that says what to do. The temp file is removed.
    """
    # The temp file is fsynced through the descriptor that wrote it, not opened again.
    with atomic_target(
        path, overwrite=overwrite, sweep=sweep, sync_folder=sync_folder, sync_temp=False
    ) as temp:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            for chunk in chunks:
                write_chunk(fd, chunk)
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_target(
    path: Path,
    *,
    overwrite: bool,
    sweep: bool = True,
    sync_folder: bool = True,
    sync_temp: bool = True,
) -> Iterator[Path]:
    """Yield a hidden temp path beside `path`; on a clean exit fsync it and rename it into place.

    The one crash-safe save of the app (`write_atomically`, the streamed clip export, the
    mixdown, chapters, split exports). On any error the temp file is removed and OSErrors
    become ExportErrors that say what to do. `sweep` first removes stale temp files of the
    folder; a caller saving thousands of files into one folder (batch) passes False and sweeps
    once itself, as the scan costs O(files) per save. `sync_folder=False` leaves the rename's
    durability to the caller, who must fsync the folder (`fsync_folder`) before it relies on
    the file (batch does once per batch of files, before recording them done).
    `sync_temp=False`: the caller fsynced the temp file itself.
    """
    _check_target(path, overwrite)
    if sweep:
        remove_stale_partials(path.parent)
    temp = partial_name(path)
    try:
        yield temp
        if sync_temp:
            with open(temp, "rb+") as handle:
                os.fsync(handle.fileno())
        _move_into_place(temp, path, overwrite)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise export_error(exc, path) from exc
        raise
    if sync_folder:
        fsync_folder(path.parent)


def write_chunk(fd: int, chunk: bytes) -> None:
    """Write all of `chunk` (os.write may write less than asked)."""
    view = memoryview(chunk)
    while view:
        written = os.write(fd, view[:CHUNK_BYTES])
        view = view[written:]


def check_target(path: Path, overwrite: bool) -> None:
    """Fail now, before any costly work, when `path` could not be saved.

    Raises:
        FileExistsExportError: `path` exists and `overwrite` is False.
        ExportError: the folder is missing, not a folder, read-only or not writable.
    """
    _check_target(path, overwrite)
    if not os.access(path.parent, os.W_OK):
        read_only = bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
        code = errno.EROFS if read_only else errno.EACCES
        raise export_error(OSError(code, os.strerror(code)), path)


def _check_target(path: Path, overwrite: bool) -> None:
    try:
        info = os.stat(path.parent)  # names the real problem: missing, not a folder, no access
    except OSError as exc:
        raise export_error(exc, path) from exc
    if not stat.S_ISDIR(info.st_mode):
        raise export_error(OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)), path)
    if path.is_dir():
        raise ExportError(f"{path} is a folder. Choose a file name.")
    if path.exists() and not overwrite:
        raise FileExistsExportError(str(path))


def _move_into_place(temp: Path, path: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp, path)
        return
    try:
        os.link(temp, path)  # atomic "create only if absent"
    except FileExistsError:
        raise FileExistsExportError(str(path)) from None
    except OSError:
        # Some file systems (FAT, some network shares) have no hard links.
        if path.exists():
            raise FileExistsExportError(str(path)) from None
        os.replace(temp, path)
        return
    os.unlink(temp)


def export_error(exc: OSError, path: Path) -> ExportError:
    """Translate an OSError met while saving `path` into an ExportError saying what to do."""
    folder, name = path.parent, path.name
    messages = {
        errno.EACCES: f"You don't have permission to save in {folder}. Choose another folder.",
        errno.EPERM: f"You don't have permission to save in {folder}. Choose another folder.",
        errno.EROFS: f"{folder} is on a read-only disk. Choose another folder.",
        errno.ENOSPC: f"The disk is full: there is no room for {name} in {folder}. Free some "
        "space or choose another folder.",
        errno.EDQUOT: f"Your disk quota is used up: there is no room for {name} in {folder}. "
        "Free some space or choose another folder.",
        errno.EFBIG: f"{name} is too large for this disk (or for your file size limit). Choose "
        "another folder or a compressed format such as FLAC or MP3.",
        errno.ENOENT: f"The folder {folder} does not exist. Choose another folder.",
        errno.ENOTDIR: f"{folder} is not a folder. Choose another folder.",
        errno.ENAMETOOLONG: f"The file name {name} is too long. Choose a shorter name.",
        errno.EISDIR: f"{path} is a folder. Choose a file name.",
    }
    message = messages.get(exc.errno or 0)
    if message is None:
        message = f"Could not save {name} in {folder}: {exc.strerror or exc}. Try another folder."
    return ExportError(message)
