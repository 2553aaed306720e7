"""KUBE group rules: size, three officers, one current group per person, no member twice."""

from __future__ import annotations

import pytest

from kaltim_desk.core.dto import GroupInput, PageFilter
from kaltim_desk.core.errors import DomainError, ValidationFailed
from kaltim_desk.core.settings import RegistryRules, save_section
from kaltim_desk.services.registry import groups, people
from tests.factories import VILLAGE, make_active_group, make_person


def _group(session, name="KUBE Anggrek"):
    return groups.create_group(session, GroupInput(name=name, village_code=VILLAGE, business_type="Menjahit"))


def _checks(session, gid):
    return {c.code: c.ok for c in groups.rule_checks(session, gid)}


def test_a_group_becomes_active_only_when_every_rule_is_met(session):
    g = _group(session)
    ids = [make_person(session, name=f"Ibu {i}").id for i in range(5)]
    for pid in ids:
        groups.add_member(session, g.id, pid)
    assert _checks(session, g.id) == {
        "size": True,
        "has_ketua": False,
        "has_sekretaris": False,
        "has_bendahara": False,
        "same_district": True,
    }
    with pytest.raises(DomainError) as err:
        groups.activate_group(session, g.id)
    assert err.value.code == "group_rules_unmet"
    assert "Ketua: belum ada" in err.value.message
    for pid, role in zip(ids, ("ketua", "sekretaris", "bendahara"), strict=False):
        groups.set_role(session, g.id, pid, role)
    assert all(_checks(session, g.id).values())
    assert groups.activate_group(session, g.id).status == "active"


def test_too_small_group_can_not_be_activated(session):
    g = _group(session)
    for i, role in enumerate(("ketua", "sekretaris", "bendahara", "anggota")):
        groups.add_member(session, g.id, make_person(session, name=f"Ibu {i}").id, role)
    assert _checks(session, g.id)["size"] is False
    with pytest.raises(DomainError, match="Jumlah anggota 4"):
        groups.activate_group(session, g.id)


def test_size_bounds_come_from_settings(session):
    save_section(session, RegistryRules(group_min_size=3, group_max_size=4, group_target_size=4))
    g = _group(session)
    for i, role in enumerate(("ketua", "sekretaris", "bendahara", "anggota")):
        groups.add_member(session, g.id, make_person(session, name=f"Ibu {i}").id, role)
    with pytest.raises(DomainError) as err:
        groups.add_member(session, g.id, make_person(session, name="Ibu Kelima").id)
    assert err.value.code == "group_full"
    assert groups.activate_group(session, g.id).status == "active"


def test_only_one_chair_secretary_and_treasurer(session):
    g = _group(session)
    a, b = make_person(session, name="Ibu A"), make_person(session, name="Ibu B")
    groups.add_member(session, g.id, a.id, "ketua")
    with pytest.raises(DomainError) as err:
        groups.add_member(session, g.id, b.id, "ketua")
    assert err.value.code == "role_taken" and "IBU A" in err.value.message
    groups.add_member(session, g.id, b.id, "anggota")
    with pytest.raises(DomainError):
        groups.set_role(session, g.id, b.id, "ketua")


def test_no_member_twice_and_one_current_group_per_person(session):
    g1 = _group(session, "KUBE Satu")
    g2 = _group(session, "KUBE Dua")
    p = make_person(session)
    groups.add_member(session, g1.id, p.id)
    with pytest.raises(DomainError) as err:
        groups.add_member(session, g1.id, p.id)
    assert err.value.code == "member_twice"
    with pytest.raises(DomainError) as err:
        groups.add_member(session, g2.id, p.id)
    assert err.value.code == "member_other_group" and "KUBE SATU" in err.value.message


def test_after_a_group_is_deactivated_its_members_may_join_another(session):
    g = make_active_group(session, name="KUBE Lama")
    pid = g.members[-1].person_id
    groups.deactivate_group(session, g.id, "Bubar")
    new = _group(session, "KUBE Baru")
    assert any(m.person_id == pid for m in groups.add_member(session, new.id, pid).members)


def test_active_group_keeps_its_officers_and_minimum(session):
    g = make_active_group(session, size=6)
    chair = next(m for m in g.members if m.role == "ketua")
    with pytest.raises(DomainError) as err:
        groups.remove_member(session, g.id, chair.person_id)
    assert err.value.code == "officer_required"
    member = next(m for m in g.members if m.role == "anggota")
    g = groups.remove_member(session, g.id, member.person_id)
    with pytest.raises(DomainError) as err:
        groups.remove_member(session, g.id, next(m for m in g.members if m.role == "anggota").person_id)
    assert err.value.code == "group_too_small"


def test_inactive_person_can_not_join(session):
    g = _group(session)
    p = make_person(session)
    people.deactivate_person(session, p.id, "Meninggal dunia")
    with pytest.raises(DomainError) as err:
        groups.add_member(session, g.id, p.id)
    assert err.value.code == "person_inactive"


def test_group_name_is_required_and_village_must_exist(session):
    with pytest.raises(ValidationFailed) as err:
        groups.create_group(session, GroupInput(name=" ", village_code="64.72.99.9999"))
    assert {p.field for p in err.value.problems} == {"name", "village_code"}


def test_group_pages_show_chair_and_member_count(session):
    g = make_active_group(session, size=7, name="KUBE Kenanga")
    rows = groups.page_groups(session, PageFilter(text="kenanga"))
    assert len(rows) == 1
    assert rows[0].member_count == 7
    assert rows[0].chair_name == next(m.name for m in g.members if m.role == "ketua")
    assert groups.count_groups(session, PageFilter(status="forming")) == 0
    assert groups.count_groups(session, PageFilter(status="active", region_code="64.72")) == 1
