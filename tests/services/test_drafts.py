"""DraftService: typing is saved atomically after a pause; a broken disk warns, loses nothing."""

from studio.services.drafts import DraftService
from studio.services.tasks import SyncTaskRunner


def test_text_is_saved_after_typing_pauses(tmp_path, bus, qtbot) -> None:
    """Several quick changes end in one write of the latest text, which load() reads back."""
    path = tmp_path / "data" / "draft.txt"
    drafts = DraftService(path, bus, SyncTaskRunner())
    saved = []
    drafts.draft_saved.connect(saved.append)
    for text in ("H", "He", "Hello, wörld ✓"):
        drafts.text_changed(text)
    qtbot.wait_until(lambda: bool(saved), timeout=2000)
    assert saved == [str(path)]
    assert DraftService(path, bus).load() == "Hello, wörld ✓"
    assert not list(path.parent.glob("*.partial"))


def test_flush_writes_now(tmp_path, bus, qtbot) -> None:
    """flush() (on quit) writes pending text without waiting for the debounce."""
    path = tmp_path / "draft.txt"
    drafts = DraftService(path, bus)
    drafts.text_changed("quit now")
    drafts.flush()
    assert path.read_text(encoding="utf-8") == "quit now"


def test_unwritable_draft_warns_once_and_keeps_the_text(tmp_path, bus, qtbot) -> None:
    """When the draft cannot be written, the user is warned once; nothing is lost in the editor."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    drafts = DraftService(blocker / "draft.txt", bus, SyncTaskRunner())
    for text in ("one", "two"):
        drafts.text_changed(text)
        drafts.flush()
    warnings = [m for m in bus.seen if "draft" in m.text]
    assert len(warnings) == 1 and "still in the editor" in warnings[0].text


def test_missing_or_damaged_draft_loads_empty(tmp_path, bus) -> None:
    """No draft, or bytes that are not UTF-8, start with an empty editor instead of crashing."""
    assert DraftService(tmp_path / "none.txt", bus).load() == ""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    assert DraftService(bad, bus).load() == ""
