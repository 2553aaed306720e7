"""Reading (and letting go of) a province's worth of rows in a background task without holding the
window still.

Why: the GUI thread and the task runner's threads share the GIL. A query's `.all()` over 425,000 rows
builds its list of rows in one stretch of compiled code, and freeing that list (or a dict built from
it) is one more; in either the GUI thread waits, and it also lost every race for the GIL while sqlite
handed the rows over one by one: the window's heartbeat stopped for 50-70 ms at 1,000,000 people
(bench/workloads/ui_stalls.py). Read in chunks with a short pause between them, and empty the big
containers piece by piece, and the window keeps its 10 ms beat.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.orm import Session

CHUNK = 2000
PAUSE_S = 0.0005  # long enough for a waiting GUI thread to wake and take the GIL


def streamed(session: Session, stmt: Executable, chunk: int = CHUNK) -> Iterator[Any]:
    """The rows of `stmt`, read `chunk` at a time, the GIL left free for a moment after each chunk."""
    result = session.execute(stmt.execution_options(yield_per=chunk))
    for part in result.partitions(chunk):
        yield from part
        time.sleep(PAUSE_S)


def release(*containers: dict[Any, Any] | list[Any] | set[Any]) -> None:
    """Empty each container `CHUNK` items at a time, pausing between chunks (freeing them at once held
    the GIL for as long as it took)."""
    for box in containers:
        while box:
            for _i in range(CHUNK):
                if not box:
                    break
                if isinstance(box, dict):
                    box.popitem()
                else:
                    box.pop()
            time.sleep(PAUSE_S)
