"""DictionaryService: names live locally, rules on the server; failures keep everything."""

from studio.core.models import PronunciationItem
from studio.services.dictionaries import DictionaryService, default_name


def test_create_rename_update_delete(local_backend, settings, sync_runner, bus, qtbot) -> None:
    """A dictionary's whole life through the service, with its local name kept in step."""
    service = DictionaryService(local_backend, settings, sync_runner, bus)
    with qtbot.wait_signal(service.dictionaries_changed, timeout=2000):
        service.create("Brand names", [PronunciationItem("Waves", "wayvz")])
    entry = next(d for d in service.dictionaries if d.name == "Brand names")
    service.rename(entry.id, "Brands")
    assert service.find(entry.id).name == "Brands"
    settings.set("synthesis/dictionary_ids", [entry.id])
    service.update(
        entry.id, [PronunciationItem("Waves", "wayvz"), PronunciationItem("GUI", "gooey")]
    )
    assert service.find(entry.id).dictionary.word_count == 2
    service.delete(entry.id)
    assert service.find(entry.id) is None
    assert entry.id not in settings.get("dictionaries/names")
    assert settings.dictionary_ids == []


def test_failed_save_reports_and_changes_nothing(
    local_backend, settings, sync_runner, bus, waves_local_faults, qtbot
) -> None:
    """A server error on update is reported; the listed rules stay as they were."""
    service = DictionaryService(local_backend, settings, sync_runner, bus)
    service.create("Keep", [PronunciationItem("A", "ay")])
    entry = next(d for d in service.dictionaries if d.name == "Keep")
    waves_local_faults("status=500@path=/waves/v1/pronunciation-dicts")
    with qtbot.wait_signal(service.operation_failed, timeout=5000) as failed:
        service.update(entry.id, [PronunciationItem("A", "changed")])
    assert "server problem" in failed.args[0]
    assert service.find(entry.id).dictionary.items[0].pronunciation == "ay"


def test_unnamed_dictionaries_get_readable_names() -> None:
    """A dictionary made elsewhere is named after its first words."""
    from studio.core.models import PronunciationDict

    d = PronunciationDict("a" * 24, tuple(PronunciationItem(w, "x") for w in "ABCD"))
    assert default_name(d) == "A, B, C…"


def test_display_name_follows_changes_without_rereading_per_call(
    local_backend, settings, sync_runner, bus, qtbot, monkeypatch
) -> None:
    """History asks for a name per cell per repaint: answered from one gathering per change.

    Names still follow a rename, a delete, and a name remembered for an unlisted dictionary.
    """
    service = DictionaryService(local_backend, settings, sync_runner, bus)
    service.create("Brand names", [PronunciationItem("Waves", "wayvz")])
    entry = next(d for d in service.dictionaries if d.name == "Brand names")
    reads: list[str] = []
    real_get = settings.get

    def counting_get(name: str):  # type: ignore[no-untyped-def]
        reads.append(name)
        return real_get(name)

    monkeypatch.setattr(settings, "get", counting_get)
    names = [service.display_name(entry.id) for _ in range(500)]
    assert set(names) == {"Brand names"} and reads.count("dictionaries/names") <= 1
    service.rename(entry.id, "Brands")
    assert service.display_name(entry.id) == "Brands"
    settings.set("dictionaries/names", {**real_get("dictionaries/names"), "gone12345": "Old"})
    assert service.display_name("gone12345") == "Old"
    assert service.display_name("unknown-dictionary-id") == "unknown-…"
    service.delete(entry.id)
    assert service.display_name(entry.id) == f"{entry.id[:8]}…"
