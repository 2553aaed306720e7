"""Opening the people page on n people: from the click to a ready model with its first rows painted.

Ours: `views.pages.people.Page` as the main window builds it (region filter, paged model, first page
and count as background tasks on the app's thread pool), shown and painted offscreen. Timed to the
first rows painted; "count_s" is when the count of matches arrived too (it shows "Menghitung…" until).
Baseline: the same reads with sqlite3 (the first 200 active people by name with their region names
and groups) shown in a bare QTableView over a list of tuples; then the count, timed the same way.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.workloads._qt import BareModel, application, paint, wait_for

PAGE_SQL = """
SELECT p.id, p.nik, p.name, p.birth_date, p.village_code, p.business_type, p.is_active
FROM person p WHERE p.is_active = 1 ORDER BY p.name, p.id LIMIT 200
"""


def ours(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    from kaltim_desk.app import AppContext
    from kaltim_desk.config import sqlite_url
    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.db import Database
    from kaltim_desk.tasks import ThreadPoolTaskRunner
    from kaltim_desk.user_settings import UserSettings
    from kaltim_desk.views.pages import people
    from kaltim_desk.views.prompts import QtPrompts

    assert db is not None
    app = application()
    ctx = AppContext(
        db=Database(sqlite_url(db)),
        tasks=ThreadPoolTaskRunner(),
        prompts=QtPrompts(),
        user_settings=UserSettings.load(workdir / "settings.json"),
        actor=SYSTEM_ACTOR,
    )
    from sqlalchemy.orm import configure_mappers

    # Before the click the app has opened the database and used the ORM (start-up did: prepare()).
    configure_mappers()
    with ctx.read() as s:
        s.connection().exec_driver_sql("SELECT 1")
    t = time.perf_counter()
    page = people.Page(ctx)
    page.resize(1280, 720)
    page.refresh()
    if not page.model.rows:
        wait_for(page.model.rows_ready)
    paint(page)
    seconds = time.perf_counter() - t
    if page.model.counting:
        wait_for(page.model.loaded)
    count_s = time.perf_counter() - t
    rows, total = page.model.rowCount(), page.model.total
    ctx.tasks.wait(5000)  # type: ignore[attr-defined]
    app.processEvents()
    return {"seconds": seconds, "count_s": count_s, "rows": rows, "total": total}


def baseline(n: int, db: Path | None, workdir: Path) -> dict[str, Any]:
    assert db is not None
    application()
    from PySide6.QtWidgets import QTableView

    con = sqlite3.connect(db)
    con.execute("SELECT 1")
    t = time.perf_counter()
    rows = con.execute(PAGE_SQL).fetchall()
    codes = {c for r in rows if r[4] for c in (r[4], r[4][:8], r[4][:5])}
    names = dict(
        con.execute(
            f"SELECT code, name FROM region WHERE code IN ({','.join('?' * len(codes))})", list(codes)
        )
    )
    ids = [r[0] for r in rows]
    groups = dict(
        con.execute(
            "SELECT m.person_id, g.name FROM group_member m JOIN kube_group g ON g.id = m.group_id "
            f"WHERE m.person_id IN ({','.join('?' * len(ids))}) AND g.status != 'inactive'",
            ids,
        )
    )
    table_rows = [
        (
            r[1],
            r[2],
            r[3],
            names.get(r[4], ""),
            names.get(r[4][:8], ""),
            names.get(r[4][:5], ""),
            groups.get(r[0], ""),
            r[5],
            "Aktif",
        )
        for r in rows
    ]
    view = QTableView()
    view.setModel(
        BareModel.make(
            table_rows, ["NIK", "Nama", "Tgl lahir", "Desa", "Kec", "Kab", "Kel", "Usaha", "Status"]
        )
    )
    view.resize(1280, 720)
    paint(view)
    seconds = time.perf_counter() - t
    total = con.execute("SELECT count(*) FROM person WHERE is_active = 1").fetchone()[0]
    count_s = time.perf_counter() - t
    return {"seconds": seconds, "count_s": count_s, "rows": len(table_rows), "total": total}
