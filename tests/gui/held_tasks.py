"""A task runner that holds each task, as a busy worker thread would, until the test lets it finish.

What a person sees while a read is running is then on screen to assert (a "Memuat…" line, the old rows
still there), and a result that only appears after `finish_all` proves the read ran in the task, not
on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kaltim_desk.tasks import TaskState


class HeldTaskRunner:
    def __init__(self) -> None:
        self.held: list[tuple[Callable[[TaskState], Any], TaskState, Any, Any]] = []

    def run(
        self,
        fn: Callable[[TaskState], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> TaskState:
        state = TaskState(on_progress)
        self.held.append((fn, state, on_done, on_error))
        return state

    def finish_all(self) -> int:
        """Run every held task (and those their results start), in order; how many ran."""
        ran = 0
        while self.held:
            fn, state, on_done, on_error = self.held.pop(0)
            ran += 1
            try:
                result = fn(state)
            except BaseException as exc:
                if on_error is None:
                    raise
                on_error(exc)
            else:
                if on_done is not None:
                    on_done(result)
        return ran
