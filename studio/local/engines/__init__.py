"""Offline speech engines behind waves-local: Piper (neural), espeak-ng and a test tone engine."""
