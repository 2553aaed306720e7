"""When follow-up visits are due, and which are overdue.

After each disbursement (a cash grant's first tranche `paid_on`, a goods grant's `handover_on`) visits are
due at 3, 6 and 12 months (`MonitoringRules.visit_months`, an office setting).

Decisions the issue left open, and why:

- **Due dates** are computed from the disbursement date each time (never chained from the previous due
  date) with `domain.dates.add_months`, which keeps the day of the month and clamps to the month's last
  day only when that day does not exist: paid 31 Aug 2026 -> due 30 Nov 2026, 28 Feb 2027 (6 months) and
  31 Aug 2027 (12 months, no drift); 30 Nov 2027 + 3 -> 29 Feb 2028 (leap year); 29 Feb 2028 + 3 -> 29 May
  2028 (the 29th exists in May; we do not jump to the month's end, because a date that happens to be a
  month-end in February is not a "last day of month" promise); 29 Feb 2028 + 12 -> 28 Feb 2029.
- **Windows**: a due visit is satisfied by a visit to the recipient dated in its window. The window opens
  `window_before_days` (30) before the due date (but never on or before the disbursement day itself: the
  hand-over visit is not a follow-up) and runs until the next due visit's window opens (the last one never
  closes). Windows do not overlap, so one visit satisfies at most one due visit. A visit after the due
  date plus `grace_days` (30) still satisfies it, but counts as late.
- **Status** of a due visit on a given day: `done` / `late` (satisfied on time or after the grace),
  `upcoming` (window not open yet), `due` (window open, grace not over), `overdue` (grace over, nobody
  went, the next window has not opened and the due date is less than `overdue_for_days` (180) ago),
  `missed` (the next window opened, or half a year went by: the chance is gone and the next due visit is
  what matters now; a 2023 grant never visited should not sit on top of the 2026 to-do list for ever).
  Overdue lists show `overdue` only.
- **Who counts as visited** follows the second-tranche gate (`visits.recipient_condition`): for a group
  grant a visit to the group or any current member; for a person's grant a visit to her; a visit naming the
  grant always.
- **Mentor of an overdue visit**: the mentor who last visited that recipient (mentors keep their
  recipients); "Belum ada pendamping" when nobody has visited yet.

The month arithmetic lives here in Python rather than in SQL on purpose: SQLite's `date(x, '+3 months')`
does not clamp (31 Aug + 3 months is 1 Dec there).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from kaltim_desk.core.permissions import require
from kaltim_desk.core.settings import load_section
from kaltim_desk.domain.dates import add_months
from kaltim_desk.i18n import _
from kaltim_desk.models.grant import Grant, Programme, Tranche
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.monitoring import Visit
from kaltim_desk.models.person import Person
from kaltim_desk.models.vocabulary import GRANT_DELIVERED
from kaltim_desk.services.registry.people import region_names

NO_MENTOR = "Belum ada pendamping"
# A grant in these statuses has had money or goods leave the office (or will, once paid/handed over).
DISBURSED_STATUSES = GRANT_DELIVERED


MAX_VISIT_MONTH = 60


@dataclass(frozen=True)
class MonitoringRules:
    """Office setting: when visits are due after a disbursement and how much slack a mentor has."""

    SECTION = "monitoring"

    visit_months: tuple[int, ...] = (3, 6, 12)
    window_before_days: int = 30
    grace_days: int = 30
    # A due visit still not made this long after its due date is "missed": it leaves the overdue lists
    # (the monitoring cycle of that grant is over; the survival table still shows it as unknown).
    overdue_for_days: int = 180

    def problems(self) -> list[str]:
        found = []
        if not self.visit_months or not all(1 <= m <= MAX_VISIT_MONTH for m in self.visit_months):
            found.append(
                _(
                    "Bulan kunjungan pendampingan: tiap bulan antara 1 dan {most}; tulis misalnya 3, 6, 12."
                ).format(most=MAX_VISIT_MONTH)
            )
        if min(self.window_before_days, self.grace_days) < 0:
            found.append(_("Jumlah hari sebelum dan sesudah jatuh tempo tidak boleh negatif."))
        if self.overdue_for_days <= self.grace_days:
            found.append(
                _(
                    "Dianggap terlewat ({missed} hari) harus lebih lama dari tenggang setelah jatuh tempo ({grace} hari)."
                ).format(missed=self.overdue_for_days, grace=self.grace_days)
            )
        return found


def monitoring_rules(session: Session) -> MonitoringRules:
    rules = load_section(session, MonitoringRules)
    months = tuple(sorted({int(m) for m in rules.visit_months if int(m) > 0})) or (3, 6, 12)
    return MonitoringRules(
        months,
        max(0, rules.window_before_days),
        max(0, rules.grace_days),
        max(rules.grace_days + 1, rules.overdue_for_days),
    )


# --- pure schedule arithmetic -----------------------------------------------------------------------


@dataclass(frozen=True)
class DueVisit:
    months: int
    due_on: date
    opens_on: date  # first day a visit counts for this due visit
    late_after: date  # due_on + grace: after this day the visit is overdue (or late)
    closes_on: date | None  # first day of the next window (None: never closes)
    status: str = "upcoming"  # upcoming / due / overdue / missed / done / late
    visit_on: date | None = None


def due_schedule(disbursed_on: date, rules: MonitoringRules = MonitoringRules()) -> list[DueVisit]:
    """The due visits after one disbursement, with their windows (statuses not yet decided)."""
    months = sorted(set(rules.visit_months))
    dues = [add_months(disbursed_on, m) for m in months]
    opens: list[date] = []
    floor = disbursed_on + timedelta(days=1)
    for due in dues:
        start = max(due - timedelta(days=rules.window_before_days), floor)
        opens.append(start)
        floor = max(start, due) + timedelta(days=1)  # the next window opens after this due date
    out = []
    for i, (m, due, start) in enumerate(zip(months, dues, opens, strict=True)):
        closes = opens[i + 1] if i + 1 < len(opens) else None
        out.append(DueVisit(m, due, start, due + timedelta(days=rules.grace_days), closes))
    return out


@lru_cache(maxsize=4096)
def _due_schedule_of(disbursed_on: date, rules: MonitoringRules) -> tuple[DueVisit, ...]:
    """`due_schedule`, once per disbursement day: an office pays its grants on a few hundred days."""
    return tuple(due_schedule(disbursed_on, rules))


def classify(
    disbursed_on: date,
    visit_dates: list[date] | tuple[date, ...],
    today: date,
    rules: MonitoringRules = MonitoringRules(),
) -> list[DueVisit]:
    """Each due visit with its status on `today`, given the dates the recipient was visited."""
    seen = sorted(d for d in visit_dates if d <= today)
    out = []
    for d in _due_schedule_of(disbursed_on, rules):
        inside = [v for v in seen if v >= d.opens_on and (d.closes_on is None or v < d.closes_on)]
        if inside:
            first = inside[0]
            status = "done" if first <= d.late_after else "late"
            out.append(_with(d, status, first))
        elif today < d.opens_on:
            out.append(_with(d, "upcoming", None))
        elif today <= d.late_after:
            out.append(_with(d, "due", None))
        elif (d.closes_on is None or today < d.closes_on) and (
            today <= d.due_on + timedelta(days=rules.overdue_for_days)
        ):
            out.append(_with(d, "overdue", None))
        else:
            out.append(_with(d, "missed", None))
    return out


def _with(d: DueVisit, status: str, visit_on: date | None) -> DueVisit:
    return DueVisit(d.months, d.due_on, d.opens_on, d.late_after, d.closes_on, status, visit_on)


# --- disbursements and visits from the database ------------------------------------------------------


@dataclass(frozen=True)
class Disbursement:
    """One grant whose money or goods reached the recipient, with what reports group it by."""

    grant_id: int
    programme_id: int
    intake_year: int  # the programme's budget year
    person_id: int | None
    group_id: int | None
    recipient_name: str
    village_code: str
    business_type: str
    amount: int
    form: str
    disbursed_on: date


def disbursed_on_expr() -> Any:
    """SQL: the day aid reached the recipient (goods: hand-over; cash: the first tranche paid)."""
    first_paid = (
        select(func.min(Tranche.paid_on))
        .where(Tranche.grant_id == Grant.id, Tranche.paid_on.is_not(None))
        .scalar_subquery()
    )
    return case((Grant.form == "goods", func.coalesce(Grant.handover_on, first_paid)), else_=first_paid)


def disbursements(session: Session, year: int | None = None) -> list[Disbursement]:
    """Every grant that has been disbursed (optionally of one intake year), oldest first."""
    when = disbursed_on_expr().label("disbursed_on")
    stmt: Any = (
        select(
            Grant.id,
            Grant.programme_id,
            Programme.budget_year,
            Grant.person_id,
            Grant.group_id,
            func.coalesce(Person.name, KubeGroup.name, literal("")).label("name"),
            func.coalesce(Person.village_code, KubeGroup.village_code, literal("")).label("village"),
            func.coalesce(KubeGroup.business_type, Person.business_type, literal("")).label("btype"),
            Grant.amount,
            Grant.form,
            when,
        )
        .join(Programme, Programme.id == Grant.programme_id)
        .outerjoin(Person, Person.id == Grant.person_id)
        .outerjoin(KubeGroup, KubeGroup.id == Grant.group_id)
        .where(Grant.status.in_(DISBURSED_STATUSES), when.is_not(None))  # "disbursing", nothing paid yet
    )
    if year is not None:
        stmt = stmt.where(Programme.budget_year == year)
    out = []
    for r in session.execute(stmt).all():
        out.append(
            Disbursement(
                grant_id=r.id,
                programme_id=r.programme_id,
                intake_year=int(r.budget_year),
                person_id=r.person_id,
                group_id=r.group_id,
                recipient_name=r.name,
                village_code=r.village,
                business_type=r.btype,
                amount=int(r.amount or 0),
                form=r.form,
                disbursed_on=r.disbursed_on,
            )
        )
    out.sort(key=lambda d: (d.disbursed_on, d.grant_id))
    return out


@dataclass(frozen=True, slots=True)
class VisitFact:
    visit_id: int
    visited_on: date
    mentor_name: str
    business_status: str
    monthly_revenue: int | None
    direct: bool  # to the recipient itself or naming the grant (not merely a group member)


def grant_visits(session: Session, grant_ids: list[int] | None = None) -> dict[int, list[VisitFact]]:
    """grant id -> the visits that count for it (see the module docs), oldest first.

    Three narrow queries (the grants' recipients, the visits, and which visited people belong to which
    group) matched in Python with dictionaries: at 100,000 people this is several times faster than one
    UNION of four joins grouped in SQL.
    """
    gstmt = select(Grant.id, Grant.person_id, Grant.group_id)
    if grant_ids is not None:
        gstmt = gstmt.where(Grant.id.in_(grant_ids)) if len(grant_ids) < 900 else gstmt
    grants = session.execute(gstmt).all()
    wanted = set(grant_ids) if grant_ids is not None else None
    # (id, visited_on, mentor, status, revenue) tuples: a VisitFact is made only for a visit that counts
    facts: dict[int, tuple[int, date, str, str, int | None]] = {}
    by_person: dict[int, list[int]] = defaultdict(list)
    by_group: dict[int, list[int]] = defaultdict(list)
    by_grant: dict[int, list[int]] = defaultdict(list)
    for vid, on, mentor, status, revenue, pid, grp, grant in session.execute(
        select(
            Visit.id,
            Visit.visited_on,
            Visit.mentor_name,
            Visit.business_status,
            Visit.monthly_revenue,
            Visit.person_id,
            Visit.group_id,
            Visit.grant_id,
        ).order_by(Visit.visited_on, Visit.id)
    ):
        facts[vid] = (vid, on, mentor, status, revenue)
        if pid is not None:
            by_person[pid].append(vid)
        if grp is not None:
            by_group[grp].append(vid)
        if grant is not None:
            by_grant[grant].append(vid)
    # visits to people, with the groups those people are members of
    by_member_group: dict[int, list[int]] = defaultdict(list)
    for gid, vid in session.execute(
        select(GroupMember.group_id, Visit.id).join(Visit, Visit.person_id == GroupMember.person_id)
    ):
        by_member_group[gid].append(vid)
    out: dict[int, list[VisitFact]] = {}
    for gid, pid, grp in grants:
        if wanted is not None and gid not in wanted:
            continue
        direct = set(by_grant.get(gid, ()))
        if pid is not None:
            direct.update(by_person.get(pid, ()))
        if grp is not None:
            direct.update(by_group.get(grp, ()))
        via_member = set(by_member_group.get(grp, ())) - direct if grp is not None else set()
        if not direct and not via_member:
            continue
        rows = [VisitFact(*facts[v], True) for v in direct] + [
            VisitFact(*facts[v], False) for v in via_member
        ]
        rows.sort(key=lambda f: (f.visited_on, f.visit_id))
        out[gid] = rows
    return out


# --- overdue lists -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledVisit:
    """One due visit of one grant, as the Pendampingan page lists it."""

    grant_id: int
    recipient_name: str
    recipient_kind: str  # "Perorangan" / "Kelompok"
    person_id: int | None
    group_id: int | None
    mentor_name: str
    district_code: str
    district_name: str
    regency_name: str
    months: int
    disbursed_on: date
    due_on: date
    late_after: date
    status: str
    days_overdue: int  # days since the due date (listed as overdue only once the grace is over)


def schedule_rows(
    session: Session, today: date | None = None, statuses: tuple[str, ...] | None = ("overdue",)
) -> list[ScheduledVisit]:
    """Due visits of every disbursed grant with the given statuses (default: the overdue ones), most
    overdue first."""
    require(session, "visit.view")
    today = today or date.today()
    disb = disbursements(session)
    if not disb:  # nothing disbursed, nothing due: the visits of the whole office need not be read
        return []
    names = region_names(session, {d.village_code for d in disb if d.village_code})
    facts = grant_visits(session, [d.grant_id for d in disb])
    return scheduled_from(disb, facts, names, today, monitoring_rules(session), statuses)


def scheduled_from(
    disb: list[Disbursement],
    facts: dict[int, list[VisitFact]],
    names: dict[str, str],
    today: date,
    rules: MonitoringRules,
    statuses: tuple[str, ...] | None = ("overdue",),
) -> list[ScheduledVisit]:
    """`schedule_rows` from rows already fetched (the dashboard fetches them once for several figures)."""
    out = []
    for d in disb:
        vs = facts.get(d.grant_id, [])
        mentor = vs[-1].mentor_name if vs else NO_MENTOR
        for due in classify(d.disbursed_on, [v.visited_on for v in vs], today, rules):
            if statuses is not None and due.status not in statuses:
                continue
            vc = d.village_code or ""
            out.append(
                ScheduledVisit(
                    grant_id=d.grant_id,
                    recipient_name=d.recipient_name,
                    recipient_kind="Perorangan" if d.person_id is not None else "Kelompok",
                    person_id=d.person_id,
                    group_id=d.group_id,
                    mentor_name=mentor,
                    district_code=vc[:8],
                    district_name=names.get(vc[:8], ""),
                    regency_name=names.get(vc[:5], ""),
                    months=due.months,
                    disbursed_on=d.disbursed_on,
                    due_on=due.due_on,
                    late_after=due.late_after,
                    status=due.status,
                    days_overdue=(today - due.due_on).days if due.status == "overdue" else 0,
                )
            )
    out.sort(key=lambda r: (-r.days_overdue, r.due_on, r.recipient_name))
    return out


def overdue_visits(session: Session, today: date | None = None) -> list[ScheduledVisit]:
    return schedule_rows(session, today, ("overdue",))


@dataclass(frozen=True)
class OverdueCount:
    key: str  # mentor name, or sub-district name
    detail: str  # "" for mentors; the regency for a sub-district
    count: int
    oldest_due: date


def overdue_by_mentor(rows: list[ScheduledVisit]) -> list[OverdueCount]:
    return _group(rows, lambda r: (r.mentor_name, ""))


def overdue_by_district(rows: list[ScheduledVisit]) -> list[OverdueCount]:
    return _group(rows, lambda r: (r.district_name or "(tanpa wilayah)", r.regency_name))


def _group(rows: list[ScheduledVisit], key: Any) -> list[OverdueCount]:
    counts: Counter[tuple[str, str]] = Counter()
    oldest: dict[tuple[str, str], date] = {}
    for r in rows:
        k = key(r)
        counts[k] += 1
        oldest[k] = min(oldest.get(k, r.due_on), r.due_on)
    return sorted(
        (OverdueCount(k[0], k[1], n, oldest[k]) for k, n in counts.items()),
        key=lambda c: (-c.count, c.key),
    )
