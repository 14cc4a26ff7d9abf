"""waves-local: a Waves-compatible text-to-speech server on loopback, with offline engines."""
