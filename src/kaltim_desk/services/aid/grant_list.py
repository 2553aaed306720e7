"""Listing grants for the Bantuan page: one row per grant with its recipient, programme and amounts,
filtered (status, programme, region, text) and sorted in SQL, counted and paged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kaltim_desk.core.dto import PageFilter
from kaltim_desk.core.permissions import require
from kaltim_desk.models.grant import Grant, Programme, Tranche
from kaltim_desk.models.group import KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.services.aid import aid_rules as R


@dataclass(frozen=True)
class GrantRow:
    id: int
    programme_name: str
    recipient_name: str
    recipient_kind: str
    form: str
    amount: int
    paid: int
    status: str
    agreement_number: str


GRANT_SORT = {
    "id": Grant.id,
    "amount": Grant.amount,
    "status": Grant.status,
    "programme": Grant.programme_id,
    "agreement": Grant.agreement_number,
}


def _filter_value(f: PageFilter, key: str) -> str:
    return dict(f.extra).get(key, "")


def _grant_filtered(stmt: Any, f: PageFilter) -> Any:
    if f.status:
        stmt = stmt.where(Grant.status == f.status)
    programme = _filter_value(f, "programme_id")
    if programme.isdigit():
        stmt = stmt.where(Grant.programme_id == int(programme))
    if f.text.strip():
        t = "%" + f.text.strip().upper().replace("%", "").replace("_", "") + "%"
        stmt = stmt.where(
            or_(
                Grant.person_id.in_(select(Person.id).where(Person.name.like(t))),
                # upper(): SQLite's LIKE ignores ASCII case, PostgreSQL's does not
                Grant.group_id.in_(select(KubeGroup.id).where(func.upper(KubeGroup.name).like(t))),
                func.upper(Grant.agreement_number).like(t),
            )
        )
    if f.region_code:
        from kaltim_desk.services.registry.people import prefix_range

        dotted = f.region_code.count(".") < 3
        stmt = stmt.where(
            or_(
                Grant.person_id.in_(
                    select(Person.id).where(prefix_range(Person.village_code, f.region_code, dotted=dotted))
                ),
                Grant.group_id.in_(
                    select(KubeGroup.id).where(
                        prefix_range(KubeGroup.village_code, f.region_code, dotted=dotted)
                    )
                ),
            )
        )
    return stmt


def count_grants(session: Session, f: PageFilter) -> int:
    require(session, "grant.view")
    return int(session.scalar(_grant_filtered(select(func.count()).select_from(Grant), f)) or 0)


def page_grants(
    session: Session,
    f: PageFilter,
    sort: str = "id",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[GrantRow]:
    require(session, "grant.view")
    col = GRANT_SORT.get(sort, Grant.id)
    stmt = _grant_filtered(
        select(
            Grant.id,
            Grant.programme_id,
            Grant.group_id,
            Grant.person_id,
            Grant.form,
            Grant.amount,
            Grant.status,
            Grant.agreement_number,
        ),
        f,
    )
    rows = session.execute(
        stmt.order_by(col.desc() if descending else col.asc(), Grant.id).offset(offset).limit(limit)
    ).all()
    ids = [r.id for r in rows]
    programmes = dict(session.execute(select(Programme.id, Programme.name)).all())
    gnames = dict(
        session.execute(
            select(KubeGroup.id, KubeGroup.name).where(
                KubeGroup.id.in_({r.group_id for r in rows if r.group_id})
            )
        ).all()
    )
    pnames = dict(
        session.execute(
            select(Person.id, Person.name).where(Person.id.in_({r.person_id for r in rows if r.person_id}))
        ).all()
    )
    paid = (
        dict(
            session.execute(
                select(Tranche.grant_id, func.coalesce(func.sum(Tranche.paid_amount), 0))
                .where(Tranche.grant_id.in_(ids))
                .group_by(Tranche.grant_id)
            ).all()
        )
        if ids
        else {}
    )
    out = []
    for r in rows:
        paid_amount = int(paid.get(r.id) or 0)
        if r.form == "goods" and r.status in (R.DISBURSED, R.ACCOUNTABILITY, R.CLOSED):
            paid_amount = r.amount
        out.append(
            GrantRow(
                id=r.id,
                programme_name=str(programmes.get(r.programme_id, "")),
                recipient_name=str(gnames.get(r.group_id, "") if r.group_id else pnames.get(r.person_id, "")),
                recipient_kind="group" if r.group_id else "person",
                form=r.form,
                amount=r.amount,
                paid=paid_amount,
                status=r.status,
                agreement_number=r.agreement_number or "",
            )
        )
    return out


def grant_ids_of_programme(session: Session, programme_id: int, *, printable_only: bool = True) -> list[int]:
    require(session, "grant.view")
    stmt = select(Grant.id).where(Grant.programme_id == programme_id).order_by(Grant.id)
    if printable_only:
        stmt = stmt.where(Grant.status.in_(R.PRINTABLE_STATUSES))
    return list(session.scalars(stmt))
