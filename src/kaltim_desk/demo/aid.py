"""Demo aid: three programmes and grants at every status, made through the real services (so every gate,
number and status change is what a real office would have).

* "Bantuan KUBE <year>" (APBD, cash in two halves) for active groups: proposed, verified, approved,
  agreement signed, several "disbursing" with the first half paid months ago (the monitoring demo visits
  them; the second half waits for that visit), one rejected and one cancelled;
* "UEP Perorangan <year>" (APBD-P, cash in one payment) for women outside groups: every status from
  proposed to closed, and a rejection;
* "Bantuan Peralatan KUBE <year>" (APBN, goods with an item list): proposed up to closed via the
  hand-over, and a cancellation;
* "Bantuan KUBE <year - 1>" (APBD, one payment 13-19 months ago): last year's intake, disbursed to
  closed, so that survival has a 12-month point.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kaltim_desk.models.group import GroupMember
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid import grants, programmes

if TYPE_CHECKING:
    from kaltim_desk.demo.context import DemoContext

GOODS = (
    ("Mesin jahit portable", "unit", 2_750_000),
    ("Etalase kaca", "unit", 1_850_000),
    ("Kompor gas 2 tungku", "unit", 650_000),
    ("Freezer box 200 liter", "unit", 3_400_000),
    ("Peralatan masak (set)", "set", 1_250_000),
    ("Timbangan digital", "unit", 450_000),
    ("Tenda lipat", "unit", 1_100_000),
)

GROUP_CASH_PLAN = [
    R.PROPOSED,
    R.VERIFIED,
    R.APPROVED,
    R.SIGNED,
    R.DISBURSING,
    R.DISBURSING,
    R.DISBURSING,
    R.REJECTED,
    R.CANCELLED,
    R.DISBURSING,
]
PERSON_PLAN = [
    R.PROPOSED,
    R.VERIFIED,
    R.APPROVED,
    R.SIGNED,
    R.DISBURSED,
    R.ACCOUNTABILITY,
    R.CLOSED,
    R.REJECTED,
    R.DISBURSED,
    R.CLOSED,
]
PREVIOUS_PLAN = [
    R.CLOSED,
    R.CLOSED,
    R.ACCOUNTABILITY,
    R.DISBURSED,
    R.CLOSED,
    R.DISBURSED,
    R.CLOSED,
    R.ACCOUNTABILITY,
]
GOODS_PLAN = [R.PROPOSED, R.APPROVED, R.SIGNED, R.DISBURSED, R.ACCOUNTABILITY, R.CLOSED, R.CANCELLED]


def _walk(ctx: DemoContext, grant_id: int, target: str, signed_on: date) -> None:
    """Move a grant forward to `target` with plausible dates (payments and hand-overs months ago)."""
    s = ctx.session
    today = date.today()
    if target == R.REJECTED:
        grants.reject_grant(s, grant_id, "Penerima tidak termasuk desil 1-4 DTSEN saat verifikasi")
        return
    if target == R.CANCELLED:
        grants.cancel_grant(s, grant_id, "Kelompok mengundurkan diri sebelum penyaluran")
        return
    order = [R.VERIFIED, R.APPROVED, R.SIGNED, R.DISBURSED, R.ACCOUNTABILITY, R.CLOSED]
    if target == R.PROPOSED:
        return
    g = grants.get_grant(s, grant_id)
    for step in order:
        if step == R.VERIFIED:
            grants.verify_grant(s, grant_id)
        elif step == R.APPROVED:
            grants.approve_grant(s, grant_id)
        elif step == R.SIGNED:
            grants.sign_agreement(s, grant_id, signed_on)
        elif step == R.DISBURSED:
            paid_on = min(today, signed_on + timedelta(days=ctx.rng.randrange(7, 21)))
            if g.form == "goods":
                grants.record_handover(s, grant_id, paid_on)
            else:
                ref = f"SP2D-{paid_on:%y%m}-{ctx.rng.randrange(1000, 9999)}"
                grants.pay_tranche(s, grant_id, 1, paid_on=paid_on, bank_reference=ref)
                if target == R.DISBURSING:
                    return
        elif step == R.ACCOUNTABILITY:
            grants.record_accountability(s, grant_id, min(today, signed_on + timedelta(days=90)))
        elif step == R.CLOSED:
            grants.close_grant(s, grant_id, min(today, signed_on + timedelta(days=120)))
        if step == target:
            return


def populate(ctx: DemoContext) -> None:
    s, rng = ctx.session, ctx.rng
    year = date.today().year
    today = date.today()
    group_prog = programmes.create_programme(
        s,
        programmes.ProgrammeInput(
            name=f"Bantuan KUBE {year}",
            budget_year=year,
            funding_source="APBD",
            ceiling_per_group=25_000_000,
            ceiling_per_person=5_000_000,
            total_budget=500_000_000,
            tranche_plan="50,50",
            aid_form="cash",
            notes="Modal usaha kelompok, dua tahap; tahap 2 setelah kunjungan pendampingan.",
        ),
    )
    person_prog = programmes.create_programme(
        s,
        programmes.ProgrammeInput(
            name=f"UEP Perorangan {year}",
            budget_year=year,
            funding_source="APBD-P",
            ceiling_per_group=0,
            ceiling_per_person=5_000_000,
            tranche_plan="100",
            aid_form="cash",
        ),
    )
    goods_prog = programmes.create_programme(
        s,
        programmes.ProgrammeInput(
            name=f"Bantuan Peralatan KUBE {year}",
            budget_year=year,
            funding_source="APBN",
            ceiling_per_group=20_000_000,
            ceiling_per_person=0,
            tranche_plan="100",
            aid_form="goods",
        ),
    )
    # Last year's intake, paid in one go 13-19 months ago: the survival figures then have a 12-month point.
    previous_prog = programmes.create_programme(
        s,
        programmes.ProgrammeInput(
            name=f"Bantuan KUBE {year - 1}",
            budget_year=year - 1,
            funding_source="APBD",
            ceiling_per_group=20_000_000,
            ceiling_per_person=5_000_000,
            tranche_plan="100",
            aid_form="cash",
            notes="Angkatan tahun lalu, disalurkan sekaligus.",
        ),
    )
    ctx.programme_ids = [group_prog.id, person_prog.id, goods_prog.id, previous_prog.id]

    active = list(ctx.active_group_ids)
    amounts: tuple[int, ...] = (15_000_000, 17_500_000, 20_000_000, 25_000_000)
    _cash_grants(ctx, group_prog.id, "group_id", active, GROUP_CASH_PLAN, amounts, (100, 160))

    for gid, target in zip(reversed(active), GOODS_PLAN, strict=False):
        g = grants.create_grant(s, grants.GrantInput(goods_prog.id, group_id=gid, form="goods"))
        picks = rng.sample(GOODS, 3)
        items = [grants.ItemInput(desc, rng.randrange(1, 3), unit, price) for desc, unit, price in picks]
        grants.set_items(s, g.id, None, items)
        ctx.grant_ids.append(g.id)
        _walk(ctx, g.id, target, today - timedelta(days=rng.randrange(60, 200)))

    previous = active[len(active) // 2 :]
    amounts = (10_000_000, 12_500_000, 15_000_000)
    _cash_grants(ctx, previous_prog.id, "group_id", previous, PREVIOUS_PLAN, amounts, (400, 580))

    in_groups = set(s.scalars(select(GroupMember.person_id)))
    loners = [pid for pid in ctx.person_ids if pid not in in_groups]
    amounts = (4_500_000, 4_750_000, 5_000_000)
    _cash_grants(ctx, person_prog.id, "person_id", loners, PERSON_PLAN, amounts, (130, 220))


def _cash_grants(
    ctx: DemoContext,
    programme_id: int,
    recipient: str,
    recipients: list[int],
    plan: Sequence[str],
    amounts: tuple[int, ...],
    signed_days_ago: tuple[int, int],
) -> None:
    """One cash grant per recipient ("group_id" or "person_id"), each walked to its status in `plan`,
    its agreement signed between `signed_days_ago` days ago."""
    today = date.today()
    for rid, target in zip(recipients, plan, strict=False):
        amount = ctx.rng.choice(amounts)
        who: dict[str, Any] = {recipient: rid}
        g = grants.create_grant(ctx.session, grants.GrantInput(programme_id, amount=amount, **who))
        ctx.grant_ids.append(g.id)
        _walk(ctx, g.id, target, today - timedelta(days=ctx.rng.randrange(*signed_days_ago)))
