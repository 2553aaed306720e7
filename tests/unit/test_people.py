"""Registering, editing, searching and deactivating beneficiaries through the services."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from kaltim_desk.core.dto import PageFilter
from kaltim_desk.core.errors import ConflictError, DomainError, ValidationFailed
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.person import Person
from kaltim_desk.services.registry import people
from tests.factories import make_active_group, make_person, new_nik, person_input


def test_register_cleans_and_stores_the_person(session):
    p = people.register_person(
        session,
        person_input(
            nik="  6472 0352 0580 0001 ".replace("0001", "0001"),
            name="  siti   aminah ",
            phone="0812-3456-7890",
            rt="3",
            kk_number="6472031203120001",
        ),
    )
    assert p.name == "SITI AMINAH"
    assert p.nik == "6472035205800001"
    assert p.phone == "+6281234567890"
    assert p.rt == "003"
    assert (p.village_name, p.district_name, p.regency_name) == (
        p.village_name,
        "Samarinda Ulu",
        "Kota Samarinda",
    )
    assert p.village_name  # a real kelurahan name from the region table


def test_duplicate_nik_is_refused_naming_the_holder_and_group(session):
    group = make_active_group(session, name="KUBE Mawar")
    holder_id = group.members[0].person_id
    holder = people.get_person(session, holder_id)
    with pytest.raises(ValidationFailed) as err:
        people.register_person(session, person_input(nik=holder.nik, name="Orang Lain"))
    assert err.value.code == "nik_duplicate"
    assert err.value.field == "nik"
    assert holder.name in err.value.message
    assert "KUBE MAWAR" in err.value.message
    assert holder.nik not in err.value.message  # masked in the message
    assert session.scalar(select(func.count()).select_from(Person)) == 5


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("", "nik_empty"),
        ("647203520580001", "nik_wrong_length"),
        ("64720352058000A1", "nik_not_digits"),
        ("6472035205800000", "nik_zero_serial"),
        ("6472039905800001", "nik_bad_date"),
        ("0072035205800001", "nik_bad_province"),
        ("0000000000000000", "nik_placeholder"),
    ],
)
def test_each_bad_nik_has_its_own_code(session, nik, code):
    with pytest.raises(ValidationFailed) as err:
        people.register_person(session, person_input(nik=nik))
    assert err.value.problems[0].code == code
    assert err.value.problems[0].field == "nik"


def test_all_field_problems_are_reported_at_once(session):
    with pytest.raises(ValidationFailed) as err:
        people.register_person(
            session,
            person_input(name="  ", phone="12", village_code="64.72.03.9999", rt="abc", welfare_decile=11),
        )
    fields = {p.field for p in err.value.problems}
    assert {"name", "phone", "village_code", "rt", "welfare_decile"} <= fields


def test_warnings_for_male_nik_and_mismatched_birth_date(session):
    p = people.register_person(session, person_input(nik=new_nik(sex="L"), birth_date=date(1979, 1, 1)))
    text = " ".join(p.warnings).lower()
    assert "laki" in text
    assert "tanggal lahir" in text


def test_edit_changes_fields_and_audits_masked_before_after(session):
    p = make_person(session)
    edited = people.update_person(session, p.id, p.version, person_input(nik=p.nik, name="Siti Rahmah"))
    assert edited.name == "SITI RAHMAH"
    assert edited.version == p.version + 1
    row = session.scalars(select(AuditEntry).where(AuditEntry.action == "person.edit")).one()
    assert "SITI RAHMAH" in row.detail
    created = session.scalars(select(AuditEntry).where(AuditEntry.action == "person.create")).first()
    assert p.nik not in created.detail and p.nik[:6] + "******" in created.detail


def test_stale_edit_is_a_conflict_not_an_overwrite(session):
    p = make_person(session)
    people.update_person(session, p.id, p.version, person_input(nik=p.nik, name="Edit Pertama"))
    with pytest.raises(ConflictError):
        people.update_person(session, p.id, p.version, person_input(nik=p.nik, name="Edit Kedua"))
    assert people.get_person(session, p.id).name == "EDIT PERTAMA"


def test_deactivate_needs_a_reason_and_keeps_the_record(session):
    p = make_person(session)
    with pytest.raises(DomainError) as err:
        people.deactivate_person(session, p.id, "  ")
    assert err.value.code == "reason_required"
    people.deactivate_person(session, p.id, "Pindah ke Balikpapan")
    again = people.get_person(session, p.id)
    assert not again.is_active and again.deactivated_reason == "Pindah ke Balikpapan"
    assert people.count_people(session, PageFilter(status="active")) == 0
    assert people.count_people(session, PageFilter(status="inactive")) == 1


def test_search_by_name_part_nik_prefix_and_region(session):
    a = make_person(session, name="Siti Aminah")
    make_person(session, name="Rusmini Baso")
    make_person(session, name="Nur Hayati", village_code="64.71.01.1001")
    assert [r.name for r in people.page_people(session, PageFilter(text="amin"))] == ["SITI AMINAH"]
    assert [r.id for r in people.page_people(session, PageFilter(text=a.nik))] == [a.id]
    assert people.count_people(session, PageFilter(text=a.nik[:12])) == 3  # a NIK prefix
    assert people.count_people(session, PageFilter(region_code="64.71")) == 1
    assert people.count_people(session, PageFilter(region_code="64.72.03")) == 2
    names = [r.name for r in people.page_people(session, PageFilter(), sort="name", descending=True)]
    assert names == sorted(names, reverse=True)


def test_page_rows_carry_region_and_group_names(session):
    g = make_active_group(session, name="KUBE Melati")
    rows = people.page_people(session, PageFilter(text="Anggota KUBE Melati 0"))
    assert len(rows) == 1
    assert rows[0].group_name == "KUBE MELATI"
    assert rows[0].regency_name == "Kota Samarinda"
    assert g.id


def test_a_clerk_can_register_but_not_deactivate(db):
    from kaltim_desk.core.errors import PermissionDenied
    from tests.conftest import CLERK

    with db.session(CLERK) as s:
        p = make_person(s)
    with pytest.raises(PermissionDenied), db.session(CLERK) as s:
        people.deactivate_person(s, p.id, "uji")
