"""Long work off the GUI thread: a task is a plain function `fn(state)` (Orange3's shape) that reports
progress and checks for cancel through `state`; the runner hands its result back on the GUI thread
(Picard's `run_task(func, callback)`). Tests use `SyncTaskRunner`, which runs tasks at once.

This module imports no widgets; it needs only QtCore for the thread pool and signals.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from kaltim_desk.core.progress import Cancelled

log = logging.getLogger(__name__)


class TaskCancelled(Cancelled):
    """Raised inside a task when the user pressed Cancel."""


class TaskState:
    """Given to every task: report progress, check for cancel. Thread-safe."""

    def __init__(self, on_progress: Callable[[int, int, str], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress

    def progress(self, done: int, total: int, text: str = "") -> None:
        if self._on_progress:
            self._on_progress(done, total, text)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise TaskCancelled()


Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
ProgressCb = Callable[[int, int, str], None]


class TaskRunner(Protocol):
    def run(
        self,
        fn: Callable[[TaskState], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        on_progress: ProgressCb | None = None,
    ) -> TaskState: ...


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[TaskState], Any], signals: _Signals, state: TaskState) -> None:
        super().__init__()
        self.fn, self.signals, self.state = fn, signals, state
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(self.state)
        except BaseException as exc:
            if not isinstance(exc, TaskCancelled):
                log.exception("background task failed")
            self._emit(self.signals.failed, exc)
        else:
            self._emit(self.signals.done, result)

    @staticmethod
    def _emit(signal: Any, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            # The window that asked is gone (the app is closing): nobody is left to tell.
            log.debug("task finished after its receiver was deleted")


class ThreadPoolTaskRunner:
    """Runs tasks on a QThreadPool; callbacks arrive on the thread that created the runner."""

    def __init__(self, max_threads: int = 2) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(max_threads)
        self._alive: set[_Signals] = set()

    def run(
        self,
        fn: Callable[[TaskState], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        on_progress: ProgressCb | None = None,
    ) -> TaskState:
        signals = _Signals()
        self._alive.add(signals)
        state = TaskState(lambda d, t, s: signals.progress.emit(d, t, s))

        def finish(callback: Callable[[Any], None] | None, value: Any) -> None:
            self._alive.discard(signals)
            if callback:
                callback(value)

        signals.done.connect(lambda r: finish(on_done, r))
        signals.failed.connect(lambda e: finish(on_error, e))
        if on_progress:
            signals.progress.connect(on_progress)
        self.pool.start(_Runnable(fn, signals, state))
        return state

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)


class SyncTaskRunner:
    """Runs each task at once on the calling thread: for tests and the command line."""

    def run(
        self,
        fn: Callable[[TaskState], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        on_progress: ProgressCb | None = None,
    ) -> TaskState:
        state = TaskState(on_progress)
        try:
            result = fn(state)
        except BaseException as exc:
            if on_error is None:
                raise
            on_error(exc)
        else:
            if on_done:
                on_done(result)
        return state
