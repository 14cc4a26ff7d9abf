"""Renders and files around the library: a take back as a `Rendered`, text straight to a file."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import ValidationError
from studio.core.render import Rendered, RenderSpec
from studio.library import Backend, LibraryRender, RenderLibrary
from studio.pipeline import ExportOptions, SamplesCallback, export_rendered, render_text

if TYPE_CHECKING:  # imported lazily: requests and websockets cost ~85 ms at start-up
    from studio.api.client import WavesClient
    from studio.store.take_record import HistoryTake


def rendered_from_take(take: HistoryTake) -> Rendered:
    """Rebuild a playable, exportable `Rendered` from a take's own audio file.

    Raises:
        DecodeError: the file is missing or damaged.
    """
    from studio.audio.clipfile import open_clip

    audio = open_clip(
        Path(take.audio_path),
        take.output_format,
        take.audio_sample_rate or take.sample_rate,
        take.request_id,
        take.server_request_id,
    )
    spec = RenderSpec(
        take.voice_id,
        take.model,
        take.language,
        take.speed,
        take.sample_rate,
        take.output_format,
        take.dictionary_ids,
    )
    return Rendered(
        take.text,
        spec,
        audio,
        take.session_id,
        take.request_ids or (take.request_id,),
        take.server_request_ids,
        take.transport or "history",
    ).preload()


def render_to_file(
    client: WavesClient,
    text: str,
    spec: RenderSpec,
    out: Path,
    export_format: str,
    *,
    library: RenderLibrary | None = None,
    backend: Backend | None = None,
    source: str = "render",
    mode: str = "sse",
    cancel: threading.Event | None = None,
    on_samples: SamplesCallback | None = None,
    overwrite: bool = False,
    options: ExportOptions | None = None,
) -> LibraryRender:
    """Render text (up to RENDER_MAX_CHARS) and save it to `out` atomically, in constant memory.

    The one entry point for headless renders (the `render` command, render queues): with a
    `library` (and its `backend`) the render goes through the cache and is kept as a take;
    without, it is rendered into the spool folder. The audio streams to disk as it arrives
    and the save transcodes it block by block.

    Raises:
        ValidationError: no text, too much text, or a library without a backend.
        CancelledError: `cancel` was set.
        FileExistsExportError: `out` exists and `overwrite` is False (checked first).
        ExportError: `out`'s folder is missing or not writable (checked first).
        StudioError: any API, network, decode or save failure.
    """
    from studio.audio.atomic import check_target

    # Before the render: a target that cannot be written must not cost credits first.
    check_target(out, overwrite)
    if library is not None:
        if backend is None:
            raise ValidationError("Rendering through the library needs its backend.", "backend")
        done = library.render(
            client, text, spec, backend=backend, source=source, mode=mode, cancel=cancel,
            on_samples=on_samples,
        )  # fmt: skip
    else:
        done = LibraryRender(render_text(client, text, spec, mode, cancel, on_samples), False, None)
    export_rendered(done.rendered, out, export_format, overwrite=overwrite, options=options)
    return done
