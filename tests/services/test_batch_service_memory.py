"""BatchService and the Batch table hold items and audio in bounded memory."""

from __future__ import annotations

from pathlib import Path

from studio.batch.inputs import read_input
from studio.batch.jobs import JobOptions, create_job
from studio.batch.plan import BatchDefaults, plan_batch
from studio.core.batch import DONE, TEXT_PREVIEW_CHARS, ItemSpec, QueueItem
from studio.core.render import SHORT_CLIP_S
from studio.services.batch import BatchService
from studio.services.messages import MessageBus
from studio.services.tasks import SyncTaskRunner
from studio.store.queue import open_queue
from studio.ui.batch_model import BatchTableModel
from tests.batch.helpers import MB, peak_of, write_tone


def _service(tmp_path: Path) -> BatchService:
    tasks = SyncTaskRunner()
    return BatchService(None, tmp_path / "data", 1 << 30, MessageBus(), tasks, tasks)  # type: ignore[arg-type]


def _item(name: str, text: str = "A line.") -> QueueItem:
    spec = ItemSpec(1, "a", text, "tone-alto", "lightning-v3.1", "en", 1.0, 8000, "wav", name)
    return QueueItem(1, 1, 0, spec, DONE)


def test_play_opens_a_long_item_without_decoding_it_whole(qtbot, tmp_path: Path) -> None:
    """Play of an 11-minute item opens its file in blocks (peak < 6 MB, where its samples are
    21 MB) and hands on a render that plays from the file; a short one comes decoded."""
    service = _service(tmp_path)
    frames = write_tone(tmp_path / "long.wav", SHORT_CLIP_S + 60)
    write_tone(tmp_path / "short.wav", 2.0)
    loaded: list[object] = []
    service.audio_loaded.connect(lambda item, rendered: loaded.append(rendered))
    _, peak = peak_of(lambda: service.load_audio(_item("long.wav"), tmp_path))
    assert peak < 6 * MB
    rendered = loaded[0]
    assert rendered.is_long and rendered.audio.frames == frames  # type: ignore[attr-defined]
    assert "samples" not in vars(rendered)  # never decoded whole
    service.load_audio(_item("short.wav"), tmp_path)
    short = loaded[1]
    assert len(short.samples) == 16000 and short.sample_rate == 8000  # type: ignore[attr-defined]
    service.shutdown()


def test_table_of_a_resumed_job_holds_only_the_start_of_each_text(qtbot, tmp_path: Path) -> None:
    """load_items reads each text cut to what the table shows (plus one character), and the
    table keeps no more of the items a run reports."""
    folder = tmp_path / "chapters"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"Chapter {n}. " + "word " * 10_000, "utf-8")
    out = tmp_path / "out"
    with open_queue(tmp_path / "data") as store:
        plan = plan_batch(read_input(folder), BatchDefaults(voice_id="tone-alto"), out)
        job_id = create_job(store, plan, out, JobOptions())
        full = store.claim(job_id)
    assert full is not None and len(full.spec.text) > 50_000
    service = _service(tmp_path)
    with qtbot.wait_signal(service.items_changed, timeout=5000) as changed:
        service.load_items(job_id)
    items = changed.args[0]
    assert [len(i.spec.text) for i in items] == [TEXT_PREVIEW_CHARS + 1] * 3
    model = BatchTableModel()
    model.update_items([full])
    kept = model.item_at(0)
    assert kept is not None and kept.id == full.id
    assert kept.spec.text == full.spec.text[: TEXT_PREVIEW_CHARS + 1]
    assert model.data(model.index(0, 2)).endswith("…")
    service.shutdown()
