"""First-ever start: from launching Python to the set-up wizard shown and painted, on a fresh profile
(no settings, no database, no audit key).

Each side runs in a fresh interpreter (`python -m bench.workloads.first_start ours|baseline`) with data and
config folders of its own that do not exist yet, timed from the parent, with the bytecode cache of
`cold_start`, filled by one unmeasured start first (an installed app starts from compiled bytecode). Ours runs `kaltim_desk.cli.main([])`, the
same entry point as `kaltim-desk` with no argument, so everything a clerk's first start does before the
wizard is measured (display check, settings, QApplication, translators, the damaged-file check, the
database, the wizard's pages); the child ends as soon as the wizard's first paint is done. Baseline:
PySide6 alone, a QWizard with a start page of two choices and three form pages, shown and painted.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import Any

READY = "FIRST-START-READY"


def _spawn(side: str, workdir: Path) -> dict[str, Any]:
    from bench.workloads.cold_start import start_env, time_until_ready  # here: the child's start stays lean

    profile = workdir / f"first-start-{side}-{uuid.uuid4().hex[:8]}"  # never made before: a fresh profile
    env = start_env(profile / "data", profile / "config")
    for name in ("KALTIM_DESK_AUDIT_KEY_FILE", "KALTIM_DESK_DATABASE_URL"):
        env.pop(name, None)  # a first start has neither
    seconds, info = time_until_ready(
        ["bench.workloads.first_start", side],
        env,
        READY,
        f"first start ({side}) did not show the set-up wizard",
    )
    title, _, peak = info.rpartition(" ")
    return {"seconds": seconds, "window": title, "child_peak_mb": float(peak)}


def ours(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    from bench.workloads.cold_start import warmed

    return warmed(lambda: _spawn("ours", workdir))  # each run on a profile of its own


def baseline(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    from bench.workloads.cold_start import warmed

    return warmed(lambda: _spawn("baseline", workdir))


def _when_painted(app: Any, wanted: str) -> None:
    """Report and end the process once a top-level window of class `wanted` has finished its first paint
    (the report is queued behind the paint, so the pixels are there when the parent reads the line)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Watch(QObject):
        fired = False

        def eventFilter(self, watched: Any, event: Any) -> bool:
            if not self.fired and event.type() == QEvent.Type.Paint and hasattr(watched, "window"):
                top = watched.window()
                if type(top).__name__ == wanted or any(c.__name__ == wanted for c in type(top).__mro__):
                    self.fired = True
                    dump = os.environ.get("KALTIM_BENCH_MODULES")
                    if dump:  # what was loaded to paint it (tests/unit/test_start_imports.py)
                        Path(dump).write_text("\n".join(sorted(sys.modules)), "utf-8")
                    QTimer.singleShot(0, lambda: _ready(top))
            return False

    def _ready(top: Any) -> None:
        from bench.memory import peak_mb

        top.grab()
        print(READY, top.windowTitle().replace(" ", "_"), round(peak_mb(), 1), flush=True)
        sys.stdout.flush()
        os._exit(0)

    watch = Watch(app)
    app.installEventFilter(watch)
    _when_painted.keep = watch  # type: ignore[attr-defined]


def _ours_child() -> None:
    # The real entry point; the application object it makes gets the paint watch, nothing else changes.
    from kaltim_desk.views import application

    make = application.make_application

    def make_and_watch() -> Any:
        app = make()
        _when_painted(app, "QWizard")
        return app

    application.make_application = make_and_watch  # type: ignore[assignment]
    from kaltim_desk.cli import main

    main([])
    raise SystemExit("the set-up wizard was not shown")


def _baseline_child() -> None:
    from PySide6.QtWidgets import (
        QApplication,
        QFormLayout,
        QLabel,
        QLineEdit,
        QRadioButton,
        QVBoxLayout,
        QWizard,
        QWizardPage,
    )

    app = QApplication(sys.argv[:1])
    _when_painted(app, "QWizard")
    wizard = QWizard()
    wizard.setWindowTitle("Penyiapan")
    wizard.setWizardStyle(QWizard.WizardStyle.ModernStyle)
    start = QWizardPage()
    start.setTitle("Selamat datang")
    layout = QVBoxLayout(start)
    for text in ("Siapkan kantor saya", "Pakai kantor demo"):
        layout.addWidget(QRadioButton(text))
    layout.addWidget(QLabel("Semua pilihan dapat diubah kemudian."))
    wizard.addPage(start)
    for title, fields in (
        ("Kantor", ("Nama kantor", "Kode", "Alamat", "Kota", "Telepon")),
        ("Pejabat", ("Nama", "Jabatan", "Pangkat", "NIP")),
        ("Akun admin", ("Nama pengguna", "Nama lengkap", "Kata sandi", "Ulangi")),
    ):
        page = QWizardPage()
        page.setTitle(title)
        form = QFormLayout(page)
        for label in fields:
            form.addRow(label, QLineEdit())
        wizard.addPage(page)
    wizard.resize(760, 560)
    wizard.exec()
    raise SystemExit("the wizard closed before it was painted")


if __name__ == "__main__":
    (_ours_child if sys.argv[1] == "ours" else _baseline_child)()
