"""A loopback TCP proxy that can throttle uploads and cut the connection after N bytes."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class SlowProxy:
    """Forwards one port to another; client→server bytes at `rate` B/s, cut after `cut_after`.

    Attributes:
        port: Where clients connect.
        sent: Client bytes forwarded so far.
    """

    def __init__(self, target_port: int, rate: float = 0.0, cut_after: int | None = None) -> None:
        self.target_port = target_port
        self.rate = rate
        self.cut_after = cut_after
        self.sent = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._host_here = f"Host: 127.0.0.1:{self.port}".encode()
        self._host_there = f"Host: 127.0.0.1:{target_port}".encode()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, upstream]
            for target, args in ((self._up, (client, upstream)), (self._down, (upstream, client))):
                thread = threading.Thread(target=target, args=args, daemon=True)
                thread.start()
                self._threads.append(thread)

    def _up(self, client: socket.socket, upstream: socket.socket) -> None:
        start = time.monotonic()
        try:
            while piece := client.recv(4096):
                # waves-local serves only a Host naming its own port (DNS-rebinding guard).
                piece = piece.replace(self._host_here, self._host_there)
                if self.cut_after is not None and self.sent + len(piece) > self.cut_after:
                    break
                upstream.sendall(piece)
                self.sent += len(piece)
                if self.rate:
                    ahead = self.sent / self.rate - (time.monotonic() - start)
                    if ahead > 0:
                        self._closed.wait(ahead)
        except OSError:
            pass
        for sock in (client, upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _down(self, upstream: socket.socket, client: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while piece := upstream.recv(65536):
                client.sendall(piece)

    def close(self) -> None:
        """Stop accepting, end every connection and wait for the pumps."""
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        for sock in self._sockets:
            sock.close()
