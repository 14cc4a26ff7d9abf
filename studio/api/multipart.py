"""Upload bodies: multipart/form-data encoding, and a body that reports how much was sent."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable

ProgressCallback = Callable[[int, int], None]


class ProgressBody(io.RawIOBase):
    """A request body that reports how much of it has been read (sent)."""

    def __init__(self, data: bytes, progress: ProgressCallback | None) -> None:
        self._data = memoryview(data)
        self._pos = 0
        self._progress = progress

    def __len__(self) -> int:
        return len(self._data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._data)}[whence]
        self._pos = max(0, min(base + offset, len(self._data)))
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, size: int = -1) -> bytes:
        end = (
            len(self._data) if size is None or size < 0 else min(self._pos + size, len(self._data))
        )
        piece = bytes(self._data[self._pos : end])
        self._pos = end
        if self._progress is not None:
            self._progress(self._pos, len(self._data))
        return piece


def multipart_body(fields: dict[str, str], file: tuple[str, str, str, bytes]) -> tuple[bytes, str]:
    """Encode form fields and one file as multipart/form-data (RFC 7578)."""
    boundary = f"waves-studio-{uuid.uuid4().hex}"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode("utf-8") + b"\r\n")
    field, filename, mime, payload = file
    safe_name = filename.replace('"', "_").replace("\r", "_").replace("\n", "_")
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{safe_name}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
    )
    out.write(payload + f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"
