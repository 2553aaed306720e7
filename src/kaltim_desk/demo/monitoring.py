"""Demo mentoring visits: for every disbursed demo grant, visits around its 3/6/12-month due dates, with a
realistic mix of running, paused, closed and changed businesses, some visits never made (unknown in the
survival table) and some overdue now. Without demo grants (the aid step added none), the active groups
and a few people get visits anyway so the Pendampingan page and the dashboard have something to show.

Rows go in with Core bulk inserts (a 100,000-person office has thousands of grants).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from kaltim_desk.demo.names import FIRST_NAMES, LAST_NAMES
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.group import KubeGroup
from kaltim_desk.models.monitoring import VISIT_TOPICS, Visit
from kaltim_desk.models.person import Person
from kaltim_desk.services.monitoring.schedule import MonitoringRules, disbursements, due_schedule

if TYPE_CHECKING:
    from random import Random

    from kaltim_desk.demo.context import DemoContext

CHUNK = 5000
# Next status given the last one: most businesses keep going; a paused one may recover or close.
TRANSITIONS = {
    "running": (("running", 0.84), ("paused", 0.07), ("closed", 0.05), ("changed", 0.04)),
    "paused": (("running", 0.45), ("paused", 0.3), ("closed", 0.25)),
    "changed": (("changed", 0.85), ("running", 0.1), ("closed", 0.05)),
    "closed": (("closed", 1.0),),
}
PROBLEMS = (
    "Harga bahan baku naik",
    "Pembeli sepi sejak musim hujan",
    "Belum memisahkan uang usaha dan uang rumah tangga",
    "Peralatan rusak, perlu diperbaiki",
    "Anggota kelompok jarang hadir pertemuan",
    "Persaingan dengan warung baru di dekat rumah",
    "Modal habis untuk biaya sekolah anak",
)
FOLLOW_UPS = (
    "Latihan pencatatan kas harian",
    "Dibantu menghitung harga pokok produksi",
    "Dihubungkan dengan pemasok di pasar",
    "Pendampingan pemasaran lewat media sosial",
    "Kunjungan ulang bulan depan",
    "Pertemuan kelompok untuk membagi tugas",
)


def _pick(rng: Random, choices: tuple[tuple[str, float], ...]) -> str:
    x = rng.random()
    for value, p in choices:
        x -= p
        if x <= 0:
            return value
    return choices[-1][0]


def _mentors(rng: Random, districts: list[str]) -> dict[str, str]:
    """One mentor (pendamping) per sub-district, a few covering two."""
    out: dict[str, str] = {}
    pool = [f"{rng.choice(FIRST_NAMES).title()} {rng.choice(LAST_NAMES).title()}" for _ in range(40)]
    for i, d in enumerate(sorted(districts)):
        out[d] = pool[(i * 7 // 10) % len(pool)]
    return out


def _row(
    rng: Random,
    when: date,
    mentor: str,
    status: str,
    revenue: int | None,
    *,
    person_id: int | None,
    group_id: int | None,
    grant_id: int | None,
) -> dict[str, Any]:
    now = utcnow()
    topics = rng.sample(VISIT_TOPICS[:6], rng.randrange(1, 4))
    profit = None if revenue is None else int(revenue * rng.uniform(0.12, 0.35)) // 1000 * 1000
    return {
        "visited_on": when,
        "mentor_name": mentor,
        "person_id": person_id,
        "group_id": group_id,
        "grant_id": grant_id,
        "topics": ";".join(t for t in VISIT_TOPICS if t in topics),
        "business_status": status,
        "monthly_revenue": revenue,
        "monthly_profit": profit,
        "workers": None if status == "closed" else rng.randrange(1, 4),
        "problems": rng.choice(PROBLEMS) if status != "running" or rng.random() < 0.3 else None,
        "follow_up": rng.choice(FOLLOW_UPS) if rng.random() < 0.7 else None,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _next_revenue(rng: Random, revenue: int, status: str) -> int:
    if status == "closed":
        return 0
    if status == "paused":
        return int(revenue * rng.uniform(0.1, 0.5)) // 10_000 * 10_000
    return max(200_000, int(revenue * rng.uniform(0.9, 1.35)) // 10_000 * 10_000)


def populate(ctx: DemoContext) -> None:
    s, rng = ctx.session, ctx.rng
    today = date.today()
    items = [d for d in disbursements(s) if not ctx.grant_ids or d.grant_id in set(ctx.grant_ids)]
    rows: list[dict[str, Any]] = []
    if items:
        mentors = _mentors(rng, list({d.village_code[:8] for d in items}))
        rules = MonitoringRules()
        for d in items:
            mentor = mentors.get(d.village_code[:8], "Pendamping Demo")
            who = {"person_id": d.person_id, "group_id": d.group_id, "grant_id": d.grant_id}
            revenue = rng.randrange(15, 80) * 100_000
            status = "running"
            diligent = rng.random()  # some recipients are hard to reach, some mentors fall behind
            # about one in five is never followed up after the hand-over: unknown in the survival table
            # and, once the grace is over, on the overdue lists
            unreachable = rng.random() < 0.2
            if rng.random() < 0.6:  # a baseline visit at the hand-over
                rows.append(_row(rng, d.disbursed_on, mentor, "running", revenue, **who))
            for k, due in enumerate(due_schedule(d.disbursed_on, rules)):
                # mentors aim at the due date; some come late (then the visit counts for the schedule but
                # is after the survival horizon, so that horizon stays "unknown" for the business)
                late = rng.random() < 0.15
                when = due.due_on + timedelta(days=rng.randrange(5, 40) if late else rng.randrange(-28, 1))
                # the first follow-up is rarely skipped; later ones more often (and by the same few)
                if when > today or unreachable or rng.random() < (0.05 + 0.12 * k) * (2 - 2 * diligent):
                    continue  # not yet, or never made: unknown in the survival table, overdue if recent
                status = _pick(rng, TRANSITIONS[status])
                revenue = _next_revenue(rng, revenue, status)
                rows.append(_row(rng, when, mentor, status, revenue if rng.random() < 0.9 else None, **who))
                if status == "closed" and rng.random() < 0.7:
                    break  # a closed business is rarely visited again
    else:
        _without_grants(ctx, rows, today)
    for i in range(0, len(rows), CHUNK):
        s.execute(insert(Visit.__table__), rows[i : i + CHUNK])  # type: ignore[arg-type]


def _without_grants(ctx: DemoContext, rows: list[dict[str, Any]], today: date) -> None:
    """No demo grants: visit the active groups and some people over the past year."""
    s, rng = ctx.session, ctx.rng
    groups = s.execute(
        select(KubeGroup.id, KubeGroup.village_code).where(KubeGroup.id.in_(ctx.active_group_ids))
    ).all()
    people = s.execute(
        select(Person.id, Person.village_code).where(
            Person.id.in_(ctx.person_ids[: max(10, ctx.people // 10)])
        )
    ).all()
    mentors = _mentors(rng, list({(r.village_code or "")[:8] for r in [*groups, *people]}))
    for r, kind in [*((g, "group") for g in groups), *((p, "person") for p in people)]:
        mentor = mentors.get((r.village_code or "")[:8], "Pendamping Demo")
        status, revenue = "running", rng.randrange(15, 80) * 100_000
        when = today - timedelta(days=rng.randrange(250, 400))
        while when <= today:
            rows.append(
                _row(
                    rng,
                    when,
                    mentor,
                    status,
                    revenue,
                    person_id=r.id if kind == "person" else None,
                    group_id=r.id if kind == "group" else None,
                    grant_id=None,
                )
            )
            when += timedelta(days=rng.randrange(80, 140))
            status = _pick(rng, TRANSITIONS[status])
            revenue = _next_revenue(rng, revenue, status)
