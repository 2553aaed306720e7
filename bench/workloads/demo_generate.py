"""Making the demo office with n people (`kaltim_desk.demo.office.create_demo_office`, every feature's step).

Ours: the app's own demo generator on a fresh, migrated database (migration not timed). Baseline:
sqlite3 alone writing the same shape of data into the same schema: n people rows (same columns, random
values) and n/20 groups with ~8 members each by `executemany`, the name index filled in one statement,
one transaction.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

from bench.generate import fresh_database
from kaltim_desk.services.registry.search import SQLITE_INDEX_PEOPLE, SQLITE_INSERT_TRIGGER


def _fresh(workdir: Path, name: str) -> Path:
    path = workdir / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    fresh_database(path).dispose()
    return path


def ours(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    from kaltim_desk.config import sqlite_url
    from kaltim_desk.db import Database
    from kaltim_desk.demo.office import create_demo_office

    path = _fresh(workdir, "demo-ours.db")
    database = Database(sqlite_url(path))
    steps: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def progress(done: int, total: int, label: str) -> None:
        now = time.perf_counter()
        if last[1]:
            steps[str(last[1])] = round(now - float(last[0]), 2)
        last[:] = [now, label]

    t = time.perf_counter()
    create_demo_office(database, people=n, progress=progress)
    seconds = time.perf_counter() - t
    database.dispose()
    return {"seconds": seconds, "steps": steps}


def baseline(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    from kaltim_desk.demo.names import FIRST_NAMES, LAST_NAMES

    path = _fresh(workdir, "demo-base.db")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    villages = [r[0] for r in con.execute("SELECT code FROM region WHERE level = 4 ORDER BY code")]
    rng = Random(7)
    t = time.perf_counter()
    now = datetime.now().isoformat(sep=" ")
    con.execute("BEGIN")
    con.execute("DROP TRIGGER person_fts_ai")
    rows = []
    for i in range(n):
        v = rng.choice(villages)
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}".upper()
        rows.append(
            (
                f"{v[:8].replace('.', '')}{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}{i % 9999 + 1:04d}",
                name,
                "P",
                born.isoformat(),
                v,
                f"{rng.randrange(1, 40):03d}",
                "Jl. Merdeka",
                "+6281234567",
                "kawin",
                1,
                "DTSEN",
                rng.randrange(1, 5),
                "Kuliner",
                "BRI",
                str(rng.randrange(10**9, 10**10)),
                name,
                1,
                now,
                now,
                1,
            )
        )
    con.executemany(
        "INSERT OR IGNORE INTO person (nik, name, sex, birth_date, village_code, rt, street, phone, "
        "marital_status, is_household_head, welfare_source, welfare_decile, business_type, bank_name, "
        "bank_account, bank_holder, is_active, created_at, updated_at, version) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    con.execute(SQLITE_INDEX_PEOPLE)
    ids = [r[0] for r in con.execute("SELECT id FROM person ORDER BY id")]
    groups = [
        (f"KUBE BENCH {g}", villages[g % len(villages)], "Kuliner", "active", now, now, 1)
        for g in range(max(3, n // 20))
    ]
    con.executemany(
        "INSERT INTO kube_group (name, village_code, business_type, status, created_at, updated_at, version) "
        "VALUES (?,?,?,?,?,?,?)",
        groups,
    )
    gids = [r[0] for r in con.execute("SELECT id FROM kube_group ORDER BY id")]
    members = [(gids[k // 8], pid, "anggota") for k, pid in enumerate(ids[: len(gids) * 8])]
    con.executemany("INSERT INTO group_member (group_id, person_id, role) VALUES (?,?,?)", members)
    con.execute(SQLITE_INSERT_TRIGGER)
    con.execute("COMMIT")
    seconds = time.perf_counter() - t
    con.close()
    return {"seconds": seconds}
