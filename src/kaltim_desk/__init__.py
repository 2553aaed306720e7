"""Kaltim Desk: the registry, aid, training and mentoring desk of the WRSE/PRSE micro-enterprise
programme of the social services of East Kalimantan."""

from __future__ import annotations

# The one place the version is written: the package build reads it from here (pyproject.toml,
# [tool.hatch.version]), so the start of the app does not search the installed metadata for it.
__version__ = "0.1.0"
