"""Hostile workbooks through the real commands (issue 17, finding 2): each case, for `import` and for
`consolidate`, in a process of its own, ends within 10 s and 500 MB of memory in a clear Indonesian
message with exit 2 (or, for files that are odd but harmless, in a normal import), never an abort, a
traceback or "kesalahan tak terduga".

The corpus is made by code (tests/fixtures/hostile_workbooks.py) and measured by
tests/fixtures/bounded_run.py: one forked child per file and command, its peak memory from wait4.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.settings import OfficeProfile, set_raw
from kaltim_desk.db import Database
from kaltim_desk.services.excel import exports
from kaltim_desk.services.office.bootstrap import prepare
from tests.factories import make_active_group
from tests.fixtures import hostile_workbooks as hw

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor("admin.kab", "admin")
SECONDS, MEGABYTES = 10.0, 500.0
CASE_LABELS = [
    "far-xfd",
    "far-kn200000",
    "district-far-xfd",
    "district-far-kn200000",
    "far-alone",
    "far-no-refs",
    "far-prefixed",
    "far-utf16",
    "far-twin",
    "far-odd-target",
    "unclosed-cells",
    "merged-50",
    "merged-5000",
    "merged-overlap",
    "huge-dimension",
    "doctype-late",
    "deep-nesting",
    "shared-strings",
    "many-sheets",
    "formulas",
    "spin-huge",
    "spin-10m",
]

pytestmark = pytest.mark.slow


def district_export(tmp: Path) -> bytes:
    """A masked BNBA export of a regency office with a KUBE of five, as the province receives it."""
    db = Database(f"sqlite:///{tmp / 'kabupaten.db'}")
    prepare(db)
    with db.session(ADMIN) as s:
        set_raw(
            s,
            OfficeProfile.SECTION,
            dataclasses.asdict(OfficeProfile(office_level="regency", region_code="64.72")),
        )
        make_active_group(s, size=5, name="KUBE Anggrek")
    with db.session(ADMIN) as s:
        exports.export_report(s, "bnba", tmp / "smd.xlsx")
    db.dispose()
    return (tmp / "smd.xlsx").read_bytes()


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[hw.Case, dict]]:
    tmp = tmp_path_factory.mktemp("hostile-corpus")
    cases = hw.corpus(tmp, district_export(tmp))
    assert [c.label for c in cases] == CASE_LABELS
    jobs = tmp / "jobs.json"
    jobs.write_text(
        json.dumps([{"label": c.label, "path": str(c.path), "password": c.password} for c in cases])
    )
    results = tmp / "results.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    subprocess.run(
        [sys.executable, "-m", "tests.fixtures.bounded_run", str(jobs), str(results)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=1200,
    )
    got = json.loads(results.read_text())
    return {c.label: (c, got[c.label]) for c in cases}


@pytest.mark.parametrize("command", ["import", "consolidate"])
@pytest.mark.parametrize("label", CASE_LABELS)
def test_hostile_workbook_ends_quickly_in_a_clear_message(measured, label, command):
    case, results = measured[label]
    r = results[command]
    said = r["stdout"] + r["stderr"]
    where = f"{label} ({case.finding}), {command}: {said[-400:]!r}"
    assert not r["timed_out"] and r["signal"] == 0, where
    assert r["seconds"] < SECONDS, where
    assert r["peak_mb"] < MEGABYTES, where
    assert "Traceback" not in said and "tak terduga" not in said, where
    want_rc, want_text = (
        (case.import_rc, case.import_text)
        if command == "import"
        else (case.consolidate_rc, case.consolidate_text)
    )
    assert r["rc"] == want_rc, where
    assert want_text in said, where
    if command == "import" and want_rc == 2:
        assert case.path.name in said, where  # the message names the file
