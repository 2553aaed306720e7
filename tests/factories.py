"""Helpers that make valid records for tests (valid NIKs for real Kaltim villages), shared by every test
module through this file only: people and groups, programmes and grants walked to a status, trainings
with attendance marked."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pytest

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.dto import GroupDTO, GroupInput, PersonDTO, PersonInput
from kaltim_desk.domain.nik import encode_nik
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid import grants, programmes
from kaltim_desk.services.registry import groups, people
from kaltim_desk.services.training import attendance, trainings
from kaltim_desk.services.training.trainings import SessionInput, TrainerInput, TrainingInput

VILLAGE = "64.72.03.1001"  # Teluk Lerong Ilir, Samarinda Ulu, Kota Samarinda
DISTRICT = "647203"
_serial = itertools.count(1)


def new_nik(district: str = DISTRICT, born: date = date(1980, 5, 12), sex: str = "P") -> str:
    return encode_nik(district, born, sex, next(_serial))


def person_input(**overrides: Any) -> PersonInput:
    born = overrides.pop("birth_date", date(1980, 5, 12))
    values: dict[str, Any] = {
        "nik": new_nik(born=born),
        "name": "Siti Aminah",
        "sex": "P",
        "birth_date": born,
        "birth_place": "Samarinda",
        "village_code": VILLAGE,
        "rt": "3",
        "business_type": "Kuliner",
    }
    values.update(overrides)
    return PersonInput(**values)


def make_person(session: Any, **overrides: Any) -> PersonDTO:
    return people.register_person(session, person_input(**overrides))


def make_active_group(session: Any, size: int = 5, name: str = "KUBE Mawar") -> GroupDTO:
    g = groups.create_group(session, GroupInput(name=name, village_code=VILLAGE, business_type="Kuliner"))
    roles = ["ketua", "sekretaris", "bendahara"] + ["anggota"] * (size - 3)
    for i, role in enumerate(roles):
        p = make_person(session, name=f"Anggota {name} {i}")
        groups.add_member(session, g.id, p.id, role)
    return groups.activate_group(session, g.id)


# --- aid ---------------------------------------------------------------------------------------------

TODAY = date.today()
MONTHS_AGO = TODAY - timedelta(days=75)


def make_programme(session: Any, **kw: Any) -> programmes.ProgrammeDTO:
    values: dict[str, Any] = {
        "name": "Bantuan KUBE Uji",
        "budget_year": TODAY.year,
        "funding_source": "APBD",
        "ceiling_per_group": 20_000_000,
        "ceiling_per_person": 5_000_000,
        "tranche_plan": "50,50",
    }
    values.update(kw)
    return programmes.create_programme(session, programmes.ProgrammeInput(**values))


def group_grant(
    session: Any, programme_id: int, amount: int = 15_000_000, name: str = "KUBE Mawar", size: int = 5
):
    group = make_active_group(session, size=size, name=name)
    return grants.create_grant(session, grants.GrantInput(programme_id, group_id=group.id, amount=amount))


def goods_grant(session: Any, programme_id: int, name: str = "KUBE Melati") -> grants.GrantDTO:
    group = make_active_group(session, name=name)
    g = grants.create_grant(session, grants.GrantInput(programme_id, group_id=group.id, form="goods"))
    return grants.set_items(
        session,
        g.id,
        g.version,
        [
            grants.ItemInput("Mesin jahit portable", 2, "unit", 2_750_000),
            grants.ItemInput("Kain katun", 40, "meter", 45_000),
        ],
    )


def open_visit_gate(monkeypatch: pytest.MonkeyPatch, value: bool = True) -> list[tuple[int, date]]:
    """Stand in for the monitoring feature's answer; returns the calls it received."""
    import kaltim_desk.services.monitoring.visits as visits

    calls: list[tuple[int, date]] = []

    def fake(session: Any, grant_id: int, since: date) -> bool:
        calls.append((grant_id, since))
        return value

    monkeypatch.setattr(visits, "visit_recorded_for_grant", fake)
    return calls


def advance(session: Any, grant_id: int, target: str, **kw: Any) -> grants.GrantDTO:
    """Take the step to `target` through the service a user would use."""
    g = grants.get_grant(session, grant_id)
    if target == R.VERIFIED:
        return grants.verify_grant(session, grant_id)
    if target == R.APPROVED:
        return grants.approve_grant(session, grant_id)
    if target == R.SIGNED:
        return grants.sign_agreement(session, grant_id, kw.get("on", MONTHS_AGO))
    if target in (R.DISBURSING, R.DISBURSED) and g.form == "cash":
        nxt = g.next_tranche
        seq = nxt.seq if nxt else 1
        return grants.pay_tranche(
            session, grant_id, seq, paid_on=kw.get("on", MONTHS_AGO + timedelta(days=seq))
        )
    if target == R.DISBURSED:
        return grants.record_handover(session, grant_id, kw.get("on", MONTHS_AGO + timedelta(days=1)))
    if target == R.ACCOUNTABILITY:
        return grants.record_accountability(session, grant_id, TODAY)
    if target == R.CLOSED:
        return grants.close_grant(session, grant_id, TODAY)
    if target == R.REJECTED:
        return grants.reject_grant(session, grant_id, "tidak memenuhi syarat")
    if target == R.CANCELLED:
        return grants.cancel_grant(session, grant_id, "kelompok bubar")
    raise AssertionError(target)


def bring_to(session: Any, grant_id: int, status: str) -> grants.GrantDTO:
    path = [R.VERIFIED, R.APPROVED, R.SIGNED, R.DISBURSING, R.DISBURSED, R.ACCOUNTABILITY, R.CLOSED]
    g = grants.get_grant(session, grant_id)
    if status in (R.REJECTED, R.CANCELLED):
        return advance(session, grant_id, status)
    for step in path:
        if g.status == status:
            break
        if step == R.DISBURSING and (g.form == "goods" or len(g.tranches) == 1):
            continue
        g = advance(session, grant_id, step)
    assert g.status == status
    return g


def as_role(session: Any, role: str) -> None:
    session.info["actor"] = Actor(username=f"{role}.uji", role=role)


# --- the whole flow -----------------------------------------------------------------------------------


# --- training ----------------------------------------------------------------------------------------

START = date(2026, 3, 2)


def training_input(n_sessions: int = 5, **overrides: Any) -> TrainingInput:
    values: dict[str, Any] = {
        "title": "Pelatihan Manajemen Usaha Mikro",
        "start_date": START,
        "end_date": START + timedelta(days=max(n_sessions - 1, 0)),
        "topics": ("Manajemen usaha", "Literasi keuangan"),
        "organiser": "Dinas Sosial Provinsi Kalimantan Timur",
        "place": "Aula Dinsos, Samarinda",
        "trainers": (TrainerInput("Dr. Rina Wulandari", "Universitas Mulawarman"),),
        "sessions": tuple(
            SessionInput(START + timedelta(days=i), f"Materi {i + 1}", 4) for i in range(n_sessions)
        ),
    }
    values.update(overrides)
    return TrainingInput(**values)


def make_training(session: Any, n_sessions: int = 5, people: int = 3, **kw: Any) -> tuple[Any, list[int]]:
    """A training with sessions and `people` enrolled participants; returns (dto, participant ids)."""
    t = trainings.create_training(session, training_input(n_sessions, **kw))
    ids = [make_person(session, name=f"Peserta {i}").id for i in range(people)]
    trainings.enroll_people(session, t.id, ids)
    grid = attendance.attendance_grid(session, t.id)
    return t, [p.id for p in grid.participants]


def mark(session: Any, training_id: int, participant_id: int, statuses: Sequence[str | None]) -> None:
    grid = attendance.attendance_grid(session, training_id)
    attendance.set_marks(
        session,
        training_id,
        {(participant_id, s.id): st for s, st in zip(grid.sessions, statuses, strict=True)},
    )


# --- completion rule (pure) ------------------------------------------------------------------------


FULL = ["present"] * 5
SHORT = ["present", "present", "present", "absent", "absent"]  # 60%


def setup_training(s: Any, complete: int = 2, incomplete: int = 1) -> tuple[int, list[int]]:
    t, pids = make_training(s, 5, complete + incomplete)
    for i, pid in enumerate(pids):
        mark(s, t.id, pid, FULL if i < complete else SHORT)
    return t.id, pids
