"""`core.dto.person_input` (an import's fast way to build a PersonInput) gives what the constructor
gives: equal, the same fields in the same order, defaults for what is left out, the same TypeError for an
unknown or a missing required field."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields
from datetime import date

import pytest

from kaltim_desk.core.dto import PersonInput, person_input

CASES = [
    {"nik": "6472055001800001", "name": "SITI"},
    {"name": "  ibu   nomor 3 ", "nik": ""},  # another order
    {
        "nik": "6472055001800001",
        "name": "IBU NOMOR 1",
        "sex": "L",
        "kk_number": "6472050101010001",
        "birth_place": "Samarinda",
        "birth_date": date(1980, 1, 10),
        "village_code": "6472051001",
        "rt": "003",
        "rw": "",
        "street": "Jl. Mawar",
        "phone": "+6281234567890",
        "is_household_head": True,
        "welfare_source": "DTKS",
        "welfare_decile": 3,
        "business_type": "Kuliner",
        "bank_name": "BRI",
        "bank_account": "0123",
        "notes": "catatan",
    },
    {f.name: f"x{i}" for i, f in enumerate(fields(PersonInput))},  # every field given
]


@pytest.mark.parametrize("values", CASES)
def test_person_input_is_what_the_constructor_builds(values):
    fast, slow = person_input(dict(values)), PersonInput(**values)
    assert fast == slow
    assert repr(fast) == repr(slow)
    assert list(vars(fast).items()) == list(vars(slow).items())
    assert hash(fast) == hash(slow)
    with pytest.raises(FrozenInstanceError):
        fast.name = "LAIN"  # type: ignore[misc]


def test_the_template_is_not_shared_between_inputs():
    a = person_input({"nik": "1", "name": "A"})
    b = person_input({"nik": "2", "name": "B", "phone": "0812"})
    assert (a.nik, a.name, a.phone) == ("1", "A", "")
    assert (b.nik, b.name, b.phone) == ("2", "B", "0812")


@pytest.mark.parametrize("values", [{"nik": "1"}, {"name": "A"}, {"nik": "1", "name": "A", "nama": "B"}])
def test_an_unknown_or_missing_field_is_the_constructors_type_error(values):
    with pytest.raises(TypeError) as slow:
        PersonInput(**values)
    with pytest.raises(TypeError) as fast:
        person_input(values)
    assert str(fast.value) == str(slow.value)
