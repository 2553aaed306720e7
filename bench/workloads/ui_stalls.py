"""Does the window ever freeze? The longest gap of the event loop while a person uses the whole app.

Ours: the main window on the office of n people (offscreen, 1366x728; building it is start-up, measured by
`cold_start`), then a 10 ms heartbeat timer that records the longest time between two beats and what the
person was doing then. The run opens every page,
sorts every sortable column of its tables both ways, types a search into its search boxes, flips its
filter combo boxes, scrolls its big table to the end (further pages are read as the view reaches them),
selects the first row and presses each of its buttons (Ubah/Buka open the person form, group editor,
grant editor, ... on an existing record; a dialog that opens is closed after a moment; questions are
answered "no", file choices with nothing, except where a step needs a file), opens the main window's
menu dialogs, then starts an import of a 10,000-row sheet and a BNBA export and cancels both. Buttons
that write at once without asking (issuing certificates) are left alone: the office database is the
cached one every run shares.

Modules load from compiled bytecode kept in the bench cache, as in an installed app (this environment
sets PYTHONDONTWRITEBYTECODE, which would make every first page compile its modules from source).

Baseline: the same heartbeat over an idle window for as long, the floor this machine's scheduler gives an
event loop that does nothing (on a busy shared machine that floor is itself tens of milliseconds).
The number reported is the longest gap; "steps" lists the five worst steps with their gaps and
"steps_over_100ms" how many steps froze the window past the target at least once.

Finding the cause: `KALTIM_BENCH_STALL_STACKS=FILE` starts a sampler thread that, whenever the heartbeat
is more than 40 ms late, records the GUI thread's stack and every other Python thread's (every 5 ms), and
writes per step the most frequent stacks to FILE. A worker thread doing pure-Python work keeps the GIL
for `sys.getswitchinterval()` at a time; the sampler shows whether the GUI thread waits on it. It also lists
the garbage collections over 10 ms (a full collection holds the GIL while it walks every object).
`KALTIM_BENCH_STALL_PAGES=monitoring,reports` drives only those pages (and no menus): a shorter run.
`KALTIM_BENCH_STALL_PROFILE=DIR` writes the GUI thread's cProfile of each step over 60 ms to DIR, and
`KALTIM_BENCH_SWITCH_INTERVAL=0.005` overrides the interpreter's GIL switch interval (the task runner
sets 1 ms) to compare.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from bench.workloads._qt import application

BEAT_MS = 10
SETTLE_S = 0.25
DIALOG_OPEN_S = 0.4
# Buttons a person presses that write at once (or only stop a job): not pressed by the benchmark.
SKIPPED_BUTTONS = frozenset({"issue", "cancel"})
SCROLLS_TO_END = 3


class Heartbeat:
    """A 10 ms timer on the GUI thread; the longest gap between its beats is the longest freeze."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.step = "start"
        self.worst: dict[str, float] = {}
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(BEAT_MS)
        self._timer.timeout.connect(self._beat)
        self._timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        gap = now - self._last
        self._last = now
        if gap > self.worst.get(self.step, 0.0):
            self.worst[self.step] = gap

    def at(self, step: str) -> None:
        self._beat()
        if self.profile_dir is not None:
            self._profile_next(step)
        self.step = step

    profile_dir: Path | None = None
    _profile: Any = None

    def _profile_next(self, step: str) -> None:
        """`KALTIM_BENCH_STALL_PROFILE=DIR`: the GUI thread's cProfile of each step that froze the
        window for more than 60 ms, as DIR/<step>.prof (`python -m pstats`)."""
        import cProfile

        assert self.profile_dir is not None
        if self._profile is not None:
            self._profile.disable()
            if self.worst.get(self.step, 0.0) > 0.06:
                name = "".join(c if c.isalnum() else "_" for c in self.step)
                self._profile.dump_stats(str(self.profile_dir / f"{name}.prof"))
        self._profile = cProfile.Profile()
        self._profile.enable()

    def stop(self) -> None:
        self._beat()
        self._timer.stop()
        if self.profile_dir is not None:
            self._profile_next("")
            self._profile.disable()

    @property
    def longest(self) -> float:
        return max(self.worst.values(), default=0.0)


class StallSampler:
    """While the heartbeat is late by more than LATE_S, sample every thread's Python stack."""

    LATE_S = 0.04
    EVERY_S = 0.005

    def __init__(self, beat: Heartbeat, out: Path) -> None:
        self.beat, self.out = beat, out
        self.gui = threading.get_ident()
        self.samples: dict[str, Counter[str]] = {}
        self.collections: list[tuple[str, int, float, str, int]] = []  # step, generation, s, thread, objects
        self._gc_start = 0.0
        gc.callbacks.append(self._gc)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
            return
        took = time.perf_counter() - self._gc_start
        if took > 0.01:
            who = "GUI" if threading.get_ident() == self.gui else "worker"
            self.collections.append((self.beat.step, info["generation"], took, who, len(gc.get_objects())))

    def _run(self) -> None:
        while not self._stop.wait(self.EVERY_S):
            late = time.perf_counter() - self.beat._last
            if late < self.LATE_S:
                continue
            frames = sys._current_frames()
            parts = []
            for ident, frame in frames.items():
                if ident == threading.get_ident():
                    continue
                stack = traceback.extract_stack(frame)
                # the app's own frames, then the innermost few (the library call it is in)
                keep = [f for f in stack[:-4] if "kaltim_desk" in f.filename] + stack[-4:]
                who = "GUI" if ident == self.gui else f"T{ident % 1000}"
                lines = "\n    ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in keep)
                parts.append(f"{who}:\n    {lines}")
            self.samples.setdefault(self.beat.step, Counter())["\n".join(sorted(parts))] += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        gc.callbacks.remove(self._gc)
        with self.out.open("w") as fh:
            for step, generation, took, who, objects in self.collections:
                fh.write(
                    f"gc gen {generation} {took * 1000:.0f} ms on {who} over {objects:,} objects during {step}\n"
                )
            for step, gap in sorted(self.beat.worst.items(), key=lambda kv: -kv[1]):
                if gap >= self.LATE_S:
                    fh.write(f"{gap * 1000:6.0f} ms  {step}\n")
            ranked = sorted(self.samples.items(), key=lambda kv: -self.beat.worst.get(kv[0], 0))
            for step, stacks in ranked:
                total = sum(stacks.values())
                fh.write(f"=== {step}: worst {self.beat.worst.get(step, 0) * 1000:.0f} ms, {total} samples\n")
                for text, count in stacks.most_common(6):
                    fh.write(f"--- {count} samples\n{text}\n")


class DecliningPrompts:
    """Answers whatever the app asks with "no" or nothing chosen; a step may set the next file answer."""

    def __init__(self) -> None:
        self.file_answer: Path | None = None
        self.asked: list[str] = []

    def open_file(self, *_a: Any, **_k: Any) -> Path | None:
        self.asked.append("open_file")
        return self.file_answer

    def save_file(self, *_a: Any, **_k: Any) -> Path | None:
        self.asked.append("save_file")
        return self.file_answer

    def __getattr__(self, name: str) -> Any:
        def answer(*_a: Any, **_k: Any) -> None:
            self.asked.append(name)
            return None

        return answer


def _pump(seconds: float) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    QCoreApplication.sendPostedEvents()


def _closer() -> Any:
    """Every 100 ms, close the modal dialog that has been open longest than DIALOG_OPEN_S (a person
    looked at it and pressed Esc); progress dialogs are cancelled."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog

    seen: dict[int, float] = {}

    def tick() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            return
        first = seen.setdefault(id(widget), time.perf_counter())
        if time.perf_counter() - first < DIALOG_OPEN_S:
            return
        if isinstance(widget, QProgressDialog):
            widget.cancel()
        elif isinstance(widget, QDialog):
            widget.reject()
        else:
            widget.close()

    timer = QTimer()
    timer.setInterval(100)
    timer.timeout.connect(tick)
    timer.start()
    return timer


def _visible(widgets: list[Any]) -> list[Any]:
    return [w for w in widgets if w.isVisible() and w.isEnabled()]


def _bytecode() -> None:
    """Import from compiled bytecode in the bench cache (as an installed app does), compiling once."""
    import compileall
    import sys

    from bench.generate import cache_dir

    sys.dont_write_bytecode = False
    sys.pycache_prefix = str(cache_dir() / "pycache")
    import kaltim_desk

    compileall.compile_dir(str(Path(kaltim_desk.__file__).parent), quiet=2)
    for folder in sys.path:
        if folder.endswith("site-packages"):
            compileall.compile_dir(folder, quiet=2)


def _drive_page(key: str, page: Any, beat: Heartbeat) -> None:
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QPushButton, QTableView

    for view in _visible(page.findChildren(QTableView)):
        model = view.model()
        if model is None or not view.isSortingEnabled():
            continue
        for col in range(model.columnCount()):
            if view.isColumnHidden(col):
                continue
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                beat.at(
                    f"{key}: urut kolom {col} {'naik' if order == Qt.SortOrder.AscendingOrder else 'turun'}"
                )
                view.sortByColumn(col, order)
                _pump(SETTLE_S)
    for edit in _visible(page.findChildren(QLineEdit)):
        if edit.isReadOnly() or "cari" not in (edit.placeholderText() + edit.objectName()).lower():
            continue
        beat.at(f"{key}: ketik cari")
        QTest.keyClicks(edit, "nur")
        _pump(SETTLE_S)
        QTest.keyClicks(edit, "6472")
        _pump(SETTLE_S)
        edit.clear()
        _pump(SETTLE_S)
    for combo in _visible(page.findChildren(QComboBox)):
        if combo.count() < 2 or combo.isEditable():
            continue
        beat.at(f"{key}: saring {combo.objectName() or combo.currentText()}")
        start = combo.currentIndex()
        combo.setCurrentIndex((start + 1) % combo.count())
        _pump(SETTLE_S)
        combo.setCurrentIndex(start)
        _pump(SETTLE_S)
    for view in _visible(page.findChildren(QTableView)):
        model = view.model()
        if model is None or not model.canFetchMore(QModelIndex()):
            continue
        beat.at(f"{key}: gulir ke akhir tabel")
        for _i in range(SCROLLS_TO_END):  # each time the view reaches the end it asks for more rows
            view.scrollToBottom()
            _pump(SETTLE_S * 2)
        view.scrollToTop()
        _pump(SETTLE_S)
    for view in _visible(page.findChildren(QTableView)):
        if (
            view.model() is not None
            and view.model().rowCount()
            and (view.selectionMode() != QAbstractItemView.SelectionMode.NoSelection)
        ):
            view.selectRow(0)
    _pump(SETTLE_S)
    for button in _visible(page.findChildren(QPushButton)):
        if button.objectName() in SKIPPED_BUTTONS or not button.isVisibleTo(page):
            continue
        beat.at(f"{key}: {button.text().replace('&', '')}")
        button.click()
        _pump(DIALOG_OPEN_S + 0.3)


def _drive_menus(window: Any, beat: Heartbeat) -> None:
    """The main window's menu dialogs (settings, backup, users, about, ...), each opened and closed."""
    from PySide6.QtWidgets import QMenu

    for menu in window.menuBar().findChildren(QMenu):
        for action in menu.actions():
            if (
                action.isSeparator()
                or not action.isEnabled()
                or action.menu() is not None
                or action.shortcut().toString() == "Ctrl+Q"
                or action.objectName() == "action_lock"  # the lock screen asks for the password again
            ):
                continue
            beat.at(f"menu: {action.text().replace('&', '')}")
            action.trigger()
            _pump(DIALOG_OPEN_S + 0.3)


def ours(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    _bytecode()
    from PySide6.QtWidgets import QPushButton

    from bench.workloads.import_commit import make_messy_list
    from kaltim_desk.app import AppContext
    from kaltim_desk.config import sqlite_url
    from kaltim_desk.core.actor import Actor
    from kaltim_desk.db import Database
    from kaltim_desk.tasks import ThreadPoolTaskRunner
    from kaltim_desk.user_settings import UserSettings
    from kaltim_desk.views.main_window import MainWindow

    assert db is not None
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sheet = make_messy_list(10_000, workdir / "messy-10000.xlsx")
    app = application()
    prompts = DecliningPrompts()
    ctx = AppContext(
        db=Database(sqlite_url(db)),
        tasks=ThreadPoolTaskRunner(),
        prompts=prompts,  # type: ignore[arg-type]
        user_settings=UserSettings.load(workdir / "settings.json"),
        actor=Actor("bench", "admin"),
    )
    closer = _closer()
    t = time.perf_counter()
    window = MainWindow(ctx)  # start-up itself is the cold_start workload's
    window.resize(1366, 728)
    window.show()
    _pump(SETTLE_S)
    build_s = time.perf_counter() - t
    beat = Heartbeat()
    stacks = os.environ.get("KALTIM_BENCH_STALL_STACKS")
    sampler = StallSampler(beat, Path(stacks)) if stacks else None
    if os.environ.get("KALTIM_BENCH_SWITCH_INTERVAL"):
        sys.setswitchinterval(float(os.environ["KALTIM_BENCH_SWITCH_INTERVAL"]))
    if os.environ.get("KALTIM_BENCH_STALL_PROFILE"):
        beat.profile_dir = Path(os.environ["KALTIM_BENCH_STALL_PROFILE"])
        beat.profile_dir.mkdir(parents=True, exist_ok=True)
    only = os.environ.get("KALTIM_BENCH_STALL_PAGES")  # e.g. "monitoring,reports": a shorter run
    for spec in list(window.specs):
        if only and spec.key not in only.split(","):
            continue
        beat.at(f"{spec.key}: dibuka")
        window.show_page(spec.key)
        _pump(SETTLE_S * 2)
        page = window.page(spec.key)
        if page is not None:
            _drive_page(spec.key, page, beat)
    if not only:
        _drive_menus(window, beat)
    # an import started and cancelled: the wizard reads the 10,000-row sheet, then the person presses Esc
    people_page = window.show_page("people")
    prompts.file_answer = sheet
    button = people_page.findChild(QPushButton, "import_excel") if people_page is not None else None
    if button is not None:
        beat.at("impor 10.000 baris dimulai lalu dibatalkan")
        button.click()
        _pump(3.0)
    # an export started and cancelled
    prompts.file_answer = workdir / "bnba.xlsx"
    reports = window.show_page("reports")
    save = reports.findChild(QPushButton, "save") if reports is not None else None
    if save is not None:
        beat.at("ekspor dimulai lalu dibatalkan")
        save.click()
        _pump(1.0)
        cancel = reports.findChild(QPushButton, "cancel") if reports is not None else None
        if cancel is not None and cancel.isEnabled():
            cancel.click()
        _pump(1.0)
    prompts.file_answer = None
    beat.at("selesai")
    _pump(SETTLE_S)
    beat.stop()
    if sampler is not None:
        sampler.stop()
    closer.stop()
    ctx.tasks.wait(30_000)  # type: ignore[attr-defined]
    seconds = time.perf_counter() - t
    worst = sorted(beat.worst.items(), key=lambda kv: kv[1], reverse=True)
    window.close()
    app.processEvents()
    # The window and its dialogs deleted now, not by PySide's clean-up at interpreter exit, where the
    # child crashed or hung in Qt's teardown after printing its result (on main too).
    from PySide6.QtCore import QCoreApplication, QEvent

    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return {
        "seconds": beat.longest,
        "worst_step": worst[0][0] if worst else "",
        "steps": "; ".join(f"{name} {gap * 1000:.0f} ms" for name, gap in worst[:5]),
        "steps_run": len(beat.worst),
        "steps_over_100ms": sum(1 for _name, gap in worst if gap >= 0.1),
        "run_s": seconds,
        "window_build_s": build_s,
    }


def baseline(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    from PySide6.QtWidgets import QMainWindow

    app = application()
    window = QMainWindow()
    window.resize(1366, 728)
    window.show()
    beat = Heartbeat()
    beat.at("diam")
    _pump(20.0)
    beat.stop()
    window.close()
    app.processEvents()
    return {"seconds": beat.longest}
