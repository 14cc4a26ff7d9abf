"""PyAV decoding: streamed MP3 matches an independent decoder, media files decode in one call."""

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.audio import codecs
from studio.audio.decode import StreamDecoder
from studio.audio.media import decode_file
from studio.core.errors import DecodeError
from tests.audio.signals import speech_like


@pytest.mark.parametrize("rate", [8000, 16000, 24000, 44100])
def test_streamed_mp3_matches_libsndfile_sample_for_sample(rate: int) -> None:
    """FFmpeg fed 4 KiB chunks, delay trimmed, equals mpg123's gapless one-shot decode."""
    data = codecs.mp3_bytes(speech_like(1.5, rate), rate)
    reference, ref_rate = soundfile.read(io.BytesIO(data), dtype="float32")
    decoder = StreamDecoder("mp3", rate)
    parts = [decoder.feed(data[at : at + 4096]) for at in range(0, len(data), 4096)]
    got = np.concatenate([*parts, decoder.finish()])
    assert decoder.sample_rate == ref_rate == rate
    assert len(got) == len(reference)  # same alignment: delay and padding trimmed alike
    np.testing.assert_allclose(got, reference, atol=2e-5)


def _encode(path: Path, container: str, codec: str, rate: int, tone: np.ndarray) -> None:
    import av

    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        size = 960
        for at in range(0, len(tone), size):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(tone[at : at + size]).reshape(1, -1),
                format="fltp",
                layout="mono",
            )
            frame.sample_rate, frame.pts = rate, at
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


@pytest.mark.parametrize(
    ("suffix", "container", "codec", "rate"),
    [
        ("m4a", "mp4", "aac", 44100),
        ("webm", "webm", "libopus", 48000),
        ("opus", "ogg", "libopus", 48000),
    ],
)
def test_decode_file_reads_clone_sample_formats(
    tmp_path: Path, suffix: str, container: str, codec: str, rate: int
) -> None:
    """M4A, WebM and Opus recordings decode to mono float at their rate, the right pitch."""
    tone = (0.4 * np.sin(2 * np.pi * 440 * np.arange(rate) / rate)).astype(np.float32)
    path = tmp_path / f"sample.{suffix}"
    _encode(path, container, codec, rate, tone)
    samples, got_rate = decode_file(path)
    assert got_rate == rate and samples.dtype == np.float32 and samples.ndim == 1
    assert abs(len(samples) - len(tone)) < 0.05 * rate
    spectrum = np.abs(np.fft.rfft(samples[: rate // 2]))
    assert abs(np.argmax(spectrum) * 2 - 440) <= 4  # bins are 2 Hz wide


def test_decode_file_refuses_garbage_and_missing_files(tmp_path: Path) -> None:
    """A missing or non-media file is a DecodeError naming the file."""
    with pytest.raises(DecodeError, match="does not exist"):
        decode_file(tmp_path / "absent.m4a")
    junk = tmp_path / "junk.webm"
    junk.write_bytes(b"not audio at all" * 50)
    with pytest.raises(DecodeError, match=r"junk\.webm"):
        decode_file(junk)
