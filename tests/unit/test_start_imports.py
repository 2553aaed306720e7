"""What the window's start loads: only what the first screen needs. Documents, workbooks, charts, the
migration engine and the commands' modules load when a person first uses them, so a clerk's PC opens the
people page without paying for them (bench `cold_start` measures the time; this guards the budget)."""

from __future__ import annotations

import json
import subprocess
import sys

# Libraries the first screen never needs (each costs tens to hundreds of milliseconds to import).
DEFERRED = (
    "reportlab",
    "openpyxl",
    "python_calamine",
    "alembic",
    "PySide6.QtCharts",
    "num2words",
    "qrcode",
    "msoffcrypto",
    "rapidfuzz",
)

PROBE = """
import json, sys
import kaltim_desk.views.application as application
seen = {}
application.run_gui = lambda db: seen.setdefault("db", db) and 0
from kaltim_desk import cli
cli.main(["--db", "kantor.db"])
import kaltim_desk.views.main_window, kaltim_desk.views.pages.people
print(json.dumps({"db": seen.get("db"), "modules": sorted(sys.modules)}))
"""


def test_the_window_starts_without_the_commands_or_the_heavy_libraries():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=None
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["db"] == "kantor.db"
    modules = set(result["modules"])
    loaded = [m for m in DEFERRED if m in modules]
    assert loaded == [], f"loaded on the way to the first screen: {loaded}"
    commands = sorted(
        m for m in modules if m.startswith("kaltim_desk.commands.") and m != "kaltim_desk.commands.common"
    )
    assert commands == []
