"""The benchmark harness at its tiny scale, so that it can not rot: every workload has its row, our side
and the baseline both ran, ratios are numbers. Speed itself is never asserted here (bench/ measures it).
Also: the generator's data is valid (every NIK passes the NIK check, the name index is whole)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OWN_WORKLOADS = ("people_page", "search", "cold_start", "first_start", "demo_generate")


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bench-cache")


def test_generated_data_is_valid_and_covers_every_feature_table_that_exists(bench_dir, monkeypatch):
    monkeypatch.setenv("KALTIM_BENCH_DIR", str(bench_dir))
    sys.path.insert(0, str(ROOT))
    try:
        from bench.generate import cached_database, row_counts
    finally:
        sys.path.remove(str(ROOT))
    from kaltim_desk.domain.nik import check_nik

    path = cached_database(300, log=lambda _m: None)
    assert cached_database(300, log=lambda _m: None) == path  # made once, then reused
    counts = row_counts(path)
    assert counts["person"] == 300
    assert counts["kube_group"] >= 10 and counts["group_member"] >= 50
    for table in ("aid_grant", "training_attendance", "visit"):
        if table in counts:  # the feature's model exists: the generator must fill it
            assert counts[table] > 0, table
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT nik, birth_date, sex FROM person").fetchall()
        con.execute("INSERT INTO person_fts(person_fts) VALUES ('integrity-check')")
        indexed = con.execute("SELECT count(*) FROM person_fts WHERE person_fts MATCH 'a*'").fetchone()[0]
        names = [r[0] for r in con.execute("SELECT name FROM person")]
    finally:
        con.close()
    bad = [nik for nik, _born, sex in rows if not check_nik(nik, sex=sex).ok]
    assert bad == []
    direct = sum(any(w.startswith("a") for w in re.findall(r"\w+", n.casefold())) for n in names)
    assert indexed == direct > 0


def _workload_names() -> set[str]:
    sys.path.insert(0, str(ROOT))
    try:
        from bench.workloads import WORKLOADS
    finally:
        sys.path.remove(str(ROOT))
    return {w.name for w in WORKLOADS}


def test_the_harness_prints_a_row_for_every_workload_with_numeric_ratios(bench_dir, tmp_path):
    out = tmp_path / "rows.json"
    env = dict(os.environ, KALTIM_BENCH_DIR=str(bench_dir), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", "tiny", "--json", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {r["name"]: r for r in json.loads(out.read_text())}
    assert set(rows) == _workload_names() >= set(OWN_WORKLOADS)
    for name in OWN_WORKLOADS:
        r = rows[name]
        assert r["status"] == "ok", (name, r["detail"])
        assert isinstance(r["ratio"], float) and r["ratio"] > 0, name
        assert r["peak_mb"] > 0 and r["passed"] in (True, False)
    for r in rows.values():  # others' workloads: measured, or plainly not there yet, never an error
        assert r["status"] in ("ok", "missing"), (r["name"], r["detail"])
        if r["status"] == "ok":
            assert isinstance(r["ours_s"], float) and r["ours_s"] > 0, r["name"]
    table = proc.stdout
    assert "| workload | n | ours | baseline | ratio | peak MB | target | result |" in table
    for name in rows:
        assert f"| {name} |" in table
    assert "SQLite" in table and "CPU" in table  # the machine it ran on


def test_a_childs_peak_memory_is_its_own_not_its_parents():
    """A parent that had just made a big database (the generator) must not lend its size to the child it
    starts: the child of a parent holding 300 MB reports its own few MB."""
    ballast = bytearray(300 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    out = subprocess.run(
        [sys.executable, "-c", "from bench.memory import peak_mb; print(peak_mb())"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    del ballast
    assert float(out) < 150
