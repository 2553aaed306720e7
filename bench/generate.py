"""Realistic data at a chosen scale: people with valid NIKs for Kaltim regions, KUBE groups, grants,
trainings with attendance, and mentoring visits.

People and groups come from the demo office's own generator (`kaltim_desk.demo.registry`, bulk Core
inserts), so the benchmark measures the data the app really makes. Then each other feature's demo step
runs when the scale is small enough for it (`FEATURE_DEMO_LIMIT`); at larger scales, and for tables a
feature's demo left empty, this module adds rows itself in bulk (Core `insert(table), [dicts]`),
proportionate to the people: about one grant per group and per 20 people, one training per 200 people
with 25 participants and 3 sessions each, one visit per grant. A table whose model does not exist yet
is skipped.

Generated databases are cached by scale and schema head (`cached_database`), since 1,000,000 people take
a minute or two to make.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any

SCALES = {"tiny": 300, "small": 10_000, "district": 100_000, "province": 1_000_000}
FEATURE_DEMO_LIMIT = 5_000  # above this many people, features' demo steps are replaced by bulk rows
CHUNK = 5_000

Log = Callable[[str], None]


def cache_dir() -> Path:
    base = os.environ.get("KALTIM_BENCH_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kaltim-desk-bench"
    )
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def use_cache_audit_key() -> Path:
    """The cached databases' audit key: one file in the cache folder, used by the generator and by every
    workload (the app refuses to write into a database whose audit chain is keyed by a key it does not
    have, and each workload runs with a data folder of its own)."""
    path = cache_dir() / "audit.key"
    os.environ["KALTIM_DESK_AUDIT_KEY_FILE"] = str(path)
    return path


def _head() -> str:
    """The schema's identity: a hash of the models' DDL (tables and indexes) and the search index's (not of the migration
    files, whose comments and other features' slots change all day without touching these tables)."""
    import hashlib

    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    import kaltim_desk.models  # noqa: F401  registers every table
    from kaltim_desk.models.base import Base
    from kaltim_desk.services.registry import search

    h = hashlib.sha256()
    for name in sorted(Base.metadata.tables):
        table = Base.metadata.tables[name]
        h.update(str(CreateTable(table).compile(dialect=sqlite.dialect())).encode())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            h.update(str(CreateIndex(index).compile(dialect=sqlite.dialect())).encode())
    h.update("".join(search.SQLITE_DDL).encode())
    return h.hexdigest()[:10]


def cached_database(people: int, log: Log = print) -> Path:
    """A database file with `people` people (and the rest), made once per scale and schema head."""
    use_cache_audit_key()
    path = cache_dir() / f"people-{people}-{_head()}.db"
    done = path.with_suffix(".ok")
    if path.exists() and done.exists():
        return path
    for p in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm"), done):
        p.unlink(missing_ok=True)
    timings = generate(path, people, log=log)
    done.write_text(repr(timings))
    return path


def fresh_database(path: Path) -> Any:
    """A migrated database with its region table, empty of people."""
    from kaltim_desk.config import sqlite_url
    from kaltim_desk.db import Database
    from kaltim_desk.services.office.bootstrap import prepare

    db = Database(sqlite_url(path))
    prepare(db)
    return db


def generate(path: Path, people: int, *, seed: int = 2026, log: Log = print) -> dict[str, float]:
    """Fill a new database at `path`; returns seconds per step."""
    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.demo.context import DemoContext

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    db = fresh_database(path)
    timings["schema"] = time.perf_counter() - t0
    try:
        with db.session(SYSTEM_ACTOR) as session:
            ctx = DemoContext(session=session, rng=Random(seed), people=people)
            for label, step in _steps(people):
                t = time.perf_counter()
                step(ctx)
                session.flush()
                timings[label] = time.perf_counter() - t
                log(f"  {label}: {timings[label]:.1f} s")
        # No ANALYZE: the planner gets what an office database has, the shape statistics of
        # migration 0007 (services/registry/search.py), so the benchmark sees the plans the clerks get.
    finally:
        db.dispose()
    return timings


def _steps(people: int) -> list[tuple[str, Callable[[Any], None]]]:
    from kaltim_desk.demo import aid, monitoring, registry, training, users

    steps: list[tuple[str, Callable[[Any], None]]] = [
        ("users", users.populate),
        ("people", registry.populate),
    ]
    if people <= FEATURE_DEMO_LIMIT:
        steps += [("aid", aid.populate), ("training", training.populate), ("monitoring", monitoring.populate)]
    steps += [("bulk_grants", bulk_grants), ("bulk_trainings", bulk_trainings), ("bulk_visits", bulk_visits)]
    return steps


def _table(module: str, name: str) -> Any:
    """The model class `name` of `kaltim_desk.models.<module>`, or None while it does not exist."""
    import importlib

    try:
        mod = importlib.import_module(f"kaltim_desk.models.{module}")
    except ImportError:
        return None
    return getattr(mod, name, None)


def _empty(session: Any, model: Any) -> bool:
    from sqlalchemy import func, select

    return not session.scalar(select(func.count()).select_from(model))


def _insert(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    for i in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[i : i + CHUNK])


def bulk_grants(ctx: Any) -> None:
    """One programme per year 2023-2025; a grant per active group and per 20th person."""
    from sqlalchemy import select

    from kaltim_desk.models.base import utcnow

    Programme, Grant = _table("grant", "Programme"), _table("grant", "Grant")
    if Programme is None or Grant is None or not _empty(ctx.session, Grant):
        return
    s, rng, now = ctx.session, ctx.rng, utcnow()
    programmes = []
    for year in (2023, 2024, 2025):
        pid = s.execute(
            Programme.__table__.insert().returning(Programme.__table__.c.id),
            {
                "name": f"Bantuan Usaha WRSE {year} (bench)",
                "budget_year": year,
                "funding_source": "APBD",
                "ceiling_per_group": 50_000_000,
                "ceiling_per_person": 5_000_000,
                "tranche_plan": "50,50" if year < 2025 else "100",
                "aid_form": "cash",
                "created_at": now,
                "updated_at": now,
            },
        ).scalar_one()
        programmes.append(pid)
    statuses = ("proposed", "approved", "handed_over", "closed")
    valid = _valid_values(Grant, "status", statuses)
    rows: list[dict[str, Any]] = []
    gids = list(ctx.active_group_ids)
    for gid in gids:
        rows.append(_grant_row(rng, programmes[rng.randrange(2)], now, valid, group_id=gid))
    for pid in ctx.person_ids[::20]:
        rows.append(_grant_row(rng, programmes[2], now, valid, person_id=pid, amount=5_000_000))
    _insert(s, Grant, rows)
    ctx.grant_ids = list(s.scalars(select(Grant.id).order_by(Grant.id)))


def _valid_values(model: Any, column: str, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The values of `wanted` that the model's check constraint on `column` accepts."""
    sql = " ".join(
        str(c.sqltext) for c in model.__table__.constraints if column in str(getattr(c, "sqltext", ""))
    )
    ok = tuple(v for v in wanted if f"'{v}'" in sql)
    return ok or wanted[:1]


def _grant_row(
    rng: Random, programme_id: int, now: Any, statuses: tuple[str, ...], **kw: Any
) -> dict[str, Any]:
    amount = kw.pop("amount", rng.choice((20_000_000, 25_000_000, 30_000_000)))
    return {
        "programme_id": programme_id,
        "group_id": None,
        "person_id": None,
        "form": "cash",
        "amount": amount,
        "status": rng.choice(statuses),
        "created_at": now,
        "updated_at": now,
        "version": 1,
        **kw,
    }


def bulk_trainings(ctx: Any) -> None:
    """One training per 200 people: 3 sessions, 25 participants, attendance for every session."""
    from sqlalchemy import select

    from kaltim_desk.models.base import utcnow

    Training = _table("training", "Training")
    Session_ = _table("training", "TrainingSession")
    Participant = _table("training", "Participant")
    Attendance = _table("training", "Attendance")
    if None in (Training, Session_, Participant, Attendance) or not _empty(ctx.session, Training):
        return
    s, rng, now = ctx.session, ctx.rng, utcnow()
    n = max(1, len(ctx.person_ids) // 200)
    start0 = date(2024, 1, 8)
    trows = []
    for i in range(n):
        start = start0 + timedelta(days=rng.randrange(0, 600))
        trows.append(
            {
                "title": f"Pelatihan Kewirausahaan WRSE Angkatan {i + 1}",
                "topics": "Manajemen usaha; Literasi keuangan; Pemasaran",
                "organiser": "Dinas Sosial Provinsi Kalimantan Timur",
                "place": "Samarinda",
                "start_date": start,
                "end_date": start + timedelta(days=2),
                "hours": 24,
                "status": "finished",
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    _insert(s, Training, trows)
    tids = list(s.scalars(select(Training.id).order_by(Training.id)))
    srows, prows = [], []
    for k, tid in enumerate(tids):
        for d in range(3):
            srows.append(
                {
                    "training_id": tid,
                    "session_date": trows[k]["start_date"] + timedelta(days=d),
                    "topic": ("Manajemen usaha", "Literasi keuangan", "Pemasaran")[d],
                    "hours": 8,
                }
            )
        for pid in rng.sample(ctx.person_ids, min(25, len(ctx.person_ids))):
            prows.append(
                {
                    "training_id": tid,
                    "person_id": pid,
                    "pre_score": rng.randrange(30, 70),
                    "post_score": rng.randrange(60, 100),
                    "enrolled_at": now,
                }
            )
    _insert(s, Session_, srows)
    _insert(s, Participant, prows)
    sessions: dict[int, list[int]] = {}
    for sid, tid in s.execute(select(Session_.id, Session_.training_id)):
        sessions.setdefault(tid, []).append(sid)
    arows = []
    for part_id, tid in s.execute(select(Participant.id, Participant.training_id)):
        for sid in sessions.get(tid, []):
            arows.append(
                {
                    "session_id": sid,
                    "participant_id": part_id,
                    "status": "present" if rng.random() < 0.9 else rng.choice(("excused", "absent")),
                }
            )
    _insert(s, Attendance, arows)
    ctx.training_ids = tids


def bulk_visits(ctx: Any) -> None:
    """One mentoring visit per grant (to its group or person), some months after the aid."""
    from sqlalchemy import select

    from kaltim_desk.models.base import utcnow

    Visit, Grant = _table("monitoring", "Visit"), _table("grant", "Grant")
    if Visit is None or Grant is None or not _empty(ctx.session, Visit):
        return
    s, rng, now = ctx.session, ctx.rng, utcnow()
    rows = []
    mentors = ("ANI SURYANI", "RINA MARLINA", "DEWI KARTIKA", "NURUL HIDAYAH")
    for gid, group_id, person_id in s.execute(select(Grant.id, Grant.group_id, Grant.person_id)):
        rows.append(
            {
                "visited_on": date(2025, 1, 1) + timedelta(days=rng.randrange(0, 300)),
                "mentor_name": rng.choice(mentors),
                "person_id": person_id,
                "group_id": group_id,
                "grant_id": gid,
                "topics": "business_management;financial_literacy",
                "business_status": rng.choice(("running", "running", "running", "paused", "closed")),
                "monthly_revenue": rng.randrange(1, 30) * 500_000,
                "monthly_profit": rng.randrange(-2, 10) * 250_000,
                "workers": rng.randrange(0, 4),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    _insert(s, Visit, rows)


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table of a generated database (for the results page)."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        wanted = (
            "person",
            "kube_group",
            "group_member",
            "aid_grant",
            "training",
            "training_participant",
            "training_attendance",
            "visit",
        )
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in wanted if n in names}
    finally:
        con.close()


if __name__ == "__main__":  # python -m bench.generate 100000
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else SCALES["small"]
    t = time.perf_counter()
    p = cached_database(n)
    print(p, f"{time.perf_counter() - t:.1f} s", row_counts(p))
