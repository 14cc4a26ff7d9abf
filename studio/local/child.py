"""waves-local in a child process: the app's offline voices, out of the GUI's memory and GIL."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from studio.core.errors import NetworkError
from studio.local.config import ServerConfig

log = logging.getLogger(__name__)

START_TIMEOUT_S = 30.0  # a cold interpreter on a loaded machine, plus FastAPI's imports
STOP_GRACE_S = 3.0  # after stdin closes, before the child is killed
PARENT_GONE_EXIT_S = 1.5  # a child whose parent died stops serving within this
_LISTENING = re.compile(rb"^listening on (https?://\S+):(\d+)\s*$")
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
KEY_ENV = "WAVES_LOCAL_API_KEY"
LOG_LIMIT_BYTES = 1_000_000  # the child's stderr log is rotated (one old copy) past this


def server_command(frozen: bool | None = None) -> list[str]:
    """How to start waves-local with this program: the frozen app runs its own executable."""
    if frozen if frozen is not None else getattr(sys, "frozen", False):
        return [sys.executable, "local-server"]
    return [sys.executable, "-m", "studio.local.cli"]


class ChildServer:
    """A waves-local server run as a child process on a free loopback port.

    Same surface as `LocalServer` for the app (`base_url`, `config`, `start`, `stop`). The
    child gets a random token of its own (other users of this machine cannot use it), reports
    its port on stdout and watches its parent (stdin EOF, and PR_SET_PDEATHSIG on Linux), so
    it never outlives the app, even after `kill -9`.

    Attributes:
        config: Engine, data folder and the child's token (`api_key`).
    """

    def __init__(
        self,
        config: ServerConfig,
        *,
        log_file: Path | None = None,
        command: Sequence[str] | None = None,
    ) -> None:
        if config.api_key is None:
            from dataclasses import replace

            config = replace(config, api_key="sk_child_" + secrets.token_urlsafe(24))
        self.config = config
        self._log_file = log_file
        self._command = list(command or server_command())
        self._proc: subprocess.Popen[bytes] | None = None
        self._url = ""
        self._ready = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._on_exit: Callable[[object, int], None] | None = None
        self._spawn_error = ""

    def __repr__(self) -> str:
        return f"ChildServer({self.config.engine}, pid={self.pid}, url={self._url or '-'})"

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` as the child reported it ("" before it did)."""
        return self._url

    @property
    def pid(self) -> int | None:
        """The child's process id, once spawned."""
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        """True while the child process lives."""
        return self._proc is not None and self._proc.poll() is None

    def watch_exit(self, callback: Callable[[object, int], None]) -> None:
        """Call `callback(self, exit_code)` (from a worker thread) if the child dies unasked."""
        self._on_exit = callback

    def arguments(self) -> list[str]:
        """The command line (the token goes in the environment: argv is public in `ps`)."""
        c = self.config
        args = [*self._command, "--host", c.host, "--port", str(c.port), "--engine", c.engine]
        if c.data_dir is not None:
            args += ["--data-dir", str(c.data_dir)]
        if c.latency_ms:
            args += ["--latency-ms", str(c.latency_ms)]
        return [*args, "--parent-watch"]

    def start(self) -> None:
        """Spawn the child and return once it accepts connections (call off the GUI thread).

        Raises:
            NetworkError: It could not be spawned, exited early or never reported its port.
        """
        if self.running:
            return
        self._ready.clear()
        self._stopping = False
        self._url = self._spawn_error = ""
        # PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, so a thread that
        # lives exactly as long as the child spawns it (a pool thread would expire and kill it).
        self._thread = threading.Thread(target=self._supervise, name="waves-local-child")
        self._thread.daemon = True
        self._thread.start()
        self._ready.wait(START_TIMEOUT_S)
        if not self._url:
            why = self._spawn_error or "it did not report a port in time"
            self.stop()
            raise NetworkError(f"The offline voices could not start ({why}). See the log.")

    def _supervise(self) -> None:
        log_handle: IO[bytes] | int = subprocess.DEVNULL
        if self._log_file is not None:
            try:
                self._log_file.parent.mkdir(parents=True, exist_ok=True)
                if self._log_file.exists() and self._log_file.stat().st_size > LOG_LIMIT_BYTES:
                    self._log_file.replace(self._log_file.with_name(self._log_file.name + ".1"))
                log_handle = open(self._log_file, "ab")  # noqa: SIM115 - closed below
            except OSError as exc:
                log.warning("waves-local's log cannot be written: %s", exc)
        env = {**os.environ, KEY_ENV: str(self.config.api_key)}
        try:
            proc = subprocess.Popen(
                self.arguments(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_handle,
                env=env,
                close_fds=True,
                # Windows: the console build would otherwise open a console window for it.
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except OSError as exc:
            self._spawn_error = exc.strerror or str(exc)
            self._ready.set()
            return
        finally:
            if not isinstance(log_handle, int):
                log_handle.close()  # the child holds its own descriptor
        self._proc = proc
        assert proc.stdout is not None
        with proc.stdout:  # drained to EOF so the child never blocks on a full pipe
            for line in proc.stdout:
                match = _LISTENING.match(line)
                if match and not self._url:
                    self._url = f"{match.group(1).decode()}:{int(match.group(2))}"
                    self._ready.set()
        code = proc.wait()
        if proc.stdin is not None:
            with contextlib.suppress(OSError):  # a broken pipe: nothing was buffered
                proc.stdin.close()
        if not self._url:
            self._spawn_error = f"it exited with status {code}"
        self._ready.set()
        log.log(logging.INFO if self._stopping else logging.ERROR, "waves-local exited: %s", code)
        if not self._stopping and self._url and self._on_exit is not None:
            self._on_exit(self, code)

    def kill(self) -> None:
        """Kill the child at once (tests of crash handling); the exit callback still runs."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()

    def stop(self) -> None:
        """Ask the child to stop (stdin EOF), kill it after a grace period; safe to repeat."""
        self._stopping = True
        proc = self._proc
        if proc is not None:
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            try:
                proc.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(STOP_GRACE_S)
        self._proc = self._thread = None
        self._url = ""


def watch_parent(stop: threading.Event) -> None:
    """In the child: stop when the parent goes, however it goes (even `kill -9`).

    The parent holds our stdin's write end and never writes; the read returns EOF the moment
    the parent's process is gone. On Linux, PR_SET_PDEATHSIG also kills us with the parent.
    Once the stop is set, a timer makes sure the process is gone within PARENT_GONE_EXIT_S
    even if a synthesis holds the graceful stop.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            # SIGKILL, not SIGTERM: a Python handler only runs between bytecodes of the main
            # thread, which may sit in a long C call (a voice model loading) for seconds. Our
            # data files are written atomically, so nothing is lost by not stopping politely;
            # a normal quit closes stdin first and gets the graceful stop.
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError) as exc:  # musl without prctl, a sandbox
            log.info("PR_SET_PDEATHSIG unavailable: %s", exc)

    def wait_for_eof() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError, AttributeError):
            pass
        stop.set()

    def exit_soon() -> None:
        stop.wait()
        timer = threading.Timer(PARENT_GONE_EXIT_S, os._exit, (0,))
        timer.daemon = True
        timer.start()

    threading.Thread(target=wait_for_eof, name="parent-watch", daemon=True).start()
    threading.Thread(target=exit_soon, name="exit-soon", daemon=True).start()
