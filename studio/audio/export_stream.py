"""Save a file-backed clip in any export format, in blocks: memory stays flat for any length."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from studio.audio import codecs
from studio.audio.atomic import atomic_target, write_atomically
from studio.audio.clipfile import read_all, read_blocks
from studio.audio.export import _SOUNDFILE_FORMATS, _check_format, export_audio, processed
from studio.audio.mp3_export import Mp3Options, encode_mp3, tagged_chunks, write_mp3
from studio.core.errors import ExportError
from studio.core.render import ClipFile

_COPY_BYTES = 1 << 20


def export_clip_file(
    clip: ClipFile,
    path: str | os.PathLike[str],
    export_format: str,
    *,
    overwrite: bool = False,
    target_lufs: float | None = None,
    true_peak_db: float = -1.0,
    trim: bool = False,
    sweep: bool = True,
) -> Path:
    """Save `clip` atomically in `export_format`.

    The rendered format with no processing keeps the server's bytes (MP3 of one stream,
    μ-law, A-law) or rebuilds PCM16 bit-exact from the lossless file; every other format is
    transcoded block by block. Loudness normalisation and trimming need the whole signal, so
    with those options the clip is decoded into memory first. `sweep=False` skips the scan of
    the folder for stale temp files (a batch saving thousands of files sweeps once itself).

    Raises:
        FileExistsExportError: the file exists and `overwrite` is False.
        ExportError: bad format, no permission, disk full, missing folder…
        DecodeError: the stored audio does not decode.
    """
    _check_format(export_format)
    target = Path(path)
    if target_lufs is not None or trim:
        return export_audio(
            read_all(clip),
            clip.sample_rate,
            target,
            export_format,
            overwrite=overwrite,
            target_lufs=target_lufs,
            true_peak_db=true_peak_db,
            trim=trim,
        )
    kept = clip.file_format in ("mp3", "ulaw", "alaw", "pcm")  # the server's bytes, as they came
    if (
        export_format == clip.file_format
        and kept
        and (export_format != "mp3" or clip.mp3_streams <= 1)
    ):
        write_atomically(target, _file_chunks(clip.path), overwrite=overwrite, sweep=sweep)
    elif export_format in _SOUNDFILE_FORMATS or export_format == "mp3":
        _save_with_soundfile(clip, target, export_format, overwrite, sweep)
    else:
        chunks = _encoded_chunks(clip, export_format)
        write_atomically(target, chunks, overwrite=overwrite, sweep=sweep)
    return target


def export_clip_mp3(
    clip: ClipFile,
    path: str | os.PathLike[str],
    mp3: Mp3Options,
    *,
    overwrite: bool = False,
    target_lufs: float | None = None,
    true_peak_db: float = -1.0,
    trim: bool = False,
) -> Path:
    """Save `clip` atomically as a tagged MP3 at `mp3`'s bitrate.

    Always re-encoded: a clip rendered as MP3 has the server's bitrate, not the one the user
    picked. Without loudness or trim options the clip is encoded block by block from its file
    (constant memory for any length); with them the whole signal is needed, and it is read
    for this save only (never kept on the clip, which may be an hour long).

    Raises:
        FileExistsExportError: the file exists and `overwrite` is False.
        ExportError: the encoder failed, no permission, disk full, missing folder…
        DecodeError: the stored audio does not decode.
    """
    target, rate = Path(path), clip.sample_rate
    if target_lufs is not None or trim:
        samples = processed(read_all(clip), rate, target_lufs, true_peak_db, trim)
        write_atomically(target, [encode_mp3(samples, rate, mp3)], overwrite=overwrite)
        return target
    with tempfile.TemporaryFile() as encoded:
        write_mp3(read_blocks(clip), rate, mp3, encoded)
        write_atomically(target, tagged_chunks(encoded, mp3.title, mp3.artist), overwrite=overwrite)
    return target


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while data := handle.read(_COPY_BYTES):
            yield data


def _encoded_chunks(clip: ClipFile, export_format: str) -> Iterator[bytes]:
    """Headerless formats and WAV, whose header needs only the frame count known up front."""
    rate, frames = clip.sample_rate, clip.frames
    if export_format == "wav":
        yield codecs.wav_header(rate, frames * 2)
    elif export_format == "wav_float":
        yield codecs.float_wav_header(rate, frames)
    encode: Callable[[np.ndarray], bytes] = {
        "wav": codecs.float_to_pcm16,
        "pcm": codecs.float_to_pcm16,
        "wav_float": lambda x: x.astype("<f4").tobytes(),
        "ulaw": lambda x: codecs.int16_to_ulaw(codecs.float_to_int16(x)),
        "alaw": lambda x: codecs.int16_to_alaw(codecs.float_to_int16(x)),
    }[export_format]
    written = 0
    for block in read_blocks(clip):
        kept = block[: max(0, frames - written)]  # the header promised `frames`
        written += len(kept)
        yield encode(kept)
    if written < frames:
        # Decoding the whole file may give a few samples fewer than the live decode (an MP3
        # without per-piece tags loses its decoder delay once, not per piece): pad with
        # silence so the header stays true.
        yield encode(np.zeros(frames - written, np.float32))


def _save_with_soundfile(
    clip: ClipFile, target: Path, export_format: str, overwrite: bool, sweep: bool = True
) -> None:
    """FLAC, Ogg Vorbis and MP3 through libsndfile, written to a temp file then moved in."""
    import soundfile

    container, subtype = _SOUNDFILE_FORMATS.get(export_format, ("MP3", "MPEG_LAYER_III"))
    with atomic_target(target, overwrite=overwrite, sweep=sweep) as temp:
        # Created here first: a folder that refuses files fails with the OS's reason, not
        # libsndfile's "System error".
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        try:
            with soundfile.SoundFile(
                temp, "w", clip.sample_rate, 1, subtype, format=container
            ) as out:
                for block in read_blocks(clip):
                    out.write(np.clip(block, -1.0, 1.0))
        except (RuntimeError, ValueError) as exc:  # LibsndfileError is a RuntimeError
            _raise_write_error(temp)
            raise ExportError(f"Could not encode the clip as {export_format}: {exc}") from exc


def _raise_write_error(temp: Path) -> None:
    """Raise the OSError behind a libsndfile write failure, if it was the disk's.

    libsndfile reports a full disk (or a file size limit) only as "System error"; one more
    write to the doomed temp file asks the kernel, which names it (ENOSPC, EDQUOT, EFBIG).
    Returns when the disk takes the write: then the encoder itself failed.
    """
    try:
        with open(temp, "ab") as handle:
            handle.write(bytes(1 << 16))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise exc from None
