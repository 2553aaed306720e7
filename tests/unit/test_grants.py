"""Grants: every transition allowed and refused (by status and by role), every gate, the ceilings and
the one-grant-per-person rule (the shared helpers are in tests/factories.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kaltim_desk.core.actor import ROLES
from kaltim_desk.core.errors import ConflictError, DomainError, PermissionDenied, ValidationFailed
from kaltim_desk.core.permissions import PERMISSIONS
from kaltim_desk.core.settings import save_section
from kaltim_desk.models.grant import Grant
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid import grant_list, grants
from kaltim_desk.services.registry import groups, people
from tests.factories import (
    MONTHS_AGO,
    TODAY,
    VILLAGE,
    advance,
    as_role,
    bring_to,
    goods_grant,
    group_grant,
    make_active_group,
    make_person,
    make_programme,
    open_visit_gate,
)


def test_a_cash_group_grant_goes_from_proposal_to_closed(session, monkeypatch):
    calls = open_visit_gate(monkeypatch)
    prog = make_programme(session)
    g = group_grant(session, prog.id, amount=15_000_001)
    assert g.status == "proposed"
    assert [(t.seq, t.planned_share_pct, t.planned_amount) for t in g.tranches] == [
        (1, 50, 7_500_000),
        (2, 50, 7_500_001),  # the last tranche takes the rounding remainder
    ]
    g = grants.verify_grant(session, g.id)
    g = grants.approve_grant(session, g.id)
    g = grants.sign_agreement(session, g.id, MONTHS_AGO)
    assert g.status == "agreement_signed" and g.agreement_number
    assert g.agreement_number.endswith(f"/{MONTHS_AGO.year}") and "DINSOS" in g.agreement_number
    g = grants.pay_tranche(session, g.id, 1, paid_on=MONTHS_AGO, bank_reference="TRX-001")
    assert g.status == "disbursing" and g.paid_total == 7_500_000
    g = grants.pay_tranche(session, g.id, 2, paid_on=TODAY)
    assert g.status == "disbursed" and g.paid_total == 15_000_001
    assert calls == [(g.id, MONTHS_AGO)]  # the visit gate asked about the time after tranche 1
    g = grants.record_accountability(session, g.id, TODAY)
    g = grants.close_grant(session, g.id, TODAY)
    assert g.status == "closed"
    assert [(h.from_status, h.to_status) for h in g.history] == [
        (None, "proposed"),
        ("proposed", "verified"),
        ("verified", "approved"),
        ("approved", "agreement_signed"),
        ("agreement_signed", "disbursing"),
        ("disbursing", "disbursed"),
        ("disbursed", "accountability_received"),
        ("accountability_received", "closed"),
    ]
    assert all(h.actor == "admin.test" for h in g.history)


def test_a_goods_grant_is_disbursed_by_the_hand_over(session):
    prog = make_programme(session, aid_form="goods")
    g = goods_grant(session, prog.id)
    assert g.amount == 2 * 2_750_000 + 40 * 45_000 and g.tranches == ()
    g = bring_to(session, g.id, R.SIGNED)
    g = grants.record_handover(session, g.id, TODAY)
    assert g.status == "disbursed" and g.handover_on == TODAY
    with pytest.raises(DomainError, match="serah terima"):
        grants.pay_tranche(session, g.id, 1)


# --- every transition: allowed for the right roles, refused for the others ----------------------------


def _grant_for(session: Any, transition: R.Transition, monkeypatch: pytest.MonkeyPatch) -> grants.GrantDTO:
    open_visit_gate(monkeypatch)
    if "cash" in transition.forms:
        plan = {
            (R.SIGNED, R.DISBURSED): "100",
            (R.DISBURSING, R.DISBURSING): "40,30,30",
        }.get((transition.source, transition.target), "50,50")
    prog = make_programme(session, tranche_plan=plan if "cash" in transition.forms else "100")
    g = group_grant(session, prog.id) if "cash" in transition.forms else goods_grant(session, prog.id)
    return bring_to(session, g.id, transition.source)


@pytest.mark.parametrize(
    "transition", R.TRANSITIONS, ids=lambda t: f"{t.source}->{t.target}:{sorted(t.forms)[0]}"
)
@pytest.mark.parametrize("role", ROLES)
def test_every_transition_is_allowed_exactly_for_its_roles(session, monkeypatch, transition, role):
    g = _grant_for(session, transition, monkeypatch)
    as_role(session, role)
    if role in PERMISSIONS[transition.action]:
        after = advance(session, g.id, transition.target)
        assert after.status == transition.target
        assert after.history[-1].actor == f"{role}.uji"
    else:
        with pytest.raises(PermissionDenied) as err:
            advance(session, g.id, transition.target)
        assert f"Peran '{role}'" in err.value.message
        assert grants.get_grant(session, g.id).status == transition.source


@pytest.mark.parametrize(
    "transition", R.TRANSITIONS, ids=lambda t: f"{t.source}->{t.target}:{sorted(t.forms)[0]}"
)
def test_the_editor_takes_every_step_through_one_service_call(session, monkeypatch, transition):
    g = _grant_for(session, transition, monkeypatch)
    after = grants.take_step(
        session, g.id, transition, on=TODAY, reason="Dobel usulan", bank_reference="SP2D-7", version=g.version
    )
    assert after.status == transition.target
    assert after.history[-1].from_status == transition.source
    if transition.needs_reason:
        assert after.status_reason == "Dobel usulan"
    if transition.action == "grant.disburse" and "cash" in transition.forms:
        paid = [t for t in after.tranches if t.paid_on == TODAY]
        assert len(paid) == 1 and paid[0].bank_reference == "SP2D-7"
    elif transition.action == "grant.disburse":
        assert after.handover_on == TODAY


def test_the_role_table_matches_the_brief():
    assert R.allowed_transitions("clerk", R.PROPOSED, "cash") == []
    assert {t.target for t in R.allowed_transitions("officer", R.PROPOSED, "cash")} == {
        "verified",
        "rejected",
        "cancelled",
    }
    assert {t.target for t in R.allowed_transitions("clerk", R.SIGNED, "goods")} == {"disbursed"}
    assert R.allowed_transitions("trainer", R.SIGNED, "cash") == []
    assert {t.target for t in R.allowed_transitions("admin", R.ACCOUNTABILITY, "cash")} == {"closed"}


STEPS = [
    R.VERIFIED,
    R.APPROVED,
    R.SIGNED,
    R.DISBURSING,
    R.DISBURSED,
    R.ACCOUNTABILITY,
    R.CLOSED,
    R.REJECTED,
    R.CANCELLED,
]


@pytest.mark.parametrize("status", [s for s in R.STATUSES if s != R.DISBURSING])
def test_every_step_not_in_the_table_is_refused(session, monkeypatch, status):
    """From each status, every step the table does not list is refused and changes nothing."""
    open_visit_gate(monkeypatch)
    prog = make_programme(session, tranche_plan="100")
    g = bring_to(session, group_grant(session, prog.id).id, status)
    for target in STEPS:
        if R.find_transition(status, target, "cash") is not None:
            continue
        with pytest.raises(DomainError) as err:
            advance(session, g.id, target)
        assert err.value.code in ("transition_invalid", "gate_blocked", "tranche_paid", "tranche_unknown"), (
            target
        )
        assert grants.get_grant(session, g.id).status == status


def test_money_never_flows_back_into_cancel(session, monkeypatch):
    open_visit_gate(monkeypatch)
    prog = make_programme(session)
    g = bring_to(session, group_grant(session, prog.id).id, R.DISBURSING)
    with pytest.raises(DomainError, match="tidak dapat diubah menjadi Dibatalkan"):
        grants.cancel_grant(session, g.id, "salah input")


def test_reject_and_cancel_need_a_reason(session):
    prog = make_programme(session)
    g = group_grant(session, prog.id)
    with pytest.raises(DomainError) as err:
        grants.reject_grant(session, g.id, "   ")
    assert err.value.field == "reason" and "Alasan" in err.value.message
    g = grants.cancel_grant(session, g.id, "Kelompok mengundurkan diri")
    assert g.status == "cancelled" and g.status_reason == "Kelompok mengundurkan diri"


# --- gates -------------------------------------------------------------------------------------------


def _forming_group(session: Any, name: str = "KUBE Kenanga"):
    g = groups.create_group(session, groups.GroupInput(name=name, village_code=VILLAGE))
    for i, role in enumerate(["ketua", "sekretaris", "anggota", "anggota", "anggota"]):
        groups.add_member(session, g.id, make_person(session, name=f"Ibu Kenanga {i}").id, role)
    return g


def test_a_group_without_its_treasurer_can_not_be_verified(session):
    prog = make_programme(session)
    group = _forming_group(session)
    g = grants.create_grant(session, grants.GrantInput(prog.id, group_id=group.id, amount=10_000_000))
    blockers = grants.next_step_blockers(session, g.id)
    assert any("belum aktif" in b for b in blockers)
    assert any("Bendahara: belum ada" in b for b in blockers)
    with pytest.raises(DomainError) as err:
        grants.verify_grant(session, g.id)
    assert err.value.code == "gate_blocked" and "Bendahara: belum ada" in err.value.message
    # appoint a treasurer and activate: the gate opens
    member = next(m for m in groups.get_group(session, group.id).members if m.role == "anggota")
    groups.set_role(session, group.id, member.person_id, "bendahara")
    groups.activate_group(session, group.id)
    assert grants.next_step_blockers(session, g.id) == []
    assert grants.verify_grant(session, g.id).status == "verified"


def test_a_group_deactivated_after_verification_blocks_approval(session):
    prog = make_programme(session)
    g = grants.verify_grant(session, group_grant(session, prog.id).id)
    groups.deactivate_group(session, g.group_id, "bubar")
    with pytest.raises(DomainError, match="belum aktif"):
        grants.approve_grant(session, g.id)


def test_an_inactive_person_can_not_be_verified(session):
    prog = make_programme(session)
    p = make_person(session, name="Wati")
    g = grants.create_grant(session, grants.GrantInput(prog.id, person_id=p.id, amount=4_500_000))
    people.deactivate_person(session, p.id, "pindah domisili")
    with pytest.raises(DomainError, match="WATI berstatus nonaktif"):
        grants.verify_grant(session, g.id)


def test_no_tranche_before_the_agreement_is_signed(session):
    prog = make_programme(session)
    g = bring_to(session, group_grant(session, prog.id).id, R.APPROVED)
    with pytest.raises(DomainError) as err:
        grants.pay_tranche(session, g.id, 1)
    assert "setelah perjanjian ditandatangani" in err.value.message
    assert grants.get_grant(session, g.id).paid_total == 0
    goods = bring_to(session, goods_grant(session, prog.id).id, R.APPROVED)
    with pytest.raises(DomainError, match="setelah perjanjian ditandatangani"):
        grants.record_handover(session, goods.id)


def test_tranches_are_paid_in_order_and_not_before_signing(session, monkeypatch):
    open_visit_gate(monkeypatch)
    prog = make_programme(session)
    g = bring_to(session, group_grant(session, prog.id).id, R.SIGNED)
    with pytest.raises(DomainError, match="Tahap 1 belum dibayar"):
        grants.pay_tranche(session, g.id, 2, paid_on=TODAY)
    with pytest.raises(DomainError, match="sebelum tanggal perjanjian"):
        grants.pay_tranche(session, g.id, 1, paid_on=MONTHS_AGO - timedelta(days=1))
    with pytest.raises(DomainError, match="masa depan"):
        grants.pay_tranche(session, g.id, 1, paid_on=TODAY + timedelta(days=1))


def test_the_second_tranche_waits_for_a_monitoring_visit(session, monkeypatch):
    calls = open_visit_gate(monkeypatch, value=False)
    prog = make_programme(session)
    g = bring_to(session, group_grant(session, prog.id).id, R.DISBURSING)
    first_paid = g.tranches[0].paid_on
    assert grants.next_step_blockers(session, g.id) == [
        "Tahap berikutnya menunggu kunjungan pendampingan yang dicatat pada atau setelah "
        f"pembayaran tahap sebelumnya ({first_paid:%d-%m-%Y})"
    ]
    with pytest.raises(DomainError, match="menunggu kunjungan pendampingan"):
        grants.pay_tranche(session, g.id, 2, paid_on=TODAY)
    assert calls[-1] == (g.id, first_paid)
    open_visit_gate(monkeypatch, value=True)
    assert grants.next_step_blockers(session, g.id) == []
    assert grants.pay_tranche(session, g.id, 2, paid_on=TODAY).status == "disbursed"


def test_a_three_tranche_grant_shows_each_payment_as_its_next_step(session, monkeypatch):
    calls = open_visit_gate(monkeypatch, value=True)
    prog = make_programme(session, tranche_plan="40,30,30")
    g = bring_to(session, group_grant(session, prog.id, amount=10_000_000).id, R.SIGNED)
    labels = []
    for seq, expected in ((1, "disbursing"), (2, "disbursing"), (3, "disbursed")):
        steps = grants.step_checks(session, g.id)
        assert [(c.label, c.target, c.ok) for c in steps] == [
            (f"Catat pembayaran tahap {seq}", expected, True)
        ]
        labels.append(steps[0].label)
        g = grants.pay_tranche(session, g.id, seq, paid_on=TODAY)
        assert g.status == expected
    # tranches 2 and 3 each asked for a visit after the previous payment: when listed and when paid
    assert [c[1] for c in calls] == [TODAY] * 4
    assert grants.get_grant(session, g.id).paid_total == 10_000_000


def test_the_visit_gate_can_be_switched_off(session, monkeypatch):
    open_visit_gate(monkeypatch, value=False)
    save_section(session, R.AidRules(second_tranche_requires_visit=False))
    prog = make_programme(session)
    g = bring_to(session, group_grant(session, prog.id).id, R.DISBURSING)
    assert grants.pay_tranche(session, g.id, 2, paid_on=TODAY).status == "disbursed"


def test_the_real_monitoring_service_answers_the_gate(session):
    """With the monitoring feature present and no visit recorded, the gate stays closed."""
    prog = make_programme(session)
    g = group_grant(session, prog.id)
    g = bring_to(session, g.id, R.SIGNED)
    g = grants.pay_tranche(session, g.id, 1, paid_on=MONTHS_AGO)
    assert any("menunggu kunjungan" in b for b in grants.next_step_blockers(session, g.id))


def test_the_last_tranche_must_settle_the_amount(session, monkeypatch):
    open_visit_gate(monkeypatch)
    prog = make_programme(session)
    g = bring_to(session, group_grant(session, prog.id, amount=10_000_000).id, R.SIGNED)
    with pytest.raises(DomainError, match="melebihi sisa"):
        grants.pay_tranche(session, g.id, 1, paid_on=TODAY, paid_amount="Rp10.000.001")
    g = grants.pay_tranche(session, g.id, 1, paid_on=TODAY, paid_amount="Rp4.000.000")
    with pytest.raises(DomainError, match=r"melunasi sisa bantuan \(Rp6.000.000\)"):
        grants.pay_tranche(session, g.id, 2, paid_on=TODAY, paid_amount=5_000_000)


# --- ceilings ----------------------------------------------------------------------------------------


def test_a_group_grant_may_not_exceed_the_ceiling_per_group(session):
    prog = make_programme(session, ceiling_per_group=20_000_000)
    group = make_active_group(session)
    with pytest.raises(DomainError) as err:
        grants.create_grant(session, grants.GrantInput(prog.id, group_id=group.id, amount="Rp20.000.001"))
    assert err.value.field == "amount"
    assert "melebihi pagu per kelompok" in err.value.message and "Rp20.000.000" in err.value.message
    g = grants.create_grant(session, grants.GrantInput(prog.id, group_id=group.id, amount="Rp20.000.000"))
    assert g.amount == 20_000_000
    with pytest.raises(DomainError, match="melebihi pagu"):
        grants.update_amount(session, g.id, g.version, 25_000_000)
    assert grants.get_grant(session, g.id).amount == 20_000_000


def test_a_personal_grant_may_not_exceed_the_ceiling_per_person(session):
    prog = make_programme(session, ceiling_per_person=5_000_000)
    p = make_person(session)
    with pytest.raises(DomainError, match="melebihi pagu per orang"):
        grants.create_grant(session, grants.GrantInput(prog.id, person_id=p.id, amount=5_000_001))


def test_goods_items_may_not_exceed_the_ceiling(session):
    prog = make_programme(session, ceiling_per_group=3_000_000)
    group = make_active_group(session)
    g = grants.create_grant(session, grants.GrantInput(prog.id, group_id=group.id, form="goods"))
    with pytest.raises(DomainError, match="melebihi pagu"):
        grants.set_items(session, g.id, g.version, [grants.ItemInput("Etalase", 2, "unit", 1_600_000)])


def test_the_total_budget_of_a_programme_is_a_ceiling_too(session):
    prog = make_programme(session, total_budget=25_000_000)
    group_grant(session, prog.id, amount=15_000_000, name="KUBE Satu")
    with pytest.raises(DomainError, match=r"sisa Rp10.000.000"):
        group_grant(session, prog.id, amount=15_000_000, name="KUBE Dua")


def test_a_rejected_grant_frees_its_ceiling_and_its_people(session):
    prog = make_programme(session)
    p = make_person(session)
    g = grants.create_grant(session, grants.GrantInput(prog.id, person_id=p.id, amount=5_000_000))
    grants.reject_grant(session, g.id, "bukan desil 1-4")
    again = grants.create_grant(session, grants.GrantInput(prog.id, person_id=p.id, amount=5_000_000))
    assert again.status == "proposed"


def test_bad_amounts_name_the_field(session):
    prog = make_programme(session)
    group = make_active_group(session)
    for bad, text in (("", "wajib diisi"), ("1,5 juta", "Nilai bantuan"), ("-100", "negatif")):
        with pytest.raises(DomainError) as err:
            grants.create_grant(session, grants.GrantInput(prog.id, group_id=group.id, amount=bad))
        assert err.value.field == "amount" and text in err.value.message
    g = grants.create_grant(session, grants.GrantInput(prog.id, group_id=group.id, form="goods"))
    with pytest.raises(ValidationFailed) as err2:
        grants.set_items(
            session,
            g.id,
            g.version,
            [grants.ItemInput("", 1, "unit", 10), grants.ItemInput("Kain", 0, "m", 10)],
        )
    assert "baris 1: uraian wajib diisi" in err2.value.message and "baris 2: jumlah" in err2.value.message


# --- one grant per person per programme --------------------------------------------------------------


def test_a_member_of_a_funded_group_gets_no_personal_grant_in_the_same_programme(session):
    prog = make_programme(session)
    g = group_grant(session, prog.id)
    member = grants.get_grant(session, g.id)
    chair = groups.get_group(session, member.group_id).members[0]
    with pytest.raises(DomainError) as err:
        grants.create_grant(session, grants.GrantInput(prog.id, person_id=chair.person_id, amount=4_000_000))
    assert f"{chair.name} sudah menerima bantuan program ini lewat kelompok KUBE MAWAR" in err.value.message
    # ...but may in another programme
    other = make_programme(session, name="UEP Perorangan")
    assert grants.create_grant(
        session, grants.GrantInput(other.id, person_id=chair.person_id, amount=4_000_000)
    ).id


def test_a_group_with_a_personally_funded_member_gets_no_grant(session):
    prog = make_programme(session)
    group = make_active_group(session, name="KUBE Teratai")
    member = groups.get_group(session, group.id).members[-1]
    grants.create_grant(session, grants.GrantInput(prog.id, person_id=member.person_id, amount=5_000_000))
    with pytest.raises(DomainError, match=f"{member.name} sudah menerima bantuan perorangan"):
        grants.create_grant(session, grants.GrantInput(prog.id, group_id=group.id, amount=10_000_000))


def test_a_person_and_a_group_receive_one_grant_per_programme(session):
    prog = make_programme(session)
    p = make_person(session)
    grants.create_grant(session, grants.GrantInput(prog.id, person_id=p.id, amount=1_000_000))
    with pytest.raises(DomainError, match="sudah menerima bantuan perorangan"):
        grants.create_grant(session, grants.GrantInput(prog.id, person_id=p.id, amount=1_000_000))
    g = group_grant(session, prog.id, amount=5_000_000, name="KUBE Anyelir")
    with pytest.raises(DomainError, match="Kelompok KUBE ANYELIR sudah menerima bantuan"):
        grants.create_grant(session, grants.GrantInput(prog.id, group_id=g.group_id, amount=5_000_000))


def test_a_person_who_joined_a_funded_group_blocks_verification_of_her_own_grant(session):
    prog = make_programme(session)
    p = make_person(session, name="Rina")
    own = grants.create_grant(session, grants.GrantInput(prog.id, person_id=p.id, amount=3_000_000))
    g = group_grant(session, prog.id, name="KUBE Dahlia")  # her grant exists, she is not a member yet
    groups.add_member(session, g.group_id, p.id)
    with pytest.raises(DomainError, match="RINA sudah menerima bantuan perorangan"):
        grants.verify_grant(session, g.id)
    assert any("lewat kelompok KUBE DAHLIA" in b for b in grants.next_step_blockers(session, own.id))


# --- editing -----------------------------------------------------------------------------------------


def test_the_plan_and_amount_are_frozen_after_approval(session):
    prog = make_programme(session)
    g = group_grant(session, prog.id, amount=9_000_000)
    g = grants.set_tranche_plan(session, g.id, g.version, "40,60")
    assert [t.planned_amount for t in g.tranches] == [3_600_000, 5_400_000]
    g = grants.update_amount(session, g.id, g.version, "Rp10.000.000")
    assert [t.planned_amount for t in g.tranches] == [4_000_000, 6_000_000]
    with pytest.raises(DomainError, match="berjumlah 100%"):
        grants.set_tranche_plan(session, g.id, g.version, "50,40")
    g = bring_to(session, g.id, R.APPROVED)
    with pytest.raises(DomainError, match="tidak dapat diubah lagi"):
        grants.update_amount(session, g.id, g.version, 1_000_000)


def test_a_stale_version_is_a_conflict(session):
    prog = make_programme(session)
    g = group_grant(session, prog.id)
    grants.update_amount(session, g.id, g.version, 12_000_000)
    with pytest.raises(ConflictError):
        grants.update_amount(session, g.id, g.version, 11_000_000)


def test_the_table_lists_and_filters_grants(session):
    from kaltim_desk.core.dto import PageFilter

    prog = make_programme(session)
    other = make_programme(session, name="UEP")
    g1 = group_grant(session, prog.id, name="KUBE Seruni")
    p = make_person(session, name="Sari Dewi")
    g2 = grants.create_grant(session, grants.GrantInput(other.id, person_id=p.id, amount=4_500_000))
    grants.verify_grant(session, g2.id)
    assert grant_list.count_grants(session, PageFilter()) == 2
    rows = grant_list.page_grants(session, PageFilter(extra=(("programme_id", str(other.id)),)))
    assert [(r.id, r.recipient_name, r.status, r.amount) for r in rows] == [
        (g2.id, "SARI DEWI", "verified", 4_500_000)
    ]
    assert [r.id for r in grant_list.page_grants(session, PageFilter(text="seruni"))] == [g1.id]
    assert grant_list.count_grants(session, PageFilter(status="verified")) == 1
    assert session.get(Grant, g1.id).version == 1


def test_the_programme_picker_lists_what_the_programme_list_does_without_counting_grants(session):
    """The grant editor and the aid page's filter offer the programmes (newest budget year first, the
    same label, the form a new grant takes) without counting each programme's grants."""
    from kaltim_desk.services.aid import programmes

    make_programme(session, name="Lama", budget_year=TODAY.year - 1)
    new = make_programme(session, name="Barang", aid_form="goods")
    group_grant(session, new.id)
    choices = programmes.programme_choices(session)
    full = programmes.list_programmes(session)
    assert [(c.id, c.label, c.aid_form) for c in choices] == [(p.id, p.label, p.aid_form) for p in full]
    assert choices[0].label == f"Barang (APBD {TODAY.year})" and choices[0].aid_form == "goods"
