"""What the window's start loads: only what the first screen needs. Documents, workbooks, charts, the
migration engine, password hashing and the commands' modules load when a person first uses them, so a
clerk's PC opens the people page without paying for them, and a first start paints its set-up wizard
before even SQLAlchemy and the models are loaded (bench `cold_start` and `first_start` measure the time;
this guards the budget).

Each start runs for real in a fresh interpreter, the way the benchmark's children run it (`kaltim_desk.
cli` for the first start; `cli`'s order then `views.startup.open_for_window` and the main window for the
people page), and lists the modules loaded at the moment the screen is painted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Libraries the first screens never need (each costs tens to hundreds of milliseconds to import).
DEFERRED = (
    "reportlab",
    "openpyxl",
    "python_calamine",
    "phonenumbers",
    "alembic",
    "babel",
    "lokal",
    "mako",
    "PySide6.QtCharts",
    "num2words",
    "qrcode",
    "msoffcrypto",
    "rapidfuzz",
)
# The set-up wizard's start page needs no database: none of this before it is painted.
NOT_BEFORE_THE_WIZARD = (
    "sqlalchemy",
    "argon2",
    "kaltim_desk.models",
    "kaltim_desk.db",
    "kaltim_desk.core.settings",
)


def _loaded(args: list[str], tmp_path: Path, **env: str) -> set[str]:
    dump = tmp_path / "modules.txt"
    environ = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        KALTIM_BENCH_MODULES=str(dump),
        KALTIM_DESK_DATA_DIR=str(tmp_path / "data"),
        KALTIM_DESK_CONFIG_DIR=str(tmp_path / "config"),
        **env,
    )
    environ.pop("KALTIM_DESK_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return set(dump.read_text("utf-8").split())


def _heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)]


def test_a_first_start_paints_the_wizard_before_the_database_layer_or_a_heavy_library(tmp_path):
    environ = {"KALTIM_DESK_AUDIT_KEY_FILE": str(tmp_path / "data" / "audit.key")}
    modules = _loaded(["bench.workloads.first_start", "ours"], tmp_path, **environ)
    assert "kaltim_desk.views.dialogs.first_run_wizard" in modules  # it did get there
    assert _heavy(modules, DEFERRED + NOT_BEFORE_THE_WIZARD) == []
    commands = sorted(m for m in modules if m.startswith("kaltim_desk.commands."))
    assert commands == []


@pytest.mark.sqlite_only
def test_the_people_page_paints_without_the_heavy_libraries(tmp_path, db_url):
    from kaltim_desk.config import sqlite_path
    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.db import Database
    from kaltim_desk.services.office.bootstrap import prepare
    from tests.factories import make_person

    db = Database(db_url)
    prepare(db)
    with db.session(SYSTEM_ACTOR) as s:
        make_person(s, name="Siti Aminah")
    db.dispose()
    path = sqlite_path(db_url)
    assert path is not None
    modules = _loaded(["bench.workloads.cold_start", "ours", str(path)], tmp_path)
    assert "kaltim_desk.views.pages.people" in modules
    assert _heavy(modules, DEFERRED) == []
    assert "argon2" not in modules  # no password is checked on the way (the login loads it)
    commands = sorted(
        m for m in modules if m.startswith("kaltim_desk.commands.") and m != "kaltim_desk.commands.common"
    )
    assert commands == []
