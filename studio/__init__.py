"""Waves Studio: a desktop studio for the Smallest.ai Waves text-to-speech API."""

APP_ID = "io.github.wavesstudio.WavesStudio"
APP_NAME = "Waves Studio"
ORG_NAME = "Waves Studio"
__version__ = "0.1.0"
