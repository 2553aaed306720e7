"""`kaltim-desk check` over the aid rules finds what the grant screens would have refused, when it got into
the database another way (an old version, a hand edit, a merged backup): a recipient over the programme's
ceiling, a programme over its budget, a woman reached twice in one programme (herself and through her
group), a grant paid above its amount. Each rule is one query over all grants (see grant_gates.check_aid)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kaltim_desk.models.grant import Grant, Programme, Tranche
from kaltim_desk.models.group import GroupMember
from kaltim_desk.services.aid.grant_gates import check_aid
from tests.factories import group_grant, make_person, make_programme


def _grant_behind_the_screens(session: Any, **values: Any) -> Grant:
    grant = Grant(status="approved", form="cash", **values)
    session.add(grant)
    session.flush()
    return grant


def test_a_healthy_office_passes(session):
    programme = make_programme(session)
    group_grant(session, programme.id)
    assert check_aid(session) == (True, "pagu dan satu bantuan per orang per program terpenuhi")


def test_a_woman_reached_by_her_group_and_by_a_personal_grant_is_found(session):
    programme = make_programme(session)
    first = group_grant(session, programme.id, amount=10_000_000)
    member_id = session.scalar(select(GroupMember.person_id).where(GroupMember.group_id == first.group_id))
    personal = _grant_behind_the_screens(
        session, programme_id=programme.id, person_id=member_id, amount=1_000_000
    )
    ok, message = check_aid(session)
    assert not ok
    assert message.startswith(f"bantuan #{first.id}: ")
    assert f"#{personal.id}" in message and "dalam program ini" in message


def test_over_the_ceiling_over_the_budget_and_paid_above_the_amount_are_found(session):
    programme = make_programme(session, total_budget=12_000_000)
    person = make_person(session)
    over = _grant_behind_the_screens(
        session, programme_id=programme.id, person_id=person.id, amount=6_000_000
    )
    session.add(Tranche(grant_id=over.id, seq=1, planned_amount=6_000_000, paid_amount=7_000_000))
    other = make_person(session, name="Rina Dua")
    _grant_behind_the_screens(session, programme_id=programme.id, person_id=other.id, amount=4_000_000)
    budget_breaker = make_person(session, name="Wati Tiga")
    _grant_behind_the_screens(
        session, programme_id=programme.id, person_id=budget_breaker.id, amount=3_000_000
    )
    session.flush()
    ok, message = check_aid(session)
    assert not ok
    problems = message.split("; ")
    name = session.get(Programme, programme.id).name
    assert problems[0] == (
        f"bantuan #{over.id}: Jumlah bantuan Rp6.000.000 melebihi pagu per orang program {name} (Rp5.000.000)"
    )
    assert problems[1].startswith(f"bantuan #{over.id}: Total anggaran program {name} tidak cukup")
    assert problems[2] == f"bantuan #{over.id}: tersalur Rp7.000.000 melebihi nilai Rp6.000.000"
