"""Long work's one protocol, shared by jobs, renderers, readers and writers in every layer:
`progress(done, total, text)` reports, `is_cancelled()` is asked between steps, and a cancel ends in a
`Cancelled` (each layer's own cancel, with its own message, is a `Cancelled`), so a caller can catch
every cancel the same way. The GUI's task runner passes its state's `progress` and `is_cancelled`."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]
IsCancelled = Callable[[], bool]


class Cancelled(Exception):
    """The person pressed Cancel; the work stopped and left nothing half-written."""
