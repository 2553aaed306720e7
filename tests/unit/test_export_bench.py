"""bench/bench_excel.py and the import workload at a tiny scale, so that it can not rot: both sides run and return times.
Speed itself is not asserted here (the bench measures it)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_excel_measures_both_sides(tmp_path, monkeypatch):
    monkeypatch.setenv("KALTIM_BENCH_DIR", str(tmp_path / "cache"))
    sys.path.insert(0, str(ROOT))
    try:
        from bench.bench_excel import measure_export
        from bench.workloads.import_commit import measure as measure_import
    finally:
        sys.path.remove(str(ROOT))
    exp = measure_export(300, tmp_path / "work")
    imp = measure_import(40, tmp_path / "work")
    for r in (exp, imp):
        assert r["ours_s"] > 0 and r["baseline_s"] > 0
    assert exp["rows"] == 300
