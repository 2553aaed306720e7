"""Dashboard figures: counts, aid by status/business type/region, visits, survival and overdue."""

from __future__ import annotations

from datetime import date

import pytest

from kaltim_desk.core.errors import PermissionDenied
from kaltim_desk.services import dashboard
from kaltim_desk.services.monitoring import visits
from kaltim_desk.services.monitoring.visits import VisitInput
from tests.factories import make_active_group, make_person

TODAY = date(2026, 6, 30)


def _grant(session, status: str, amount: int, paid: date | None = None, **who) -> int:  # type: ignore[no-untyped-def]
    from kaltim_desk.models.grant import Grant, Programme, Tranche

    prog = session.query(Programme).filter_by(name="KUBE 2025").one_or_none()
    if prog is None:
        prog = Programme(name="KUBE 2025", budget_year=2025, funding_source="APBD")
        session.add(prog)
        session.flush()
    g = Grant(programme_id=prog.id, amount=amount, status=status, **who)
    session.add(g)
    session.flush()
    if paid:
        session.add(Tranche(grant_id=g.id, seq=1, planned_amount=amount, paid_on=paid))
        session.flush()
    return g.id


def test_dashboard_figures(session) -> None:
    a = make_person(session, name="A", business_type="Menjahit")
    b = make_person(session, name="B", business_type="Kuliner", village_code="64.71.01.1001")
    c = make_person(session, name="C")
    people_deactivated = make_person(session, name="D")
    from kaltim_desk.services.registry import people

    people.deactivate_person(session, people_deactivated.id, "pindah")
    grp = make_active_group(session, name="KUBE Z")  # 5 more people, business type Kuliner
    _grant(session, "disbursed", 5_000_000, date(2025, 1, 15), person_id=a.id)
    _grant(session, "approved", 4_500_000, person_id=b.id)
    _grant(session, "proposed", 4_000_000, person_id=c.id)  # not committed aid
    _grant(session, "disbursed", 20_000_000, date(2025, 1, 15), group_id=grp.id)
    visits.record_visit(
        session, VisitInput(date(2025, 4, 1), "Rina", person_id=a.id, business_status="running")
    )
    visits.record_visit(
        session, VisitInput(date(2026, 6, 20), "Joko", group_id=grp.id, business_status="paused")
    )

    d = dashboard.dashboard_data(session, today=TODAY)
    assert (d.people_total, d.people_active) == (9, 8)
    assert (d.groups_total, d.groups_active) == (1, 1)
    assert [(x.key, x.count, x.amount) for x in d.aid_by_status] == [
        ("proposed", 1, 4_000_000),
        ("approved", 1, 4_500_000),
        ("disbursed", 2, 25_000_000),
    ]
    assert (d.aid_committed_count, d.aid_committed_total) == (3, 29_500_000)
    # the group's business type wins over its members'; proposals are left out
    assert [(x.label, x.count, x.amount) for x in d.aid_by_business_type] == [
        ("Kuliner", 2, 24_500_000),
        ("Menjahit", 1, 5_000_000),
    ]
    assert [(x.key, x.count, x.amount) for x in d.aid_by_regency] == [
        ("64.72", 2, 25_000_000),
        ("64.71", 1, 4_500_000),
    ]
    assert "BALIKPAPAN" in d.aid_by_regency[1].label.upper()
    assert (d.visits_total, d.visits_last_30_days) == (2, 1)
    # survival: A running at 3 months; the group unknown until its June 2026 visit (after 12 months)
    t3 = next(t for t in d.survival_totals if t.months == 3)
    assert (t3.running, t3.unknown, t3.total) == (1, 1, 2)
    # overdue on 30 Jun 2026: A's 12-month visit (due 15 Jan 2026, grace to 14 Feb) never happened and
    # Rina visited her last; the group's June visit falls in its 12-month window (late, not overdue)
    assert d.overdue_total == 1
    assert [(m.key, m.count) for m in d.overdue_by_mentor] == [("Rina", 1)]


def test_dashboard_needs_report_permission(db) -> None:
    from kaltim_desk.core.actor import Actor

    with db.session(Actor("pelatih", "trainer")) as s, pytest.raises(PermissionDenied):
        dashboard.dashboard_data(s)
