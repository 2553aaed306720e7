"""Benchmarks of Kaltim Desk at district and province scale: `uv run python -m bench`."""
