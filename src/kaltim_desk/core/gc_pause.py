"""Pausing Python's cyclic garbage collector around work that builds many objects that all stay alive
(an import's 10,000 rows: the sheet's grid, a result, a person and a cleaned dict per row).

Why: the collector runs after every few hundred new containers, and its older generations are
traversed again and again while the rows pile up (none of them is garbage until the import ends):
about a tenth of a 10,000-row import's validation. Reference counting still frees everything that is
not in a cycle; whatever cycles were made are collected when the collector is back.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block; the collector is back (if it was on) when it ends, even
    by an exception. Nested or concurrent blocks leave it on once the outermost one that found it on
    has ended."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
