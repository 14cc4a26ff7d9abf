"""ExportService: saves clips off the GUI thread, names them sensibly, asks before overwriting."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal

from studio.audio.filenames import suggest_file_name
from studio.audio.formats import (
    BITRATES,
    EXPORT_FORMATS,
    VBR,
    Mp3Options,
    file_extension,
    max_bitrate,
)
from studio.core.errors import FileExistsExportError
from studio.pipeline import ExportOptions, Rendered, export_rendered
from studio.services.messages import MessageBus, user_message
from studio.services.settings import Settings
from studio.services.tasks import TaskContext, TaskRunner
from studio.store.atomic import link_file

log = logging.getLogger(__name__)

EXPORT_FILTERS = {
    "wav": "WAV 16-bit (*.wav)",
    "wav_float": "WAV 32-bit float (*.wav)",
    "flac": "FLAC (*.flac)",
    "ogg": "Ogg Vorbis (*.ogg)",
    "mp3": "MP3 (*.mp3)",  # at the remembered bitrate (export/mp3_bitrate)
    **{f"mp3@{kbps}": f"MP3 {kbps} kbps (*.mp3)" for kbps in BITRATES},
    f"mp3@{VBR}": "MP3 VBR, variable bitrate (*.mp3)",
    "pcm": "Raw PCM, 16-bit little-endian (*.pcm *.raw)",
    "ulaw": "Raw μ-law (*.ulaw *.ul)",
    "alaw": "Raw A-law (*.alaw *.al)",
}
# What the save dialog lists: the plain "MP3" entry is left out, its bitrates stand for it.
DIALOG_FILTERS = [label for fmt, label in EXPORT_FILTERS.items() if fmt != "mp3"]
_BY_EXTENSION = {".raw": "pcm", ".ul": "ulaw", ".al": "alaw"} | {
    f".{file_extension(fmt)}": fmt for fmt in EXPORT_FORMATS if fmt != "wav_float"
}


def split_format(fmt: str) -> tuple[str, int | None]:
    """ "mp3@192" -> ("mp3", 192); "mp3@0" is VBR; any other format -> (fmt, None)."""
    base, _, bitrate = fmt.partition("@")
    return base, int(bitrate) if bitrate.isdigit() else None


def default_folder() -> str:
    """Where a first save goes: the platform's Music folder, else Documents, else home."""
    for kind in (
        QStandardPaths.StandardLocation.MusicLocation,
        QStandardPaths.StandardLocation.DocumentsLocation,
    ):
        folder = QStandardPaths.writableLocation(kind)
        if folder and Path(folder).is_dir():
            return folder
    return str(Path.home())


class ExportService(QObject):
    """Writes clips with studio.audio.export (atomic) on its own disk worker.

    Signals:
        export_finished(str path)
        overwrite_requested(object Rendered, str path, str format): the file exists; the UI
            asks, then calls save(rendered, path, format, overwrite=True).
        drag_file_ready(str path): a WAV of the last render exists for drag and copy.
    """

    export_finished = Signal(str)
    overwrite_requested = Signal(object, str, str)
    drag_file_ready = Signal(str)

    def __init__(
        self,
        settings: Settings,
        messages: MessageBus,
        scratch_dir: Path,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._messages = messages
        self._scratch = scratch_dir
        self._tasks = tasks or TaskRunner(max_threads=1, parent=self)
        self.last_folder = ""
        # The voice's display name for a file's artist tag (set by the bundle; ids otherwise).
        self.voice_name: Callable[[str], str] = str
        self._drag_path: Path | None = None
        self._tasks.submit(self._clear_scratch, on_failure=self._on_drag_failed)

    def options(self) -> ExportOptions:
        """Loudness and trim options from the preferences."""
        return ExportOptions(
            normalize_lufs=float(self._settings.get("export/target_lufs"))
            if self._settings.get("export/normalize")
            else None,
            true_peak_db=float(self._settings.get("export/true_peak_db")),
            trim_silence=bool(self._settings.get("export/trim_silence")),
        )

    def file_name(self, rendered: Rendered, fmt: str, when: dt.datetime | None = None) -> str:
        """The file name the template gives for this render."""
        return suggest_file_name(
            str(self._settings.get("export/name_template")),
            date=when or dt.datetime.now(),
            voice=rendered.spec.voice_id,
            text=rendered.text,
            ext=file_extension(fmt),
        )

    def suggestion(self, rendered: Rendered, when: dt.datetime | None = None) -> tuple[Path, str]:
        """(suggested path, file-dialog filter) for saving a render made at `when` (now)."""
        fmt = str(self._settings.get("export/format"))
        folder = self.last_folder or str(self._settings.get("export/folder")) or default_folder()
        name = self.file_name(rendered, fmt, when)
        if fmt == "mp3":
            fmt = f"mp3@{self._settings.get('export/mp3_bitrate')}"
        return Path(folder) / name, EXPORT_FILTERS[fmt]

    @staticmethod
    def format_for(path: str, chosen_filter: str) -> str:
        """The format a typed extension asks for, else the dialog's filter, else WAV.

        "clip.mp3" typed under the WAV filter is an MP3; a .wav under the float filter stays
        float WAV.
        """
        chosen = next(
            (fmt for fmt, label in EXPORT_FILTERS.items() if label == chosen_filter), None
        )
        typed = _BY_EXTENSION.get(Path(path).suffix.lower())
        if typed is not None and not (typed == "wav" and chosen == "wav_float"):
            if typed == "mp3" and chosen is not None and chosen.startswith("mp3"):
                return chosen  # keeps the bitrate the filter names
            return typed
        return chosen or "wav"

    @staticmethod
    def final_path(path: Path, fmt: str) -> Path:
        """`path` with the format's extension added when it has none."""
        return path if path.suffix else path.with_suffix(f".{file_extension(fmt)}")

    def save(self, rendered: Rendered, path: Path, fmt: str, overwrite: bool = False) -> None:
        """Write the render to `path` in `fmt`; existing files trigger overwrite_requested.

        `fmt` is an export format, or "mp3@KBPS" ("mp3@0": VBR) for an MP3 at that bitrate;
        a plain "mp3" uses the remembered bitrate. MP3s carry title and artist tags.
        """
        base, bitrate = split_format(fmt)
        path = self.final_path(path, base)
        options = self.options()
        mp3: Mp3Options | None = None
        if base == "mp3":
            if bitrate is None:
                bitrate = int(self._settings.get("export/mp3_bitrate"))
            else:
                self._settings.set("export/mp3_bitrate", bitrate)
            title = " ".join(rendered.text.split())
            title = title if len(title) <= 80 else title[:79] + "…"
            mp3 = Mp3Options(bitrate, title, self.voice_name(rendered.spec.voice_id))
            top = max_bitrate(rendered.sample_rate)
            if bitrate > top:
                self._messages.info(
                    f"MP3 at {rendered.sample_rate / 1000:g} kHz goes up to {top} kbps: "
                    f"saving at {top} kbps (render at 44.1 kHz for more)."
                )

        def write(ctx: TaskContext) -> str:
            if mp3 is None:
                export_rendered(rendered, path, base, overwrite=overwrite, options=options)
            else:
                from studio.audio.export_stream import export_clip_mp3  # numpy: on first save

                export_clip_mp3(
                    rendered.audio,
                    path,
                    mp3,
                    overwrite=overwrite,
                    target_lufs=options.normalize_lufs,
                    true_peak_db=options.true_peak_db,
                    trim=options.trim_silence,
                )
            return str(path)

        self._tasks.submit(
            write, self._on_saved, partial(self._on_failed, rendered, str(path), fmt)
        )

    def _on_saved(self, path: str) -> None:
        self.last_folder = str(Path(path).parent)
        self._messages.info(f"Saved {path}")
        self.export_finished.emit(path)

    def _on_failed(self, rendered: Rendered, path: str, fmt: str, exc: BaseException) -> None:
        if isinstance(exc, FileExistsExportError):
            self.overwrite_requested.emit(rendered, path, fmt)
            return
        message = user_message(exc, f"Saving {path} failed")
        self._messages.error(f"The clip was not saved. {message}")

    def prepare_drag_file(self, rendered: Rendered) -> None:
        """Write the render as WAV in the scratch folder, for drag-and-drop and the clipboard.

        A long render is not copied: the drag file is a second name (hard link) for its stored
        file (FLAC, MP3, μ-law or A-law), so it costs no disk space and no time.
        """
        fmt = rendered.audio.file_format if rendered.is_long else "wav"
        path = self._scratch / self.file_name(rendered, fmt)
        previous, self._drag_path = self._drag_path, path

        def write(ctx: TaskContext) -> str:
            path.parent.mkdir(parents=True, exist_ok=True)
            if fmt == "wav":
                export_rendered(rendered, path, "wav", overwrite=True)
            else:
                link_file(rendered.audio.path, path)
            if previous is not None and previous != path:
                previous.unlink(missing_ok=True)  # one drag file at a time, not one per render
            return str(path)

        self._tasks.submit(write, self.drag_file_ready.emit, self._on_drag_failed)

    def _clear_scratch(self, ctx: TaskContext) -> None:
        """Remove drag files left by earlier runs.

        Every kind: a long clip's drag file is a hard link to its take (FLAC, MP3, μ-law or
        A-law), and a link left behind would keep a deleted take's audio on the disk.
        """
        if self._scratch.is_dir():
            for old in self._scratch.iterdir():
                if old.is_file():
                    old.unlink(missing_ok=True)

    def _on_drag_failed(self, exc: BaseException) -> None:
        log.warning("Preparing the drag file failed: %s", exc)
