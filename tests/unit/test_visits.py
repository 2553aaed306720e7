"""Mentoring visits: saving, validation, listing, photos, and the second-tranche gate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kaltim_desk.core.dto import PageFilter
from kaltim_desk.core.errors import ConflictError, ValidationFailed
from kaltim_desk.services.monitoring import visits
from kaltim_desk.services.monitoring.visits import VisitInput
from tests.factories import make_active_group, make_person


def visit_input(**kw: object) -> VisitInput:
    values: dict[str, object] = {
        "visited_on": date(2026, 3, 10),
        "mentor_name": "Rina Pendamping",
        "topics": ("financial_literacy", "business_management"),
        "business_status": "running",
        "monthly_revenue": 3_500_000,
        "monthly_profit": 900_000,
        "workers": 1,
    }
    values.update(kw)
    return VisitInput(**values)  # type: ignore[arg-type]


def test_record_and_read_back(session) -> None:
    p = make_person(session, name="Siti Aminah")
    v = visits.record_visit(session, visit_input(person_id=p.id, problems="Bahan baku mahal\nPembeli sepi"))
    got = visits.get_visit(session, v.id)
    assert got.recipient_name == "SITI AMINAH"
    assert got.topics == ("business_management", "financial_literacy")  # stored in canonical order
    assert got.monthly_revenue == 3_500_000
    assert got.problems == "Bahan baku mahal\nPembeli sepi"


def test_validation_names_every_wrong_field(session) -> None:
    p = make_person(session)
    g = make_active_group(session)
    with pytest.raises(ValidationFailed) as err:
        visits.record_visit(
            session,
            visit_input(
                person_id=p.id,
                group_id=g.id,
                mentor_name="  ",
                visited_on=date(2999, 1, 1),
                monthly_revenue=-5,
                business_status="booming",
            ),
        )
    fields = {e.field for e in err.value.problems}
    assert fields == {"recipient", "mentor_name", "visited_on", "monthly_revenue", "business_status"}
    assert "masa depan" in str(err.value)


def test_profit_above_revenue_is_refused(session) -> None:
    p = make_person(session)
    with pytest.raises(ValidationFailed, match="melebihi omzet"):
        visits.record_visit(session, visit_input(person_id=p.id, monthly_revenue=1_000, monthly_profit=2_000))
    # a loss is allowed
    v = visits.record_visit(session, visit_input(person_id=p.id, monthly_revenue=1_000, monthly_profit=-500))
    assert v.monthly_profit == -500


def test_edit_with_stale_version_is_a_conflict(session) -> None:
    p = make_person(session)
    v = visits.record_visit(session, visit_input(person_id=p.id))
    v2 = visits.update_visit(session, v.id, v.version, visit_input(person_id=p.id, business_status="paused"))
    assert v2.business_status == "paused"
    with pytest.raises(ConflictError):
        visits.update_visit(session, v.id, v.version, visit_input(person_id=p.id, business_status="closed"))


def test_gate_for_a_person(session) -> None:
    p = make_person(session)
    other = make_person(session, name="Orang Lain")
    visits.record_visit(session, visit_input(person_id=p.id, visited_on=date(2026, 3, 10)))
    visits.record_visit(session, visit_input(person_id=other.id, visited_on=date(2026, 5, 1)))
    assert visits.visit_recorded_for_recipient(session, person_id=p.id, since=date(2026, 3, 10))
    assert visits.visit_recorded_for_recipient(session, person_id=p.id, since=date(2026, 1, 1))
    # a visit the day before the first tranche does not open the second one
    assert not visits.visit_recorded_for_recipient(session, person_id=p.id, since=date(2026, 3, 11))


def test_gate_for_a_group_counts_visits_to_members(session) -> None:
    g = make_active_group(session, name="KUBE Melati")
    other = make_active_group(session, name="KUBE Anggrek")
    since = date(2026, 2, 1)
    assert not visits.visit_recorded_for_recipient(session, group_id=g.id, since=since)
    # a visit to another group's member does not count
    visits.record_visit(session, visit_input(person_id=other.members[0].person_id))
    assert not visits.visit_recorded_for_recipient(session, group_id=g.id, since=since)
    # a visit to this group's treasurer counts for the group
    treasurer = next(m for m in g.members if m.role == "bendahara")
    visits.record_visit(session, visit_input(person_id=treasurer.person_id))
    assert visits.visit_recorded_for_recipient(session, group_id=g.id, since=since)


def test_gate_for_a_group_visited_as_a_group(session) -> None:
    g = make_active_group(session)
    visits.record_visit(session, visit_input(group_id=g.id, visited_on=date(2026, 1, 31)))
    assert visits.visit_recorded_for_recipient(session, group_id=g.id, since=date(2026, 1, 31))
    assert not visits.visit_recorded_for_recipient(session, group_id=g.id, since=date(2026, 2, 1))


def test_list_filters_by_mentor_status_and_region(session) -> None:
    p = make_person(session, name="Wati")
    g = make_active_group(session, name="KUBE Kenanga")
    visits.record_visit(session, visit_input(person_id=p.id, mentor_name="Budi"))
    visits.record_visit(session, visit_input(group_id=g.id, mentor_name="Rina", business_status="closed"))
    assert visits.count_visits(session, PageFilter()) == 2
    assert [r.recipient_name for r in visits.page_visits(session, PageFilter(text="budi"))] == ["WATI"]
    rows = visits.page_visits(session, PageFilter(status="closed"))
    assert [(r.recipient_name, r.recipient_kind) for r in rows] == [("KUBE KENANGA", "Kelompok")]
    assert "SAMARINDA" in rows[0].regency_name.upper()
    assert visits.count_visits(session, PageFilter(region_code="64.72")) == 2
    assert visits.count_visits(session, PageFilter(region_code="64.01")) == 0
    assert visits.known_mentors(session) == ["Budi", "Rina"]


def test_photo_is_copied_beside_the_database_and_verified(session, db, tmp_path: Path) -> None:
    p = make_person(session)
    v = visits.record_visit(session, visit_input(person_id=p.id))
    src = tmp_path / "in" / "warung Bu Siti.jpg"
    src.parent.mkdir()
    src.write_bytes(b"\xff\xd8\xff fake jpeg bytes")
    photo = visits.attach_photo(session, v.id, src, caption="Warung tampak depan")
    # beside a SQLite file; in the data folder for a server database
    stored = visits.attachments_root(session) / photo.file_name
    assert stored.is_file() and stored.read_bytes() == src.read_bytes()
    assert photo.file_name.startswith(f"visits/{v.id}/")
    assert [s for _p, s in visits.verify_photos(session, v.id)] == ["ok"]
    with pytest.raises(Exception, match="sudah dilampirkan"):
        visits.attach_photo(session, v.id, src)
    stored.write_bytes(b"something else")
    assert [s for _p, s in visits.verify_photos(session, v.id)] == ["changed"]
    stored.unlink()
    assert [s for _p, s in visits.verify_photos(session, v.id)] == ["missing"]
    notes = tmp_path / "in" / "notes.txt"
    notes.write_text("x")
    with pytest.raises(Exception, match="JPG"):
        visits.attach_photo(session, v.id, notes)


# --- the gate as the aid feature calls it, with real grant rows ------------------------------------


def _grant(session, *, person_id=None, group_id=None):  # type: ignore[no-untyped-def]
    from kaltim_desk.models.grant import Grant, Programme

    prog = Programme(name=f"Uji {person_id}-{group_id}", budget_year=2026, funding_source="APBD")
    session.add(prog)
    session.flush()
    g = Grant(programme_id=prog.id, person_id=person_id, group_id=group_id, form="cash", amount=5_000_000)
    session.add(g)
    session.flush()
    return g.id


def test_visit_recorded_for_grant_person_and_group(session) -> None:
    p = make_person(session, name="Penerima Perorangan")
    grp = make_active_group(session, name="KUBE Teratai")
    pg = _grant(session, person_id=p.id)
    gg = _grant(session, group_id=grp.id)
    paid = date(2026, 1, 15)
    assert not visits.visit_recorded_for_grant(session, pg, paid)
    assert not visits.visit_recorded_for_grant(session, gg, paid)
    # a visit before the first tranche does not count
    visits.record_visit(session, visit_input(person_id=p.id, visited_on=date(2026, 1, 14)))
    assert not visits.visit_recorded_for_grant(session, pg, paid)
    visits.record_visit(session, visit_input(person_id=p.id, visited_on=paid))
    assert visits.visit_recorded_for_grant(session, pg, paid)
    # the person's visit says nothing about the group's grant
    assert not visits.visit_recorded_for_grant(session, gg, paid)
    member = grp.members[-1].person_id
    visits.record_visit(session, visit_input(person_id=member, visited_on=date(2026, 2, 2)))
    assert visits.visit_recorded_for_grant(session, gg, paid)
    assert not visits.visit_recorded_for_grant(session, gg, date(2026, 2, 3))


def test_visit_must_name_a_grant_of_its_recipient(session) -> None:
    p = make_person(session)
    q = make_person(session, name="Lain")
    pg = _grant(session, person_id=p.id)
    with pytest.raises(ValidationFailed, match="bukan milik"):
        visits.record_visit(session, visit_input(person_id=q.id, grant_id=pg))
    v = visits.record_visit(session, visit_input(person_id=p.id, grant_id=pg))
    assert v.grant_id == pg


def test_integrity_check_reports_a_missing_photo(session, tmp_path: Path) -> None:
    from kaltim_desk.services.checks import check_visit_photos, run_checks

    p = make_person(session)
    v = visits.record_visit(session, visit_input(person_id=p.id))
    src = tmp_path / "foto.png"
    src.write_bytes(b"\x89PNG fake")
    photo = visits.attach_photo(session, v.id, src)
    assert check_visit_photos(session).ok
    assert any(r.name == "Foto kunjungan" for r in run_checks(session))
    visits.photo_path(session, photo).unlink()
    result = check_visit_photos(session)
    assert not result.ok and "hilang" in result.message


def test_a_members_visit_opens_the_second_tranche_through_the_aid_service(session) -> None:
    """End to end with the aid feature's own services: tranche 2 is refused until a visit is recorded."""
    from datetime import timedelta

    from kaltim_desk.core.errors import DomainError
    from kaltim_desk.services.aid import grants, programmes

    today = date.today()
    paid_1 = today - timedelta(days=80)
    prog = programmes.create_programme(
        session,
        programmes.ProgrammeInput(
            name="Bantuan KUBE Gerbang",
            budget_year=today.year,
            funding_source="APBD",
            ceiling_per_group=20_000_000,
            ceiling_per_person=5_000_000,
            tranche_plan="50,50",
        ),
    )
    grp = make_active_group(session, name="KUBE Gerbang")
    g = grants.create_grant(session, grants.GrantInput(prog.id, group_id=grp.id, amount=10_000_000))
    grants.verify_grant(session, g.id)
    grants.approve_grant(session, g.id)
    grants.sign_agreement(session, g.id, paid_1 - timedelta(days=10))
    grants.pay_tranche(session, g.id, 1, paid_on=paid_1)
    # a visit before the first payment does not count
    member = next(m for m in grp.members if m.role == "anggota").person_id
    visits.record_visit(session, visit_input(person_id=member, visited_on=paid_1 - timedelta(days=1)))
    with pytest.raises(DomainError, match="menunggu kunjungan"):
        grants.pay_tranche(session, g.id, 2, paid_on=today)
    visits.record_visit(session, visit_input(person_id=member, visited_on=paid_1 + timedelta(days=60)))
    assert grants.pay_tranche(session, g.id, 2, paid_on=today).status == "disbursed"
