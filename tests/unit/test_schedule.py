"""Follow-up schedule: due dates across month ends and leap years, windows, overdue lists."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from kaltim_desk.services.monitoring import schedule
from kaltim_desk.services.monitoring.schedule import MonitoringRules, classify, due_schedule

RULES = MonitoringRules()  # 3, 6, 12 months; window opens 30 days before; 30 days' grace


@pytest.mark.parametrize(
    ("paid", "expected"),
    [
        # month ends clamp, and every due date is counted from the payment (no drift: 12 months -> 31 Aug)
        (date(2026, 8, 31), [date(2026, 11, 30), date(2027, 2, 28), date(2027, 8, 31)]),
        # into a leap February
        (date(2027, 11, 30), [date(2028, 2, 29), date(2028, 5, 30), date(2028, 11, 30)]),
        (date(2027, 8, 31), [date(2027, 11, 30), date(2028, 2, 29), date(2028, 8, 31)]),
        # from a leap day: the 29th exists in May and August; a year on there is no 29 Feb
        (date(2028, 2, 29), [date(2028, 5, 29), date(2028, 8, 29), date(2029, 2, 28)]),
        # across the year end
        (date(2026, 10, 15), [date(2027, 1, 15), date(2027, 4, 15), date(2027, 10, 15)]),
    ],
)
def test_due_dates(paid: date, expected: list[date]) -> None:
    assert [d.due_on for d in due_schedule(paid, RULES)] == expected


def test_windows_do_not_overlap_and_never_include_the_hand_over_day() -> None:
    dues = due_schedule(date(2026, 8, 31), MonitoringRules((1, 2, 3), window_before_days=45, grace_days=10))
    assert dues[0].opens_on == date(2026, 9, 1)  # not the day of the hand-over itself
    for a, b in itertools.pairwise(dues):
        assert a.closes_on == b.opens_on
        assert b.opens_on > a.due_on
    assert dues[-1].closes_on is None


def test_statuses_through_the_year() -> None:
    paid = date(2026, 8, 31)  # due 30 Nov 2026, 28 Feb 2027, 31 Aug 2027
    # before anything is due
    assert [d.status for d in classify(paid, [], date(2026, 10, 1))] == ["upcoming"] * 3
    # window of the 3-month visit open (opens 31 Oct)
    assert next(d.status for d in classify(paid, [], date(2026, 10, 31))) == "due"
    assert next(d.status for d in classify(paid, [], date(2026, 10, 30))) == "upcoming"
    # the grace ends 30 Dec: overdue from 31 Dec
    assert classify(paid, [], date(2026, 12, 30))[0].status == "due"
    assert classify(paid, [], date(2026, 12, 31))[0].status == "overdue"
    # once the 6-month window opens (29 Jan 2027) the 3-month visit is missed, the 6-month one due
    on = classify(paid, [], date(2027, 1, 29))
    assert [d.status for d in on] == ["missed", "due", "upcoming"]


def test_visits_satisfy_the_window_they_fall_in() -> None:
    paid = date(2026, 8, 31)
    visits = [date(2026, 9, 10), date(2026, 11, 2), date(2027, 4, 1)]
    got = classify(paid, visits, date(2027, 9, 1))
    # 10 Sep is too early for anything; 2 Nov is on time for 3 months; 1 Apr is late for 6 months
    # (grace to 30 Mar); nobody came for 12 months and its grace ended 30 Sep... not yet on 1 Sep
    assert [(d.months, d.status, d.visit_on) for d in got] == [
        (3, "done", date(2026, 11, 2)),
        (6, "late", date(2027, 4, 1)),
        (12, "due", None),
    ]
    assert classify(paid, visits, date(2027, 10, 1))[2].status == "overdue"
    # half a year after the due date the last visit is given up as missed (it leaves the to-do lists)
    assert classify(paid, visits, date(2028, 2, 27))[2].status == "overdue"
    assert classify(paid, visits, date(2028, 2, 28))[2].status == "missed"
    # a visit dated after "today" is not counted
    assert classify(paid, [date(2026, 11, 20)], date(2026, 11, 10))[0].status == "due"


# --- overdue lists from the database ---------------------------------------------------------------


def _disbursed_grant(session, *, paid: date, person_id=None, group_id=None, form="cash"):  # type: ignore[no-untyped-def]
    from kaltim_desk.models.grant import Grant, Programme, Tranche

    prog = Programme(name=f"P{paid}{person_id}{group_id}", budget_year=paid.year, funding_source="APBD")
    session.add(prog)
    session.flush()
    g = Grant(
        programme_id=prog.id,
        person_id=person_id,
        group_id=group_id,
        form=form,
        amount=5_000_000,
        status="disbursed",
        handover_on=paid if form == "goods" else None,
    )
    session.add(g)
    session.flush()
    if form == "cash":
        session.add(
            Tranche(grant_id=g.id, seq=1, planned_share_pct=50, planned_amount=2_500_000, paid_on=paid)
        )
        session.add(Tranche(grant_id=g.id, seq=2, planned_share_pct=50, planned_amount=2_500_000))
        session.flush()
    return g.id


def test_overdue_lists_per_mentor_and_sub_district(session) -> None:
    from kaltim_desk.services.monitoring import visits
    from kaltim_desk.services.monitoring.visits import VisitInput
    from tests.factories import make_active_group, make_person

    a = make_person(session, name="Ani")
    b = make_person(session, name="Budi Wati")
    grp = make_active_group(session, name="KUBE Seroja")
    ga = _disbursed_grant(session, paid=date(2025, 1, 10), person_id=a.id)
    gb = _disbursed_grant(session, paid=date(2025, 1, 10), person_id=b.id, form="goods")
    gg = _disbursed_grant(session, paid=date(2025, 1, 10), group_id=grp.id)
    # Ani visited on time at 3 months by Rina; the group's treasurer visited by Joko at 3 months
    visits.record_visit(
        session, VisitInput(date(2025, 4, 12), "Rina", person_id=a.id, business_status="running")
    )
    visits.record_visit(
        session,
        VisitInput(date(2025, 4, 20), "Joko", person_id=grp.members[2].person_id, business_status="running"),
    )
    today = date(2025, 5, 20)  # due 10 Apr, grace ended 10 May; 6-month window opens 10 Jun
    rows = schedule.overdue_visits(session, today)
    assert [(r.grant_id, r.months, r.mentor_name, r.days_overdue) for r in rows] == [
        (gb, 3, schedule.NO_MENTOR, 40)
    ]
    assert ga not in {r.grant_id for r in rows} and gg not in {r.grant_id for r in rows}
    # later: nobody visited for 6 months (due 10 Jul, grace to 9 Aug)
    rows = schedule.overdue_visits(session, date(2025, 8, 20))
    assert sorted((r.recipient_name, r.months, r.mentor_name) for r in rows) == [
        ("ANI", 6, "Rina"),
        ("BUDI WATI", 6, schedule.NO_MENTOR),
        ("KUBE SEROJA", 6, "Joko"),
    ]
    by_mentor = schedule.overdue_by_mentor(rows)
    assert [(c.key, c.count) for c in by_mentor] == [(schedule.NO_MENTOR, 1), ("Joko", 1), ("Rina", 1)]
    by_district = schedule.overdue_by_district(rows)
    assert len(by_district) == 1 and by_district[0].count == 3
    assert by_district[0].key and "SAMARINDA" in by_district[0].detail.upper()


def test_rules_are_an_office_setting(session) -> None:
    from kaltim_desk.core.settings import save_section

    save_section(session, MonitoringRules(visit_months=(12, 6), window_before_days=10, grace_days=5))
    rules = schedule.monitoring_rules(session)
    assert rules.visit_months == (6, 12)
    assert [d.due_on for d in due_schedule(date(2026, 1, 31), rules)] == [
        date(2026, 7, 31),
        date(2027, 1, 31),
    ]
