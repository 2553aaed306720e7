"""Kaltim Desk: the registry, aid, training and mentoring desk of the WRSE/PRSE micro-enterprise
programme of the social services of East Kalimantan."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kaltim-desk")
except PackageNotFoundError:  # running from a frozen bundle or a bare checkout
    __version__ = "0.1.0"
