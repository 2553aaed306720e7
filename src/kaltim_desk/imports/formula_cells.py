"""Which cells of a sheet hold a formula, cached value or not.

The reader returns a formula's cached value like any other value (python-calamine reads values only);
for a number column that is what the clerk wants (a SUM), but in a text column it is not what anybody
typed (a name that is `=HYPERLINK(...,"KLIK")` reads as "KLIK"). The importer asks this module which
cells are formulas and refuses those in text columns. The part is streamed through the reader's bounded
inflation; a part without "<f" anywhere costs one bytes search per block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kaltim_desk.imports.sheet_scan import col_index

_CELL = re.compile(rb"<c\s[^>]*?r=\"([A-Z]+)(\d+)\"[^>]*?(?:/>|>(.*?)</c>)", re.DOTALL)
_CARRY = 64 * 1024  # a cell split between two blocks is read whole with the next block


def formula_positions(blocks: Iterable[bytes]) -> set[tuple[int, int]]:
    """(row, column), 0-based, of every formula cell in a sheet part given as blocks of bytes."""
    found: set[tuple[int, int]] = set()
    carry = b""
    for block in blocks:
        data = carry + block
        if b"<f" in data:
            last_end = 0
            for m in _CELL.finditer(data):
                if b"<f" in (m.group(3) or b""):
                    found.add((int(m.group(2)) - 1, col_index(m.group(1))))
                last_end = m.end()
            carry = data[max(last_end, len(data) - _CARRY) :]
        else:
            carry = data[-_CARRY:]
    return found
