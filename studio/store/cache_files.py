"""The render cache's files: staging a blob outside the index lock, and sweeping debris safely.

A put links (or copies) the render into the cache under a temp name before it takes the index's
write lock, so the workers' blob I/O runs side by side; only the rename to the final name and
the index row happen under the lock. The temp name carries its writer's token, and each writer
holds an exclusive `flock` on `writers/<token>.lock` while its cache is open. An opener sweeping
debris removes a temp file only when that lock is free (its writer exited or was killed: the
kernel drops the lock), never the file of a put still in flight in another process.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import secrets
import shutil
from pathlib import Path

WRITERS = "writers"
PARTIAL = ".partial"


class WriterLock:
    """This cache object's token, held as an exclusive flock on `folder/writers/<token>.lock`.

    Attributes:
        token: Goes into this writer's temp file names.
    """

    def __init__(self, folder: Path) -> None:
        """Create and lock the token file.

        Raises:
            OSError: the folder is not writable.
        """
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._puts = itertools.count()  # threads putting one key at once get their own names
        self._path = folder / WRITERS / f"{self.token}.lock"
        self._path.parent.mkdir(parents=True, exist_ok=True)
        # Locked under another name first: a sweeper never sees this token's file unlocked.
        fresh = self._path.with_suffix(".new")
        self._fd: int | None = os.open(fresh, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            os.replace(fresh, self._path)
        except BaseException:
            os.close(self._fd)
            fresh.unlink(missing_ok=True)
            raise

    def release(self) -> None:
        """Drop the token file and its lock (idempotent)."""
        if self._fd is not None:
            self._path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None

    def temp_name(self, final: Path) -> Path:
        """A temp name beside `final`, unique to this put, that says which writer owns it."""
        return final.with_name(f".{final.name}.{self.token}~{next(self._puts)}{PARTIAL}")


def make_blob_folders(folder: Path) -> None:
    """Make the 256 blob folders (`00`…`ff`) of a new cache, once: otherwise the first put
    into each makes its own, and a batch into a new profile pays 256 folder creations on its
    hot path.

    Raises:
        OSError: the folder is not writable.
    """
    if (folder / "ff").is_dir():
        return
    for n in range(256):
        (folder / f"{n:02x}").mkdir(exist_ok=True)


def stage(source: Path, temp: Path) -> None:
    """Give `source`'s content the name `temp`: a hard link (the bytes stay on disk once), or
    a fsynced copy where the file system has no hard links. Call without the index lock.

    Raises:
        OSError: `source` is missing or the folder is not writable (`temp` is removed).
    """
    try:
        try:
            _link(source, temp)  # temp names are unique to their put: nothing to replace
        except OSError:
            temp.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, temp)
            with open(temp, "rb") as handle:
                os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _link(source: Path, temp: Path) -> None:
    """os.link, making the blob's subfolder the first time (one syscall per put after that)."""
    try:
        os.link(source, temp)
    except FileNotFoundError:
        if not source.exists():
            raise
        temp.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, temp)


def remove_debris(folder: Path, keep: set[str]) -> None:
    """Delete final blobs whose key is not in `keep`, and temp files whose writer is gone.

    Final names appear only under the index's write lock, which the caller holds, so an
    unindexed one is a killed writer's; a temp file may belong to a live put and stays.
    """
    if not folder.is_dir():
        return
    live: dict[str, bool] = {}
    for sub in folder.iterdir():
        if len(sub.name) != 2 or not sub.is_dir():
            continue
        for blob in sub.iterdir():
            if blob.name.endswith(PARTIAL):
                token = blob.name[: -len(PARTIAL)].rsplit(".", 1)[-1].split("~")[0]
                if token not in live:
                    live[token] = _writer_alive(folder, token)
                if not live[token]:
                    blob.unlink(missing_ok=True)
            elif blob.name.split(".")[0] not in keep:
                blob.unlink(missing_ok=True)
    _sweep_writers(folder)


def _writer_alive(folder: Path, token: str) -> bool:
    """Whether the writer `token` still holds its lock (an unknown token is a dead one)."""
    path = folder / WRITERS / f"{token}.lock"
    if "/" in token or not path.is_file():
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops the lock if we got it
    return False


def _sweep_writers(folder: Path) -> None:
    """Remove the token files of writers that were killed (their lock is free)."""
    writers = folder / WRITERS
    if not writers.is_dir():
        return
    for path in writers.glob("*.lock"):
        if not _writer_alive(folder, path.name[: -len(".lock")]):
            path.unlink(missing_ok=True)


def file_digest(path: Path) -> tuple[int, str]:
    """Size and sha256 of a file, read in blocks; (0, "") when it is missing."""
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
                size += len(block)
    except FileNotFoundError:
        return 0, ""
    return size, digest.hexdigest()
