"""Aid programmes: a name, a budget year, a funding source (APBD, APBD-P, APBN), ceilings per group and
per person, an optional total budget, and the default tranche plan of its cash grants ("50,50")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desk.core import audit
from kaltim_desk.core.errors import DomainError, NotFound, ValidationFailed
from kaltim_desk.core.permissions import require
from kaltim_desk.domain.money import MoneyError, parse_rupiah
from kaltim_desk.domain.text import clean_text
from kaltim_desk.models.grant import AID_FORMS, FUNDING_SOURCES, Grant, Programme
from kaltim_desk.services.aid.aid_rules import DEAD_STATUSES


@dataclass(frozen=True)
class ProgrammeInput:
    """What the programme dialog supplies; amounts may be typed text ("Rp5.000.000") or ints."""

    name: str
    budget_year: int
    funding_source: str = "APBD"
    ceiling_per_group: Any = 0
    ceiling_per_person: Any = 0
    total_budget: Any = None
    tranche_plan: str = "100"
    aid_form: str = "cash"
    notes: str = ""


@dataclass(frozen=True)
class ProgrammeDTO:
    id: int
    name: str
    budget_year: int
    funding_source: str
    ceiling_per_group: int
    ceiling_per_person: int
    total_budget: int | None
    tranche_plan: str
    aid_form: str
    notes: str
    grant_count: int = 0
    committed: int = 0  # sum of the amounts of its live (not rejected/cancelled) grants

    @property
    def label(self) -> str:
        return f"{self.name} ({self.funding_source} {self.budget_year})"

    @property
    def shares(self) -> tuple[int, ...]:
        return tuple(parse_tranche_plan(self.tranche_plan))


def parse_tranche_plan(text: str) -> list[int]:
    """ "50,50" -> [50, 50]; the shares are whole percentages adding up to 100."""
    raw = [p.strip().rstrip("%") for p in (text or "").replace(";", ",").replace("/", ",").split(",")]
    raw = [p for p in raw if p]
    if not raw or not all(p.isdigit() for p in raw):
        raise DomainError(
            "tranche_plan_invalid",
            f"Rencana tahap '{text}' tidak sah: tulis persentase dipisah koma, misalnya 50,50.",
            field="tranche_plan",
        )
    shares = [int(p) for p in raw]
    if any(s <= 0 for s in shares) or sum(shares) != 100:
        raise DomainError(
            "tranche_plan_sum",
            f"Rencana tahap '{text}' harus berjumlah 100% (sekarang {sum(shares)}%), tiap tahap lebih dari 0.",
            field="tranche_plan",
        )
    if len(shares) > 6:
        raise DomainError("tranche_plan_long", "Paling banyak 6 tahap pembayaran.", field="tranche_plan")
    return shares


def _money(value: Any, field: str, label: str, problems: list[DomainError], *, optional: bool = False) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        problems.append(DomainError("amount_required", f"{label} wajib diisi.", field=field))
        return 0
    try:
        return parse_rupiah(value)
    except MoneyError as exc:
        problems.append(DomainError("amount_invalid", f"{label}: {exc}.", field=field))
        return 0


def _validate(data: ProgrammeInput) -> dict[str, Any]:
    problems: list[DomainError] = []
    values: dict[str, Any] = {}
    name = clean_text(data.name or "")
    if not name:
        problems.append(DomainError("name_required", "Nama program wajib diisi.", field="name"))
    elif len(name) > 150:
        problems.append(DomainError("too_long", "Nama program terlalu panjang (maks. 150).", field="name"))
    values["name"] = name
    try:
        year = int(data.budget_year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= date.today().year + 5:
        problems.append(
            DomainError(
                "budget_year_invalid",
                f"Tahun anggaran harus antara 2000 dan {date.today().year + 5}.",
                field="budget_year",
            )
        )
    values["budget_year"] = year
    source = (data.funding_source or "").strip().upper()
    if source not in FUNDING_SOURCES:
        problems.append(
            DomainError(
                "funding_source_invalid",
                "Sumber dana harus APBD, APBD-P atau APBN.",
                field="funding_source",
            )
        )
    values["funding_source"] = source
    values["ceiling_per_group"] = _money(
        data.ceiling_per_group, "ceiling_per_group", "Pagu per kelompok", problems
    )
    values["ceiling_per_person"] = _money(
        data.ceiling_per_person, "ceiling_per_person", "Pagu per orang", problems
    )
    values["total_budget"] = _money(
        data.total_budget, "total_budget", "Total anggaran", problems, optional=True
    )
    try:
        values["tranche_plan"] = ",".join(str(s) for s in parse_tranche_plan(data.tranche_plan))
    except DomainError as exc:
        problems.append(exc)
    form = (data.aid_form or "cash").strip()
    if form not in AID_FORMS:
        problems.append(
            DomainError("form_invalid", "Bentuk bantuan harus uang atau barang.", field="aid_form")
        )
    values["aid_form"] = form
    values["notes"] = clean_text(data.notes or "") or None
    if problems:
        raise ValidationFailed(problems)
    return values


def _unique_name(session: Session, values: dict[str, Any], programme_id: int | None) -> None:
    other = session.scalar(
        select(Programme.id).where(
            Programme.name == values["name"], Programme.budget_year == values["budget_year"]
        )
    )
    if other is not None and other != programme_id:
        raise DomainError(
            "programme_duplicate",
            f"Program {values['name']} tahun {values['budget_year']} sudah ada.",
            field="name",
        )


def create_programme(session: Session, data: ProgrammeInput) -> ProgrammeDTO:
    require(session, "programme.edit")
    values = _validate(data)
    _unique_name(session, values, None)
    programme = Programme(**values)
    session.add(programme)
    session.flush()
    audit.record(
        session, "programme.create", "programme", programme.id, after={k: str(v) for k, v in values.items()}
    )
    return _dto(session, programme)


def update_programme(session: Session, programme_id: int, data: ProgrammeInput) -> ProgrammeDTO:
    """Edit a programme. Lowering a ceiling below what live grants already hold is refused."""
    require(session, "programme.edit")
    programme = _load(session, programme_id)
    values = _validate(data)
    _unique_name(session, values, programme_id)
    live = (Grant.programme_id == programme_id) & Grant.status.not_in(DEAD_STATUSES)
    if values["total_budget"] is not None:
        committed = int(session.scalar(select(func.coalesce(func.sum(Grant.amount), 0)).where(live)) or 0)
        if committed > values["total_budget"]:
            raise DomainError(
                "budget_below_committed",
                f"Total anggaran tidak boleh di bawah bantuan yang sudah diusulkan/disetujui ({committed:,}).".replace(
                    ",", "."
                ),
                field="total_budget",
            )
    for col, key, label in (
        (Grant.group_id, "ceiling_per_group", "kelompok"),
        (Grant.person_id, "ceiling_per_person", "orang"),
    ):
        top = session.scalar(select(func.max(Grant.amount)).where(live, col.is_not(None)))
        if top is not None and top > values[key]:
            raise DomainError(
                "ceiling_below_grant",
                f"Pagu per {label} tidak boleh di bawah bantuan yang sudah ada ({top:,}).".replace(",", "."),
                field=key,
            )
    before = {k: str(getattr(programme, k)) for k in values}
    for k, v in values.items():
        setattr(programme, k, v)
    session.flush()
    diff = audit.changes(before, {k: str(v) for k, v in values.items()})
    if diff:
        audit.record(session, "programme.edit", "programme", programme.id, changes=diff)
    return _dto(session, programme)


def get_programme(session: Session, programme_id: int) -> ProgrammeDTO:
    require(session, "grant.view")
    return _dto(session, _load(session, programme_id))


def list_programmes(session: Session) -> list[ProgrammeDTO]:
    """All programmes, newest budget year first (for filters and pickers)."""
    require(session, "grant.view")
    rows = session.scalars(select(Programme).order_by(Programme.budget_year.desc(), Programme.name)).all()
    return [_dto(session, p) for p in rows]


@dataclass(frozen=True)
class ProgrammeChoice:
    """A programme as a picker offers it: no totals (counting a programme's grants reads tens of
    thousands of rows in a province; a picker opened on the GUI thread must not)."""

    id: int
    label: str
    aid_form: str


def programme_choices(session: Session) -> list[ProgrammeChoice]:
    """The programmes for a picker or a filter, newest budget year first, as `list_programmes`."""
    require(session, "grant.view")
    rows = session.execute(
        select(
            Programme.id, Programme.name, Programme.funding_source, Programme.budget_year, Programme.aid_form
        ).order_by(Programme.budget_year.desc(), Programme.name)
    ).all()
    return [ProgrammeChoice(r.id, f"{r.name} ({r.funding_source} {r.budget_year})", r.aid_form) for r in rows]


def _load(session: Session, programme_id: int) -> Programme:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFound("Program bantuan", programme_id)
    return programme


def _dto(session: Session, p: Programme) -> ProgrammeDTO:
    count, committed = session.execute(
        select(func.count(), func.coalesce(func.sum(Grant.amount), 0)).where(
            Grant.programme_id == p.id, Grant.status.not_in(DEAD_STATUSES)
        )
    ).one()
    return ProgrammeDTO(
        id=p.id,
        name=p.name,
        budget_year=p.budget_year,
        funding_source=p.funding_source,
        ceiling_per_group=p.ceiling_per_group,
        ceiling_per_person=p.ceiling_per_person,
        total_budget=p.total_budget,
        tranche_plan=p.tranche_plan,
        aid_form=p.aid_form,
        notes=p.notes or "",
        grant_count=int(count),
        committed=int(committed),
    )
