"""The figures of the Dasbor page, in one frozen DTO computed by one call (run it in the background).

Counts and sums are computed in SQL (GROUP BY), so the cost grows with the number of groups in the
answer, not with the 100,000 people behind it. Survival and overdue visits come from their services
(Python over two narrow queries of grants and visits; see `survival` for why).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from kaltim_desk.core.permissions import require
from kaltim_desk.models.grant import GRANT_STATUSES, Grant
from kaltim_desk.models.group import KubeGroup
from kaltim_desk.models.monitoring import Visit
from kaltim_desk.models.person import Person
from kaltim_desk.models.region import Region
from kaltim_desk.models.vocabulary import GRANT_GRANTED
from kaltim_desk.services.monitoring import schedule, survival
from kaltim_desk.services.monitoring.schedule import OverdueCount
from kaltim_desk.services.monitoring.survival import SurvivalRow
from kaltim_desk.services.registry.people import region_names

# Aid that the office has committed to (approved or further along); proposals and refusals are not aid.
COMMITTED_STATUSES = GRANT_GRANTED
NO_TYPE = "(tanpa jenis usaha)"


@dataclass(frozen=True)
class Amount:
    """A labelled count and rupiah sum (one bar of a chart)."""

    key: str
    label: str
    count: int
    amount: int


@dataclass(frozen=True)
class DashboardData:
    as_of: date
    people_total: int
    people_active: int
    groups_by_status: tuple[tuple[str, int], ...]  # (status, count)
    aid_by_status: tuple[Amount, ...]
    aid_by_business_type: tuple[Amount, ...]  # committed aid only
    aid_by_regency: tuple[Amount, ...]  # committed aid only
    visits_total: int
    visits_last_30_days: int
    survival: tuple[SurvivalRow, ...]  # per intake and regency
    survival_totals: tuple[SurvivalRow, ...]  # per intake, all regencies
    overdue_total: int
    overdue_by_mentor: tuple[OverdueCount, ...]
    overdue_by_district: tuple[OverdueCount, ...]
    seconds: float = 0.0

    @property
    def groups_total(self) -> int:
        return sum(n for _s, n in self.groups_by_status)

    @property
    def groups_active(self) -> int:
        return dict(self.groups_by_status).get("active", 0)

    @property
    def aid_committed_total(self) -> int:
        return sum(a.amount for a in self.aid_by_status if a.key in COMMITTED_STATUSES)

    @property
    def aid_committed_count(self) -> int:
        return sum(a.count for a in self.aid_by_status if a.key in COMMITTED_STATUSES)


def _recipient_joins(stmt: Any) -> Any:
    return stmt.outerjoin(Person, Person.id == Grant.person_id).outerjoin(
        KubeGroup, KubeGroup.id == Grant.group_id
    )


def dashboard_data(session: Session, today: date | None = None, progress: Any = None) -> DashboardData:
    """All figures of the dashboard. `progress(done, total, text)` is called between the steps."""
    require(session, "report.view")
    started = time.perf_counter()
    today = today or date.today()
    steps = 6

    def step(i: int, text: str) -> None:
        if progress is not None:
            progress(i, steps, text)

    step(0, "Menghitung penerima dan kelompok")
    people_total, people_active = session.execute(
        select(func.count(Person.id), func.count(Person.id).filter(Person.is_active.is_(True)))
    ).one()
    groups_by_status = tuple(
        (str(s), int(n))
        for s, n in session.execute(
            select(KubeGroup.status, func.count()).group_by(KubeGroup.status).order_by(KubeGroup.status)
        ).all()
    )

    step(1, "Menghitung bantuan")
    by_status = {
        s: (int(n), int(a or 0))
        for s, n, a in session.execute(
            select(Grant.status, func.count(), func.sum(Grant.amount)).group_by(Grant.status)
        ).all()
    }
    aid_by_status = tuple(Amount(s, s, *by_status[s]) for s in GRANT_STATUSES if s in by_status)

    btype = func.coalesce(KubeGroup.business_type, Person.business_type, literal(""))
    rows = session.execute(
        _recipient_joins(
            select(btype.label("t"), func.count(Grant.id), func.sum(Grant.amount)).select_from(Grant)
        )
        .where(Grant.status.in_(COMMITTED_STATUSES))
        .group_by(btype)
    ).all()
    aid_by_type = tuple(
        sorted(
            (Amount(t or "", t or NO_TYPE, int(n), int(a or 0)) for t, n, a in rows),
            key=lambda x: (-x.amount, x.label),
        )
    )

    step(2, "Menghitung bantuan per wilayah")
    regency = func.substr(func.coalesce(Person.village_code, KubeGroup.village_code, literal("")), 1, 5)
    rows = session.execute(
        _recipient_joins(
            select(regency.label("r"), func.count(Grant.id), func.sum(Grant.amount)).select_from(Grant)
        )
        .where(Grant.status.in_(COMMITTED_STATUSES))
        .group_by(regency)
    ).all()
    names = dict(
        session.execute(select(Region.code, Region.name).where(Region.level == 2)).all()  # type: ignore[arg-type]
    )
    aid_by_regency = tuple(
        sorted(
            (
                Amount(r or "", names.get(r or "", "") or survival.NO_REGION, int(n), int(a or 0))
                for r, n, a in rows
            ),
            key=lambda x: (x.key == "", -x.amount, x.key),
        )
    )

    step(3, "Menghitung kunjungan")
    visits_total, visits_recent = session.execute(
        select(
            func.count(Visit.id),
            func.count(Visit.id).filter(Visit.visited_on > today - timedelta(days=30)),
        )
    ).one()

    step(4, "Menghitung kelangsungan usaha")
    # grants and their visits are fetched once for both survival and the overdue visits
    rules = schedule.monitoring_rules(session)
    items = schedule.disbursements(session)
    facts = schedule.grant_visits(session, [d.grant_id for d in items]) if items else {}
    village_names = region_names(session, {d.village_code for d in items if d.village_code})
    surv = survival.compute_survival(items, facts, rules.visit_months, today, village_names)
    totals = survival.survival_totals(surv)

    step(5, "Mencari kunjungan yang terlambat")
    overdue = schedule.scheduled_from(items, facts, village_names, today, rules, ("overdue",))
    step(6, "Selesai")
    return DashboardData(
        as_of=today,
        people_total=int(people_total or 0),
        people_active=int(people_active or 0),
        groups_by_status=groups_by_status,
        aid_by_status=aid_by_status,
        aid_by_business_type=aid_by_type,
        aid_by_regency=aid_by_regency,
        visits_total=int(visits_total or 0),
        visits_last_30_days=int(visits_recent or 0),
        survival=tuple(surv),
        survival_totals=tuple(totals),
        overdue_total=len(overdue),
        overdue_by_mentor=tuple(schedule.overdue_by_mentor(overdue)),
        overdue_by_district=tuple(schedule.overdue_by_district(overdue)),
        seconds=time.perf_counter() - started,
    )
