"""Long work off the GUI thread: a task is a plain function `fn(state)` (Orange3's shape) that reports
progress and checks for cancel through `state`; the runner hands its result back on the GUI thread
(Picard's `run_task(func, callback)`). Tests use `SyncTaskRunner`, which runs tasks at once.

While any task runs, the cyclic garbage collector makes no full (oldest-generation) collection
(`FullCollectionsHeld`): a full collection walks every live object and holds the GIL throughout, and a
task that builds a province's worth of rows (the overdue visits, an export's aid per person) set one off
every few hundred thousand objects, each freezing the window for 0.1-0.4 s on the 1,000,000-person
office. The young generations are still collected (their cost is bounded by their size, a few ms), and
the full collections resume when the last task ends, when the task's rows are gone.

This module imports no widgets; it needs only QtCore for the thread pool and signals.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
import traceback
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


class FullCollectionsHeld:
    """Counts the running tasks; while there is one, the oldest generation's threshold is out of reach
    (young collections go on). Thread-safe; nested and overlapping tasks count once each."""

    NEVER = 1 << 30

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._saved: tuple[int, int, int] | None = None

    def __enter__(self) -> None:
        with self._lock:
            self._running += 1
            if self._running == 1:
                young, middle, oldest = gc.get_threshold()
                self._saved = (young, middle, oldest)
                gc.set_threshold(young, middle, self.NEVER)

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0 and self._saved is not None:
                gc.set_threshold(*self._saved)
                self._saved = None


FULL_COLLECTIONS_HELD = FullCollectionsHeld()

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


def _drop_frames(exc: BaseException) -> None:
    """Free the task's frames here, on the worker: the exception handed to the GUI thread would keep
    them, and with them whatever the task was building (an export's aid per person for 1,000,000 people
    took 80 ms to free, on the GUI thread, as its error handler returned). The failure is logged above;
    the handlers need its message, not its frames."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if exc.__traceback__ is not None:
            traceback.clear_frames(exc.__traceback__)
            exc.__traceback__ = None
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[TaskState], Any], signals: _Signals, state: TaskState) -> None:
        super().__init__()
        self.fn, self.signals, self.state = fn, signals, state
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            with FULL_COLLECTIONS_HELD:
                result = self.fn(self.state)
        except BaseException as exc:
            if not isinstance(exc, Cancelled):  # a Cancel pressed is no failure to log
                log.exception("background task failed")
            _drop_frames(exc)
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

    SWITCH_INTERVAL_S = 0.001

    def __init__(self, max_threads: int = 2) -> None:
        # Two tasks doing Python work at once pass the GIL between themselves and leave the GUI thread
        # waiting: with the interpreter's default 5 ms turns a heartbeat of the window missed 70-100 ms
        # (once 1 s) on the 2-core office PC; with 1 ms turns, 25-40 ms (bench/workloads/ui_stalls.py).
        sys.setswitchinterval(min(sys.getswitchinterval(), self.SWITCH_INTERVAL_S))
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
