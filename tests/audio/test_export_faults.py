"""Saving survives kill -9, a full disk and missing permissions: clear errors, no half files."""

import contextlib
import errno
import os
import select
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from studio.audio import atomic, codecs
from studio.audio.decode import decode
from studio.audio.export import export_audio
from studio.core.errors import ExportError

ROOT = Path(__file__).resolve().parents[2]
BIG = 8000 * 600  # ten minutes at 8 kHz: a 9.6 MB WAV


def run_python(code: str, *args: str, **popen: object) -> subprocess.Popen[str]:
    """Start a Python child (this venv) running `code` with the repository importable."""
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        **popen,
    )  # fmt: skip


def read_line(child: subprocess.Popen[str], timeout: float = 60) -> str:
    """The child's next stdout line, waiting at most `timeout` seconds."""
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], timeout)
    assert ready, "the child did not report in time"
    return child.stdout.readline().strip()


KILLED_MID_WRITE = """
    import os, sys
    import numpy as np
    from studio.audio import atomic
    from studio.audio.export import export_audio

    real_write = atomic.write_chunk

    def half_then_hang(fd, chunk):
        real_write(fd, chunk[: len(chunk) // 2])
        os.fsync(fd)
        print("HALF", flush=True)
        sys.stdin.readline()  # the parent kills us here, mid-write
        real_write(fd, chunk[len(chunk) // 2 :])

    atomic.write_chunk = half_then_hang
    tone = (0.5 * np.sin(np.arange({big}) * 0.3)).astype(np.float32)
    export_audio(tone, 8000, sys.argv[1], "wav", overwrite=sys.argv[2] == "1")
    print("DONE", flush=True)
"""


@pytest.mark.parametrize("existing", [False, True])
def test_kill_9_mid_write_never_leaves_a_half_file(tmp_path: Path, existing: bool) -> None:
    """A save SIGKILLed halfway leaves no file (or the old one intact); the next save cleans up."""
    target = tmp_path / "take.wav"
    old = codecs.wav_bytes(np.zeros(800, np.float32), 8000)
    if existing:
        target.write_bytes(old)
    child = run_python(KILLED_MID_WRITE.format(big=BIG), str(target), "1" if existing else "0")
    try:
        assert read_line(child) == "HALF"
        partials = [p for p in tmp_path.iterdir() if atomic.is_partial(p.name)]
        assert len(partials) == 1 and partials[0].name.startswith(".take.wav.partial-")
        assert partials[0].stat().st_size > 1_000_000  # really mid-way through a large file
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    if existing:
        assert target.read_bytes() == old
    else:
        assert not target.exists()
    # The dead save's temp file is swept by the next save to the folder once it is stale.
    stale = time.time() - atomic.STALE_AFTER_S - 60
    os.utime(partials[0], (stale, stale))
    tone = (0.5 * np.sin(np.arange(BIG) * 0.3)).astype(np.float32)
    export_audio(tone, 8000, target, "wav", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["take.wav"]
    assert len(decode(target.read_bytes(), "wav", 8000).samples) == BIG


def test_only_stale_partials_are_swept(tmp_path: Path) -> None:
    """A recent temp file may be another save still running, so it is kept."""
    old, fresh, other = (
        tmp_path / ".a.wav.partial-1111",
        tmp_path / ".b.wav.partial-2222",
        tmp_path / ".hidden",
    )
    for path in (old, fresh, other):
        path.write_bytes(b"x")
    stale = time.time() - atomic.STALE_AFTER_S - 1
    os.utime(old, (stale, stale))
    export_audio(np.zeros(80, np.float32), 8000, tmp_path / "c.wav", "wav")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".b.wav.partial-2222", ".hidden", "c.wav"]


NO_PERMISSION = """
    import os, sys
    import numpy as np
    from studio.audio.export import export_audio
    from studio.core.errors import ExportError

    os.setgid(65534)
    os.setuid(65534)  # "nobody": root's bypass of file permissions is gone from here on
    try:
        export_audio(np.zeros(80, np.float32), 8000, sys.argv[1], "wav")
    except ExportError as exc:
        print("ExportError:", exc.user_message, flush=True)
"""


def test_a_folder_without_write_permission_gives_a_clear_error() -> None:
    """Saving where the user may not write says so and suggests another folder."""
    folder = Path(tempfile.mkdtemp(prefix="studio-ro-"))
    try:
        folder.chmod(0o555)
        target = folder / "take.wav"
        if os.geteuid() == 0:  # root ignores modes: drop to "nobody" in a child process
            child = run_python(NO_PERMISSION, str(target))
            out, err = child.communicate(timeout=60)
            assert child.returncode == 0, err
            message = out.strip()
        else:
            with pytest.raises(ExportError) as caught:
                export_audio(np.zeros(80, np.float32), 8000, target, "wav")
            message = "ExportError: " + caught.value.user_message
        assert message == (
            f"ExportError: You don't have permission to save in {folder}. Choose another folder."
        )
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)
        folder.rmdir()


def test_a_path_under_a_regular_file_or_missing_folder(tmp_path: Path) -> None:
    """A "folder" that is a file, and a folder that does not exist, are named as such."""
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ExportError, match=r"notes.txt/sub is not a folder"):
        export_audio(np.zeros(8, np.float32), 8000, tmp_path / "notes.txt" / "sub" / "a.wav", "wav")
    with pytest.raises(ExportError, match="does not exist"):
        export_audio(np.zeros(8, np.float32), 8000, tmp_path / "nope" / "a.wav", "wav")


@contextlib.contextmanager
def tiny_tmpfs(where: Path, options: str) -> Iterator[bool]:
    """Mount a tmpfs at `where` if this process may (root with CAP_SYS_ADMIN); yield success."""
    where.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True,
        check=False,
    ).returncode == 0  # fmt: skip
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(where)], check=True)


DISK_FULL_BY_RLIMIT = """
    import resource, signal, sys
    import numpy as np
    from studio.audio.export import export_audio
    from studio.core.errors import ExportError

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
    try:
        export_audio(np.zeros(8000 * 60, np.float32), 8000, sys.argv[1], "wav")
    except ExportError as exc:
        print(exc.user_message, flush=True)
"""


def test_a_full_disk_gives_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    """Out of space mid-save: ExportError saying so, no final file, no temp file."""
    mount = tmp_path / "small"
    with tiny_tmpfs(mount, "size=64k") as mounted:
        target = mount / "take.wav"
        if mounted:  # a real full file system
            with pytest.raises(ExportError) as caught:
                export_audio(np.zeros(8000 * 60, np.float32), 8000, target, "wav")
            message = caught.value.user_message
            assert message.startswith("The disk is full: there is no room for take.wav")
        else:  # no mount privilege: a file size limit makes the kernel refuse the same way
            child = run_python(DISK_FULL_BY_RLIMIT, str(target))
            out, err = child.communicate(timeout=60)
            assert child.returncode == 0, err
            assert out.startswith("take.wav is too large for this disk")
        assert list(mount.iterdir()) == []


def test_enospc_from_the_kernel_is_reported_as_a_full_disk() -> None:
    """/dev/full refuses every write with ENOSPC; the writer surfaces it as "disk is full"."""
    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        with pytest.raises(OSError) as caught:
            atomic.write_chunk(fd, b"\x00" * 4096)
    finally:
        os.close(fd)
    assert caught.value.errno == errno.ENOSPC
    error = atomic.export_error(caught.value, Path("/music/take.wav"))
    assert error.user_message.startswith("The disk is full: there is no room for take.wav")


def test_a_read_only_file_system_gives_a_clear_error(tmp_path: Path) -> None:
    """Saving onto a read-only mount says the disk is read-only."""
    with tiny_tmpfs(tmp_path / "ro", "ro,size=64k") as mounted:
        if not mounted:
            pytest.skip("mounting a read-only tmpfs needs root with CAP_SYS_ADMIN")
        with pytest.raises(ExportError, match="read-only disk"):
            export_audio(np.zeros(8, np.float32), 8000, tmp_path / "ro" / "a.wav", "wav")


STREAMED_SAVE = """
    import resource, signal, sys, tempfile
    from pathlib import Path
    import numpy as np
    from studio.audio.clipfile import clip_from_samples
    from studio.audio.export_stream import export_clip_file
    from studio.core.errors import ExportError

    noise = np.random.default_rng(0).uniform(-0.5, 0.5, 16000 * 30).astype(np.float32)
    clip = clip_from_samples(noise, 16000, "pcm", Path(tempfile.mkdtemp()))
    if sys.argv[2] == "limit":  # no mount privilege: a file size limit refuses writes alike
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
    try:
        export_clip_file(clip, sys.argv[1], sys.argv[3])
    except ExportError as exc:
        print(exc.user_message, flush=True)
"""


@pytest.mark.parametrize("fmt", ["flac", "ogg", "mp3"])
def test_a_full_disk_under_libsndfile_is_named(tmp_path: Path, fmt: str) -> None:
    """Saving a file-backed clip through libsndfile onto a full disk says the disk is full
    (libsndfile itself only says "System error"), and leaves no file behind."""
    mount = tmp_path / "small"
    with tiny_tmpfs(mount, "size=64k") as mounted:
        target = mount / f"take.{fmt}"
        child = run_python(STREAMED_SAVE, str(target), "mount" if mounted else "limit", fmt)
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        if mounted:
            assert out.startswith(f"The disk is full: there is no room for take.{fmt}")
        else:
            assert out.startswith(f"take.{fmt} is too large for this disk")
        assert list(mount.iterdir()) == []


def test_a_read_only_disk_under_libsndfile_is_named(tmp_path: Path) -> None:
    """A FLAC save onto a read-only mount names the read-only disk, not "System error"."""
    from studio.audio.clipfile import clip_from_samples
    from studio.audio.export_stream import export_clip_file

    clip = clip_from_samples(np.zeros(800, np.float32), 8000, "pcm", tmp_path / "clips")
    with tiny_tmpfs(tmp_path / "ro", "ro,size=64k") as mounted:
        if not mounted:
            pytest.skip("mounting a read-only tmpfs needs root with CAP_SYS_ADMIN")
        with pytest.raises(ExportError, match="read-only disk"):
            export_clip_file(clip, tmp_path / "ro" / "a.flac", "flac")
