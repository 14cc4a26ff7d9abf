"""Sound output devices through PortAudio (sounddevice): listing, choosing, and clear errors.

On Linux PortAudio reaches PulseAudio or PipeWire through ALSA: libasound2-plugins'
`pulse` plugin, which /etc/alsa/conf.d/99-pulse.conf also makes the ALSA `default`
device while a sound server runs. PortAudio's default output is then `default`, which is
right. When PortAudio's default is a raw hardware device while a sound-server device
exists, the sound server is preferred: it mixes with other programs instead of failing
with "device busy".
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from studio.core.errors import AudioDeviceError

SOUND_SERVER_DEVICES = ("pipewire", "pulse", "default")
NO_OUTPUT_HINT = (
    "Check that speakers or headphones are connected and that no other program holds the "
    "device. You can still save clips."
)


@dataclass(frozen=True)
class OutputDevice:
    """A device that can play sound.

    Attributes:
        name: PortAudio's device name (what Settings remembers).
        index: PortAudio's device index (valid until the device list changes).
        default_sample_rate: The rate the device prefers, in Hz.
        is_default: True for the device used when none is chosen.
    """

    name: str
    index: int
    default_sample_rate: int
    is_default: bool


def load_backend() -> ModuleType:
    """Import sounddevice; a missing PortAudio library becomes an AudioDeviceError."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio cannot be loaded
        raise AudioDeviceError(
            f"No sound output is available: the PortAudio library is missing ({exc}). "
            "You can still save clips."
        ) from exc
    module: ModuleType = sounddevice
    return module


def device_error(exc: Exception, when: str = "open the sound output") -> AudioDeviceError:
    """Translate a PortAudio error into an AudioDeviceError with a message saying what next."""
    text = str(exc.args[0]) if exc.args else str(exc)
    reason = text.split(" [PaErrorCode")[0].strip() or type(exc).__name__
    lowered = text.lower()
    if "unavailable" in lowered or "busy" in lowered or "-9985" in lowered:
        return AudioDeviceError(
            "The sound device is busy: another program is using it. Close that program or "
            "choose another output in Settings. You can still save clips."
        )
    return AudioDeviceError(
        f"No sound output is available: could not {when} ({reason}). " + NO_OUTPUT_HINT
    )


def list_output_devices(backend: Any) -> list[OutputDevice]:
    """Every device with output channels, the default one marked; [] when there are none."""
    try:
        devices = backend.query_devices()
    except Exception:  # PortAudio errors and a broken backend alike mean "no devices"
        return []
    default = default_output_index(backend, devices)
    return [
        OutputDevice(
            name=str(info["name"]),
            index=int(info["index"]),
            default_sample_rate=int(info["default_samplerate"]),
            is_default=int(info["index"]) == default,
        )
        for info in devices
        if int(info.get("max_output_channels", 0)) > 0
    ]


def default_output_index(backend: Any, devices: Any) -> int | None:
    """The device to use when the user chose none (see the module docstring)."""
    outputs = {str(d["name"]): int(d["index"]) for d in devices if d["max_output_channels"] > 0}
    if not outputs:
        return None
    try:
        chosen = int(backend.default.device[1])
    except (TypeError, IndexError, ValueError):
        chosen = -1
    names = {index: name for name, index in outputs.items()}
    if chosen in names and names[chosen] in (*SOUND_SERVER_DEVICES, "sysdefault"):
        return chosen
    for server in SOUND_SERVER_DEVICES:
        if server in outputs:
            return outputs[server]
    return chosen if chosen in names else next(iter(outputs.values()))


def resolve_device(backend: Any, name: str | None) -> int | None:
    """The index of the named output device; the default one when unnamed or gone.

    Raises:
        AudioDeviceError: there is no output device at all.
    """
    try:
        devices = backend.query_devices()
    except Exception as exc:
        raise device_error(exc, "list the sound devices") from exc
    outputs = [d for d in devices if d["max_output_channels"] > 0]
    if not outputs:
        raise AudioDeviceError(
            "No sound output is available: no output device was found. " + NO_OUTPUT_HINT
        )
    for info in outputs:
        if name and info["name"] == name:
            return int(info["index"])
    return default_output_index(backend, devices)
