"""A long text is rendered one request at a time, and a huge one is refused before it is held."""

import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from studio.api.client import WavesClient
from studio.core.contract import RENDER_MAX_CHARS
from studio.core.errors import CancelledError, ValidationError
from studio.core.textfile import READ_BLOCK_BYTES, read_utf8_text
from studio.pipeline import RenderSpec, render_text
from tests.conftest import WAVES_LOCAL_TEST_KEY
from tests.memory_child import SENTENCE, render_capped


def test_a_long_render_holds_no_list_of_its_requests(waves_local) -> None:
    """At the first audio of 900,000 characters (6,500 requests), under 2 MB more is held."""
    client = WavesClient(waves_local.base_url, WAVES_LOCAL_TEST_KEY)
    spec = RenderSpec("tone-alto", sample_rate=8000, output_format="pcm")
    text = (SENTENCE * 12_500)[:900_000]
    cancel = threading.Event()
    held: list[int] = []

    def on_samples(samples: np.ndarray, rate: int) -> None:
        if not held:
            held.append(tracemalloc.get_traced_memory()[0])
            cancel.set()

    client.voices()  # the connection and its buffers exist before the measure
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        with pytest.raises(CancelledError):
            render_text(client, text, spec, "sse", cancel, on_samples)
    finally:
        tracemalloc.stop()
        client.close()
    # Every request built up front was 5 MB here (pieces, requests and their ids); lazily 0.5 MB.
    assert held and held[0] - before < 2 * 1024 * 1024


def test_a_text_over_the_render_limit_is_refused_before_anything_is_sent(waves_local) -> None:
    """RENDER_MAX_CHARS + 1 characters: a ValidationError that says how to split it."""
    client = WavesClient(waves_local.base_url, WAVES_LOCAL_TEST_KEY)
    try:
        with pytest.raises(ValidationError, match="the most one render takes"):
            render_text(client, "a" * (RENDER_MAX_CHARS + 1), RenderSpec("tone-alto"))
    finally:
        client.close()


def test_a_utf8_file_reads_whole_across_blocks(tmp_path: Path) -> None:
    """Multi-byte characters cut by a block boundary and a BOM read back as the text."""
    text = "é" * (READ_BLOCK_BYTES // 2 + 7) + " 世界。" * 1000
    path = tmp_path / "t.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_utf8_text(path, RENDER_MAX_CHARS) == text


def test_bad_utf8_in_a_later_block_names_its_byte(tmp_path: Path) -> None:
    """The byte offset in the error is the file's, not the block's."""
    path = tmp_path / "t.txt"
    at = READ_BLOCK_BYTES + 11
    path.write_bytes(b"a" * at + b"\xff rest")
    with pytest.raises(ValidationError, match=f"byte {at} is not valid UTF-8"):
        read_utf8_text(path, 2 * READ_BLOCK_BYTES)


def test_an_endless_file_is_refused_after_the_limit(tmp_path: Path) -> None:
    """A device that never ends (/dev/zero) is refused once past the limit, not read forever."""
    with pytest.raises(ValidationError, match="has more than 1,000 characters"):
        read_utf8_text(Path("/dev/zero"), 1000)


@pytest.mark.slow
def test_a_67_mb_file_gets_a_clear_error_within_a_memory_limit(tmp_path: Path) -> None:
    """`render --file` of 67 MB under RLIMIT_AS = warm peak + 100 MB: one sentence, exit 1."""
    short, huge = tmp_path / "short.txt", tmp_path / "huge.txt"
    short.write_text(SENTENCE * 2, encoding="utf-8")
    with huge.open("w", encoding="utf-8") as handle:
        for _ in range(67 * 1024 * 1024 // (len(SENTENCE) * 1000)):
            handle.write(SENTENCE * 1000)
    # Reading the 67 MB file whole (bytes, then text, then its requests) cannot fit in 100 MB.
    done = render_capped(tmp_path, short, huge, tmp_path / "huge.wav", 100, 120)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "the most one render takes" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert not (tmp_path / "huge.wav").exists()
