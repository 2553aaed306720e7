"""Helpers that make valid records for tests (valid NIKs for real Kaltim villages)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from kaltim_desk.core.dto import GroupDTO, GroupInput, PersonDTO, PersonInput
from kaltim_desk.domain.nik import encode_nik
from kaltim_desk.services.registry import groups, people

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
