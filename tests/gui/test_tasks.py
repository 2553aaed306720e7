"""Background tasks: results and progress come back on the GUI thread; cancel stops the work."""

from __future__ import annotations

import threading

from kaltim_desk.tasks import SyncTaskRunner, TaskCancelled, ThreadPoolTaskRunner


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    runner = ThreadPoolTaskRunner()
    main = threading.get_ident()
    seen: dict[str, object] = {}

    def work(state):
        seen["worker"] = threading.get_ident()
        state.progress(1, 2, "setengah")
        return 42

    def done(result):
        seen["result"] = result
        seen["done_thread"] = threading.get_ident()

    runner.run(work, on_done=done, on_progress=lambda d, t, s: seen.setdefault("progress", (d, t, s)))
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == 42
    assert seen["worker"] != main
    assert seen["done_thread"] == main
    assert seen["progress"] == (1, 2, "setengah")


def test_a_failure_is_handed_to_on_error(qtbot):
    runner = ThreadPoolTaskRunner()
    errors: list[BaseException] = []

    def work(state):
        raise ValueError("rusak")

    runner.run(work, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert str(errors[0]) == "rusak"


def test_cancel_is_seen_by_the_task():
    runner = SyncTaskRunner()
    errors: list[BaseException] = []

    def work(state):
        state.cancel()
        state.check()
        return "tidak sampai"

    runner.run(work, on_done=lambda r: errors.append(AssertionError(r)), on_error=errors.append)
    assert len(errors) == 1 and isinstance(errors[0], TaskCancelled)


def test_no_full_garbage_collection_while_a_task_runs_and_again_after(qtbot):
    """A full collection walks every object with the GIL held (the window froze 0.1-0.4 s on a
    province's rows); while a task runs only the young generations are collected."""
    import gc

    runner = ThreadPoolTaskRunner()
    before = gc.get_threshold()
    seen: dict[str, object] = {}

    def work(state):
        seen["during"] = gc.get_threshold()

    runner.run(work, on_done=lambda _r: seen.setdefault("done", True))
    qtbot.waitUntil(lambda: "done" in seen, timeout=5000)
    young, middle, oldest = seen["during"]
    assert (young, middle) == before[:2] and oldest > 1_000_000
    assert gc.get_threshold() == before


def test_a_failed_task_frees_what_it_built_on_the_worker_and_hands_over_its_message(qtbot):
    """The rows a failed or cancelled task was building are freed on the worker thread, not on the GUI
    thread when its error handler returns (freeing a province's rows held the window 80 ms)."""
    import weakref

    runner = ThreadPoolTaskRunner()
    seen: dict[str, object] = {}

    class Rows(list):
        pass

    def work(state):
        rows = Rows(range(1000))
        seen["rows"] = weakref.ref(rows)
        raise ValueError("rusak")

    def failed(exc):
        seen["alive"] = seen["rows"]() is not None
        seen["message"] = str(exc)

    runner.run(work, on_error=failed)
    qtbot.waitUntil(lambda: "message" in seen, timeout=5000)
    assert seen == {"rows": seen["rows"], "alive": False, "message": "rusak"}
