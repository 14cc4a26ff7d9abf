"""SynthesisService: renders stream to the player and the waveform; failures speak clearly."""

from studio.pipeline import RenderSpec
from studio.services.synthesis import SynthesisService
from studio.services.tasks import TaskRunner

SPEC = RenderSpec("tone-alto", sample_rate=16000)


def test_render_streams_to_player_and_reports(
    local_backend, sync_runner, playback, player, bus, qtbot
) -> None:
    """Started, progress and finished arrive in order; the player got every sample."""
    service = SynthesisService(local_backend, sync_runner, playback, bus)
    events = []
    service.synthesis_started.connect(lambda job_id, job: events.append("started"))
    service.synthesis_progressed.connect(lambda job_id, p: events.append("samples"))
    with qtbot.wait_signal(service.synthesis_finished, timeout=2000) as done:
        service.synthesize("One line. And another one.", SPEC, "sse")
    rendered = done.args[1].rendered
    assert events[0] == "started" and events.count("samples") >= 2
    assert ("begin_stream", 16000) in player.calls
    assert len(player.samples) == len(rendered.samples)
    assert not service.busy and service.last_result.rendered is rendered


def test_failure_posts_the_server_reason(local_backend, sync_runner, playback, bus, qtbot) -> None:
    """An unknown voice ends in synthesis_failed and an error on the bus, never a result."""
    service = SynthesisService(local_backend, sync_runner, playback, bus)
    with (
        qtbot.assert_not_emitted(service.synthesis_finished),
        qtbot.wait_signal(service.synthesis_failed, timeout=2000) as failed,
    ):
        service.synthesize("Hello.", RenderSpec("no-such-voice"), "none")
    assert "no-such-voice" in failed.args[1]
    assert bus.seen[-1].text == failed.args[1]


def test_without_backend_nothing_starts(settings, sync_runner, playback, bus) -> None:
    """Before a backend is ready, Speak explains instead of failing."""
    from studio.secrets import MemorySecretStore
    from studio.services.backend import BackendService

    backend = BackendService(
        settings,
        MemorySecretStore(),
        sync_runner,
        bus,
        local_server_factory=lambda: None,
        environ={},
    )
    service = SynthesisService(backend, sync_runner, playback, bus)
    assert service.synthesize("Hi.", SPEC) is None
    assert "starting" in bus.seen[-1].text


def test_cancel_on_the_real_pool_drops_the_result(
    local_backend, playback, bus, qtbot, waves_local_faults
) -> None:
    """With real threads, cancel() stops a stalled render and no result is delivered."""
    runner = TaskRunner(max_threads=1)
    service = SynthesisService(local_backend, runner, playback, bus)
    waves_local_faults("stall=3000@path=/waves/v1/tts")
    with qtbot.wait_signal(service.synthesis_progressed, timeout=3000):
        service.synthesize("Stalling line. Second part.", SPEC, "sse")
    with qtbot.assert_not_emitted(service.synthesis_finished, wait=200):
        service.cancel()
    assert not service.busy
    assert runner.shutdown(2000)


def test_queued_render_plays_after_the_first_has_played(
    local_backend, playback, player, bus, qtbot
) -> None:
    """In queue mode the second render waits for the first one's audio to finish playing,
    then plays; its 'started' comes only when its turn comes."""
    runner = TaskRunner(max_threads=1)
    service = SynthesisService(local_backend, runner, playback, bus)
    finished, started = [], []
    service.synthesis_finished.connect(lambda job_id, result: finished.append(job_id))
    service.synthesis_started.connect(lambda job_id, job: started.append(job_id))
    first = service.synthesize("First line. It has two sentences.", SPEC, "sse")
    qtbot.wait_until(lambda: finished == [first], timeout=5000)
    second = service.synthesize("Second line.", SPEC, "sse", queue=True)
    qtbot.wait_until(lambda: started == [first, second], timeout=5000)
    qtbot.wait(300)  # the second render is done downloading by now, but must not play yet
    assert player.calls.count(("begin_stream", 16000)) == 1
    assert ("stop",) not in player.calls[player.calls.index(("begin_stream", 16000)) :]
    player.advance(60.0)  # the first clip plays to its end
    qtbot.wait_until(lambda: finished == [first, second], timeout=5000)
    assert player.calls.count(("begin_stream", 16000)) == 2
    assert runner.shutdown(2000)


def test_progress_batches_small_pieces_without_losing_any() -> None:
    """Hundreds of pieces at once become a few waveform updates, in order, nothing lost.

    A fast server would otherwise queue one GUI event per piece and stall the window.
    """
    import numpy as np

    from studio.services.synthesis import ProgressBatcher

    reports: list[tuple[np.ndarray, int]] = []
    batcher = ProgressBatcher(lambda samples, rate: reports.append((samples, rate)), 60.0)
    pieces = [np.full(100, i, np.float32) for i in range(300)]
    for piece in pieces[:200]:
        batcher.add(piece, 16000)
    assert len(reports) == 1 and len(reports[0][0]) == 100  # the first piece, at once
    for piece in pieces[200:]:
        batcher.add(piece, 24000)  # a new rate: what was kept goes out first
    batcher.flush()
    assert [rate for _, rate in reports] == [16000, 16000, 24000]
    assert np.array_equal(np.concatenate([s for s, _ in reports]), np.concatenate(pieces))
    assert not reports[0][0].flags.writeable


def test_progress_reports_again_once_the_interval_has_passed() -> None:
    """Pieces that arrive slowly (a real-time stream) are drawn as they come."""
    import time

    import numpy as np

    from studio.services.synthesis import ProgressBatcher

    reports: list[int] = []
    batcher = ProgressBatcher(lambda samples, rate: reports.append(len(samples)), 0.01)
    for _ in range(3):
        time.sleep(0.02)
        batcher.add(np.zeros(10, np.float32), 16000)
    assert reports == [10, 10, 10]
