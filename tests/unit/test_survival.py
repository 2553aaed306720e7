"""Survival figures on a hand-computed fixture (see the comments for the arithmetic)."""

from __future__ import annotations

from datetime import date

import pytest

from kaltim_desk.services.monitoring import survival, visits
from kaltim_desk.services.monitoring.visits import VisitInput
from tests.factories import make_active_group, make_person

TODAY = date(2026, 6, 30)
BALIKPAPAN_VILLAGE = "64.71.01.1001"


def _grant(session, year: int, paid: date, *, person_id=None, group_id=None) -> int:  # type: ignore[no-untyped-def]
    from kaltim_desk.models.grant import Grant, Programme, Tranche

    prog = session.query(Programme).filter_by(name=f"KUBE {year}", budget_year=year).one_or_none()
    if prog is None:
        prog = Programme(name=f"KUBE {year}", budget_year=year, funding_source="APBD")
        session.add(prog)
        session.flush()
    g = Grant(
        programme_id=prog.id, person_id=person_id, group_id=group_id, amount=5_000_000, status="disbursed"
    )
    session.add(g)
    session.flush()
    session.add(Tranche(grant_id=g.id, seq=1, planned_amount=5_000_000, paid_on=paid))
    session.flush()
    return g.id


def _visit(session, when: date, status: str, revenue: int | None = None, **who) -> None:  # type: ignore[no-untyped-def]
    visits.record_visit(
        session, VisitInput(when, "Rina", business_status=status, monthly_revenue=revenue, **who)
    )


@pytest.fixture
def fixture(session):  # type: ignore[no-untyped-def]
    paid = date(2025, 1, 15)  # horizons: 15 Apr 2025, 15 Jul 2025, 15 Jan 2026
    a = make_person(session, name="A")
    _grant(session, 2025, paid, person_id=a.id)
    _visit(session, date(2025, 4, 10), "running", 2_000_000, person_id=a.id)
    _visit(session, date(2025, 7, 20), "running", 2_500_000, person_id=a.id)  # 5 days after 6 months
    _visit(session, date(2026, 1, 10), "closed", 0, person_id=a.id)
    b = make_person(session, name="B")  # never visited: unknown everywhere
    _grant(session, 2025, paid, person_id=b.id)
    c = make_active_group(session, name="KUBE C")
    _grant(session, 2025, paid, group_id=c.id)
    _visit(session, date(2025, 4, 1), "paused", 1_000_000, group_id=c.id)
    # a member's own visit says nothing about the group's business
    _visit(session, date(2025, 6, 1), "running", 9_000_000, person_id=c.members[0].person_id)
    _visit(session, date(2025, 9, 1), "running", 1_500_000, group_id=c.id)
    d = make_person(session, name="D")  # paid late: only 3 months old by 30 Jun 2026
    _grant(session, 2025, date(2026, 2, 1), person_id=d.id)
    _visit(session, date(2026, 3, 1), "changed", None, person_id=d.id)
    e = make_person(session, name="E", village_code=BALIKPAPAN_VILLAGE)
    _grant(session, 2025, paid, person_id=e.id)
    _visit(session, date(2025, 3, 1), "running", None, person_id=e.id)  # the latest known at every age
    f = make_person(session, name="F")
    paid_f = date(2024, 6, 30)  # horizons: 30 Sep 2024, 30 Dec 2024 (clamped), 30 Jun 2025
    _grant(session, 2024, paid_f, person_id=f.id)
    _visit(session, paid_f, "running", 800_000, person_id=f.id)  # hand-over day: baseline, not a status
    _visit(session, date(2024, 12, 31), "running", 1_200_000, person_id=f.id)  # one day after 6 months
    return session


def test_survival_table(fixture) -> None:
    rows = survival.survival_rows(fixture, today=TODAY)
    got = [
        (
            r.intake_year,
            r.regency_name.upper(),
            r.months,
            r.running,
            r.paused,
            r.closed,
            r.changed,
            r.unknown,
            r.total,
        )
        for r in rows
    ]
    assert got == [
        (2024, "KOTA SAMARINDA", 3, 0, 0, 0, 0, 1, 1),
        (2024, "KOTA SAMARINDA", 6, 0, 0, 0, 0, 1, 1),
        (2024, "KOTA SAMARINDA", 12, 1, 0, 0, 0, 0, 1),
        (2025, "KOTA BALIKPAPAN", 3, 1, 0, 0, 0, 0, 1),
        (2025, "KOTA BALIKPAPAN", 6, 1, 0, 0, 0, 0, 1),
        (2025, "KOTA BALIKPAPAN", 12, 1, 0, 0, 0, 0, 1),
        # A running, B unknown, C paused, D changed
        (2025, "KOTA SAMARINDA", 3, 1, 1, 0, 1, 1, 4),
        # A running (its July visit is after 15 Jul), B unknown, C still paused; D too young
        (2025, "KOTA SAMARINDA", 6, 1, 1, 0, 0, 1, 3),
        # A closed, B unknown, C running
        (2025, "KOTA SAMARINDA", 12, 1, 0, 1, 0, 1, 3),
    ]
    shares = [round(r.share_running, 4) for r in rows]
    assert shares == [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.25, 0.3333, 0.3333]


def test_revenue_change_from_baseline(fixture) -> None:
    rows = {
        (r.intake_year, r.regency_name.upper(), r.months): r
        for r in survival.survival_rows(fixture, today=TODAY)
    }
    smd12 = rows[(2025, "KOTA SAMARINDA", 12)]
    # A: 2.0 M -> 0 (closed); C: 1.0 M -> 1.5 M
    assert (smd12.revenue_n, smd12.revenue_baseline, smd12.revenue_latest) == (2, 3_000_000, 1_500_000)
    assert smd12.revenue_change == pytest.approx(-0.5)
    assert rows[(2025, "KOTA SAMARINDA", 3)].revenue_change is None  # nobody has a second figure yet
    f12 = rows[(2024, "KOTA SAMARINDA", 12)]
    assert (f12.revenue_baseline, f12.revenue_latest, f12.revenue_change) == (800_000, 1_200_000, 0.5)


def test_one_intake_and_totals(fixture) -> None:
    rows = survival.survival_rows(fixture, year=2025, today=TODAY)
    assert {r.intake_year for r in rows} == {2025}
    totals = survival.survival_totals(rows)
    assert [(t.months, t.running, t.unknown, t.total) for t in totals] == [
        (3, 2, 1, 5),
        (6, 2, 1, 4),
        (12, 2, 1, 4),
    ]
    assert totals[0].share_running == pytest.approx(0.4)


def test_no_grants_no_rows(session) -> None:
    assert survival.survival_rows(session, today=TODAY) == []
