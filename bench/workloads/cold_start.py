"""Cold start to a usable main window on n people: from launching Python to the main window shown
with the people page's first rows painted.

Each side runs in a fresh interpreter (`python -m bench.workloads.cold_start ours|baseline DB`), timed
from the parent: interpreter start, imports, opening (and checking) the database, building the window,
the first page. Ours follows `views.application.run_gui` (settings, QApplication, `prepare`, the main
window) without entering the event loop for good. Baseline: PySide6 + sqlite3, a QMainWindow with a
QTableView showing the same first page (count + 200 rows by name).
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

READY = "COLD-START-READY"


def start_env(data: Path, config: Path) -> dict[str, str]:
    """A child's environment: offscreen Qt, the app's folders, and bytecode kept in the bench cache. An
    installed app starts from compiled bytecode (PyInstaller ships .pyc); this environment sets
    PYTHONDONTWRITEBYTECODE, which would make every start compile SQLAlchemy & co. from source (~2 s)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(_pycache())
    env["KALTIM_DESK_DATA_DIR"] = str(data)
    env["KALTIM_DESK_CONFIG_DIR"] = str(config)
    return env


def time_until_ready(args: list[str], env: dict[str, str], ready: str, what: str) -> tuple[float, str]:
    """Launch `python -m <args>` and time it until it prints a line starting with `ready`; returns the
    seconds and the rest of that line. `what` names the start in the error when it never gets there."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", *args],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout is not None
    seconds = None
    info = ""
    for line in proc.stdout:
        if line.startswith(ready):
            seconds = time.perf_counter() - t
            info = line[len(ready) :].strip()
    proc.wait(120)
    if seconds is None or proc.returncode != 0:
        raise RuntimeError(f"{what} (exit {proc.returncode})")
    return seconds, info


def _spawn(side: str, db: Path, workdir: Path) -> dict[str, Any]:
    env = start_env(workdir / "data", workdir / f"config-{side}")
    seconds, info = time_until_ready(
        ["bench.workloads.cold_start", side, str(db)],
        env,
        READY,
        f"cold start ({side}) did not reach a usable window",
    )
    rows, _, peak = info.partition(" ")
    return {"seconds": seconds, "rows": int(rows), "child_peak_mb": float(peak)}


def _pycache() -> Path:
    from bench.generate import cache_dir

    return cache_dir() / "pycache"


def warmed(start: Any) -> dict[str, Any]:
    """`start()` timed on its second run. The first start after a change of code (or of Python, or of a
    library) compiles every module it loads into the bytecode cache, which an installed app never does
    (the installer ships the bytecode); that first, unmeasured start fills the cache."""
    start()
    return dict(start())


def ours(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    assert db is not None
    return warmed(lambda: _spawn("ours", db, workdir))


def baseline(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    assert db is not None
    return warmed(lambda: _spawn("baseline", db, workdir))


def _peak() -> float:
    from bench.memory import peak_mb

    return peak_mb()


def _ours_child(db: str) -> None:
    # The steps of `kaltim_desk.cli.main` and `views.application.run_gui` up to `app.exec()`, without the
    # first-run wizard and the login dialog (a person would be typing there; the timer would measure
    # them, not the app), nor the guards started after the login (the daily backup would write into
    # the benchmark's cache).
    from kaltim_desk import cli

    gc.disable()  # as cli's window start
    page_check = None
    if cli.database_exists(db):
        page_check = cli.start_page_check(db)
        cli.load_data_layer()
    from PySide6.QtCore import QLocale

    from kaltim_desk.config import database_url
    from kaltim_desk.i18n import set_language
    from kaltim_desk.tasks import ThreadPoolTaskRunner
    from kaltim_desk.user_settings import UserSettings
    from kaltim_desk.views import application, startup
    from kaltim_desk.views.main_window import MainWindow

    settings = UserSettings.load()
    set_language(settings.language)
    app = application.make_application()
    if hasattr(application, "install_translators"):
        application.install_translators(app, settings.language)
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    prompts = application.QtPrompts(settings)
    application.install_excepthook(prompts)
    url = database_url(db)
    opened, _remote = startup.open_for_window(url, prompts, ThreadPoolTaskRunner(), settings, page_check)
    assert opened is not None
    application.resume_gc()  # where the login dialog would come
    window = MainWindow(opened)  # as the system (the login would give the clerk's account)
    window.show()
    page = window.page("people")
    model = page.model  # type: ignore[union-attr]
    if not model.rows:
        from bench.workloads._qt import wait_for

        wait_for(model.loaded)
    window.grab()
    dump = os.environ.get("KALTIM_BENCH_MODULES")
    if dump:  # what was loaded to get here (tests/unit/test_start_imports.py)
        Path(dump).write_text("\n".join(sorted(sys.modules)), "utf-8")
    print(READY, model.rowCount(), round(_peak(), 1), flush=True)
    window.ctx.tasks.wait(5000)  # type: ignore[attr-defined]


def _baseline_child(db: str) -> None:
    import sqlite3

    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    from bench.workloads._qt import BareModel

    app = QApplication(sys.argv[:1])
    con = sqlite3.connect(db)
    total = con.execute("SELECT count(*) FROM person WHERE is_active = 1").fetchone()[0]
    rows = con.execute(
        "SELECT nik, name, birth_date, village_code, business_type FROM person WHERE is_active = 1 "
        "ORDER BY name, id LIMIT 200"
    ).fetchall()
    window = QMainWindow()
    view = QTableView()
    view.setModel(BareModel.make(rows, ["NIK", "Nama", "Tgl lahir", "Desa", "Usaha"]))
    window.setCentralWidget(view)
    window.statusBar().showMessage(f"{total} data")
    window.resize(1280, 720)
    window.show()
    app.processEvents()
    window.grab()
    print(READY, len(rows), round(_peak(), 1), flush=True)


if __name__ == "__main__":
    (_ours_child if sys.argv[1] == "ours" else _baseline_child)(sys.argv[2])
