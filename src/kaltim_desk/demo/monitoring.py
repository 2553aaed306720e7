"""Demo records of the monitoring feature (filled in by that feature's work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kaltim_desk.demo import DemoContext


def populate(ctx: DemoContext) -> None:
    """Nothing yet: the monitoring feature adds its demo records here."""
