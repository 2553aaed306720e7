"""Business survival: of the businesses that received aid, how many are still running 3, 6 and 12 months on.

For each intake (the programme's budget year) and regency/city, and for each horizon in
`MonitoringRules.visit_months`:

- only businesses at least that old count (disbursement + months <= the day of the report); younger ones
  are left out of that horizon, not counted as unknown;
- a business's status at that age is the status of the **latest visit known at that age**: a visit after
  the disbursement day and on or before disbursement + months (month arithmetic as in `schedule`);
- a business with no such visit is **unknown**, never running; `share_running` = running / total, where
  the total includes the unknowns (so a lazy monitoring year cannot look like a good one);
- only visits to the recipient itself (the group, or the person) or naming the grant count here; a visit
  to one member of a KUBE describes her, not necessarily the group's business (the schedule is more
  generous: any contact satisfies a due visit);
- revenue change from baseline: the baseline is the recipient's first visit with a revenue figure (a
  survey before the aid is a fine baseline); at each horizon, businesses whose latest visit with a revenue
  figure at that age is a later visit than the baseline contribute both figures; the change is
  (sum now - sum at baseline) / sum at baseline.

Status is computed in Python over rows fetched in two SQL queries: "latest visit at disbursement + n
months" needs month arithmetic that clamps, which SQLite's date functions do not.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from kaltim_desk.core.permissions import require
from kaltim_desk.domain.dates import add_months
from kaltim_desk.models.vocabulary import BUSINESS_UNKNOWN, SURVIVAL_STATUSES
from kaltim_desk.services.monitoring.schedule import (
    Disbursement,
    VisitFact,
    disbursements,
    grant_visits,
    monitoring_rules,
)
from kaltim_desk.services.registry.people import region_names

STATUSES = SURVIVAL_STATUSES
NO_REGION = "(tanpa wilayah)"
ALL_REGIONS = "Semua kabupaten/kota"


@dataclass(frozen=True)
class SurvivalRow:
    intake_year: int
    regency_name: str
    months: int
    running: int
    paused: int
    closed: int
    changed: int
    unknown: int
    total: int
    share_running: float  # running / total (0.0 when total is 0)
    regency_code: str = ""
    revenue_n: int = 0  # businesses with a baseline and a later revenue figure at this age
    revenue_baseline: int = 0  # sum of their baseline monthly revenue (rupiah)
    revenue_latest: int = 0  # sum of their latest monthly revenue at this age (rupiah)

    @property
    def revenue_change(self) -> float | None:
        """(now - baseline) / baseline over the businesses with both figures; None without any."""
        if not self.revenue_n or not self.revenue_baseline:
            return None
        return (self.revenue_latest - self.revenue_baseline) / self.revenue_baseline


def status_at(disbursed_on: date, facts: list[VisitFact], months: int) -> tuple[str, VisitFact | None]:
    """The business status at `months` after `disbursed_on` from the latest direct visit known then."""
    limit = add_months(disbursed_on, months)
    known = [f for f in facts if f.direct and disbursed_on < f.visited_on <= limit]
    if not known:
        return BUSINESS_UNKNOWN, None
    latest = max(known, key=lambda f: (f.visited_on, f.visit_id))
    return latest.business_status, latest


def revenue_at(facts: list[VisitFact], disbursed_on: date, months: int) -> tuple[int, int] | None:
    """(baseline revenue, latest revenue at that age), or None when there is no later figure."""
    with_rev = sorted(
        (f for f in facts if f.direct and f.monthly_revenue is not None),
        key=lambda f: (f.visited_on, f.visit_id),
    )
    if not with_rev:
        return None
    base = with_rev[0]
    limit = add_months(disbursed_on, months)
    later = [f for f in with_rev[1:] if disbursed_on < f.visited_on <= limit]
    if not later:
        return None
    return int(base.monthly_revenue or 0), int(later[-1].monthly_revenue or 0)


def compute_survival(
    items: list[Disbursement],
    facts: dict[int, list[VisitFact]],
    horizons: tuple[int, ...],
    today: date,
    regency_names: dict[str, str],
) -> list[SurvivalRow]:
    """The table from plain inputs (tests and the dashboard call this without a database too)."""
    counts: dict[tuple[int, str, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    revenue: dict[tuple[int, str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for d in items:
        regency = (d.village_code or "")[:5]
        # the same rules as `status_at` / `revenue_at`, with one pass over each grant's visits and a
        # binary search per horizon (thousands of grants x three horizons on a dashboard refresh)
        direct = sorted(
            (f for f in facts.get(d.grant_id, ()) if f.direct), key=lambda f: (f.visited_on, f.visit_id)
        )
        dates = [f.visited_on for f in direct]
        with_rev = [f for f in direct if f.monthly_revenue is not None]
        rev_dates = [f.visited_on for f in with_rev]
        for m in horizons:
            limit = add_months(d.disbursed_on, m)
            if limit > today:
                continue  # not that old yet
            key = (d.intake_year, regency, m)
            i = bisect_right(dates, limit)
            status = (
                direct[i - 1].business_status if i and dates[i - 1] > d.disbursed_on else BUSINESS_UNKNOWN
            )
            counts[key][status] += 1
            j = bisect_right(rev_dates, limit)
            if j >= 2 and rev_dates[j - 1] > d.disbursed_on:
                acc = revenue[key]
                acc[0] += 1
                acc[1] += int(with_rev[0].monthly_revenue or 0)
                acc[2] += int(with_rev[j - 1].monthly_revenue or 0)
    rows = []
    for (year, regency, m), c in counts.items():
        total = sum(c.values())
        acc = revenue.get((year, regency, m), [0, 0, 0])
        rows.append(
            SurvivalRow(
                intake_year=year,
                regency_name=regency_names.get(regency, "") or NO_REGION,
                months=m,
                running=c["running"],
                paused=c["paused"],
                closed=c["closed"],
                changed=c["changed"],
                unknown=c["unknown"],
                total=total,
                share_running=c["running"] / total if total else 0.0,
                regency_code=regency,
                revenue_n=acc[0],
                revenue_baseline=acc[1],
                revenue_latest=acc[2],
            )
        )
    rows.sort(key=lambda r: (r.intake_year, r.regency_code or "~", r.months))
    return rows


def survival_rows(session: Session, year: int | None = None, today: date | None = None) -> list[SurvivalRow]:
    """Survival per intake year, regency/city and horizon (3/6/12 months by default)."""
    require(session, "report.view")
    today = today or date.today()
    rules = monitoring_rules(session)
    items = disbursements(session, year)
    if not items:
        return []
    facts = grant_visits(session, [d.grant_id for d in items])
    names = region_names(session, {d.village_code for d in items if d.village_code})
    return compute_survival(items, facts, rules.visit_months, today, names)


def survival_totals(rows: list[SurvivalRow]) -> list[SurvivalRow]:
    """The same table summed over regencies: one row per intake and horizon."""
    acc: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * 9)
    for r in rows:
        a = acc[(r.intake_year, r.months)]
        for i, v in enumerate(
            (
                r.running,
                r.paused,
                r.closed,
                r.changed,
                r.unknown,
                r.total,
                r.revenue_n,
                r.revenue_baseline,
                r.revenue_latest,
            )
        ):
            a[i] += v
    out = []
    for (year, m), a in sorted(acc.items()):
        out.append(
            SurvivalRow(
                intake_year=year,
                regency_name=ALL_REGIONS,
                months=m,
                running=a[0],
                paused=a[1],
                closed=a[2],
                changed=a[3],
                unknown=a[4],
                total=a[5],
                share_running=a[0] / a[5] if a[5] else 0.0,
                revenue_n=a[6],
                revenue_baseline=a[7],
                revenue_latest=a[8],
            )
        )
    return out
