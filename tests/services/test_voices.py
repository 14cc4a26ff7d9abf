"""VoiceCatalog: voices load off the GUI thread, favourites and recents order, previews cache."""

from studio.services.voices import VoiceCatalog


def test_voices_load_with_the_backend(
    local_backend, settings, sync_runner, playback, bus, qtbot
) -> None:
    """Refreshing lists the server's voices (catalogue and clones)."""
    catalog = VoiceCatalog(local_backend, settings, sync_runner, playback, bus)
    with qtbot.wait_signal(catalog.voices_changed, timeout=2000):
        catalog.refresh(force=True)
    assert {"tone-alto", "tone-bass", "tone-soprano"} <= {v.voice_id for v in catalog.voices}
    assert catalog.find("tone-bass").display_name


def test_second_preview_is_instant_and_free(
    local_backend, settings, sync_runner, playback, player, bus, waves_local, qtbot
) -> None:
    """A repeated preview plays from memory: no second request reaches the server."""
    catalog = VoiceCatalog(local_backend, settings, sync_runner, playback, bus)
    catalog.refresh()
    voice = catalog.find("tone-soprano")
    waves_local.stats.reset()
    catalog.preview(voice, settings.render_spec())
    qtbot.wait_until(lambda: any(c[0] == "play" for c in player.calls), timeout=3000)
    assert waves_local.stats.requests("/waves/v1/tts") == 1
    player.calls.clear()
    catalog.preview(voice, settings.render_spec())
    qtbot.wait_until(lambda: any(c[0] == "play" for c in player.calls), timeout=3000)
    assert waves_local.stats.requests("/waves/v1/tts") == 1
    assert catalog.preview_cached("tone-soprano")


def test_favourites_and_recent(local_backend, settings, sync_runner, playback, bus, qtbot) -> None:
    """Stars toggle and persist; recently used voices come newest first, without repeats."""
    catalog = VoiceCatalog(local_backend, settings, sync_runner, playback, bus)
    with qtbot.wait_signal(catalog.favourites_changed):
        catalog.toggle_favourite("tone-bass")
    assert catalog.is_favourite("tone-bass") and settings.get("voices/favourites") == ["tone-bass"]
    catalog.toggle_favourite("tone-bass")
    assert not catalog.is_favourite("tone-bass")
    for voice in ("a", "b", "a", "c"):
        catalog.mark_used(voice)
    assert catalog.recent() == ["c", "a", "b"]
