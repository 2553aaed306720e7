"""Search-as-you-type on n people: every keystroke of three names and of a NIK.

Ours: what the people page's model asks per keystroke (after its 180 ms pause): `page_people` (the
first 200 rows the table shows) and, as a second background task, `count_people`, with the typed text
and the page's default filter (active people), each in its own read session as `SessionSource` opens
them. Baseline: the same reads in raw sqlite3, written the plain way over the same FTS5 index (name)
or NIK range. Each keystroke is timed 3 times and its best kept (the machine is shared). "seconds" is
the mean time to the rows over keystrokes, "worst_s" the slowest keystroke's; "count_worst_s" the
slowest count (it arrives after the rows).
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPEAT = 3
NAMES = ("siti aminah", "nur hayati", "sri wahyuni")


def _keystrokes(nik: str) -> list[str]:
    out: list[str] = []
    for name in NAMES:
        out += [name[:i] for i in range(1, len(name) + 1) if not name[:i].endswith(" ")]
    out += [nik[:i] for i in range(1, 17)]
    return out


def _a_nik(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        n = con.execute("SELECT count(*) FROM person").fetchone()[0]
        return str(con.execute("SELECT nik FROM person WHERE id = ?", (max(1, n // 2),)).fetchone()[0])
    finally:
        con.close()


def _run(keys: list[str], page: Callable[[str], int], count: Callable[[str], int]) -> dict[str, Any]:
    per_key: list[float] = []
    per_count: list[float] = []
    worst_key = worst_count_key = ""
    counts: dict[str, int] = {}
    for k in keys:
        best = best_count = float("inf")
        for _ in range(REPEAT):
            t = time.perf_counter()
            page(k)
            best = min(best, time.perf_counter() - t)
            t = time.perf_counter()
            counts[k] = count(k)
            best_count = min(best_count, time.perf_counter() - t)
        if not per_key or best > max(per_key):
            worst_key = k
        if not per_count or best_count > max(per_count):
            worst_count_key = k
        per_key.append(best)
        per_count.append(best_count)
    return {
        "seconds": statistics.fmean(per_key),
        "worst_s": max(per_key),
        "worst_key": worst_key,
        "count_mean_s": statistics.fmean(per_count),
        "count_worst_s": max(per_count),
        "count_worst_key": worst_count_key,
        "keystrokes": len(keys),
        "matches": {k: counts[k] for k in (keys[1], keys[-1])},
    }


def ours(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    from kaltim_desk.config import sqlite_url
    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.core.dto import PageFilter
    from kaltim_desk.db import Database
    from kaltim_desk.services.registry import people

    assert db is not None
    database = Database(sqlite_url(db))
    with database.read_session(SYSTEM_ACTOR) as s:  # warm: the app has been open a while
        people.count_people(s, PageFilter(text="a", status="active"))

    def page(text: str) -> int:
        with database.read_session(SYSTEM_ACTOR) as s:
            return len(people.page_people(s, PageFilter(text=text, status="active"), "name", False, 0, 200))

    def count(text: str) -> int:
        with database.read_session(SYSTEM_ACTOR) as s:
            return people.count_people(s, PageFilter(text=text, status="active"))

    return _run(_keystrokes(_a_nik(db)), page, count)


def baseline(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    from kaltim_desk.services.registry.search import ID_MASK, fts_query, nik_prefix, words

    assert db is not None
    con = sqlite3.connect(db)
    cols = "p.id, p.nik, p.name, p.birth_date, p.village_code, p.business_type, p.is_active"

    def where(text: str) -> tuple[str, list[str]]:
        nik = nik_prefix(text)
        if nik:
            return "p.nik >= ? AND p.nik < ?", [nik, nik + "\uffff"]
        ws = words(text)
        if not ws:
            return "1", []
        return f"p.id IN (SELECT rowid & {ID_MASK} FROM person_fts WHERE person_fts MATCH ?)", [fts_query(ws)]

    def count(text: str) -> int:
        w, args = where(text)
        sql = f"SELECT count(*) FROM person p WHERE {w} AND p.is_active = 1"
        return int(con.execute(sql, args).fetchone()[0])

    def page(text: str) -> int:
        w, args = where(text)
        sql = f"SELECT {cols} FROM person p WHERE {w} AND p.is_active = 1 ORDER BY p.name, p.id LIMIT 200"
        rows = con.execute(sql, args).fetchall()
        ids = [r[0] for r in rows]
        codes = sorted({c for r in rows if r[4] for c in (r[4], r[4][:8], r[4][:5])})
        if codes:
            marks = ",".join("?" * len(codes))
            con.execute(f"SELECT code, name FROM region WHERE code IN ({marks})", codes).fetchall()
        if ids:
            marks = ",".join("?" * len(ids))
            con.execute(
                "SELECT m.person_id, g.name FROM group_member m JOIN kube_group g ON g.id = m.group_id "
                f"WHERE m.person_id IN ({marks}) AND g.status != 'inactive'",
                ids,
            ).fetchall()
        return len(rows)

    return _run(_keystrokes(_a_nik(db)), page, count)
