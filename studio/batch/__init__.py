"""Batch rendering: read a CSV, folder or list of lines, plan it, run it through the queue."""
