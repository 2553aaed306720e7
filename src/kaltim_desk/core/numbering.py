"""Letter and certificate numbers from an office's template, never handed out twice.

The template is a Python format string over: seq (the sequence value), code (the classification or
unit code of the document kind), office (the office code), roman_month, month, year. For example the
default `{seq:03d}/{code}/{office}/{roman_month}/{year}` gives `007/400.9.2/DINSOS/VIII/2026`.

The next value is taken with one UPDATE of the sequence row (row-locked on PostgreSQL, under the write
lock on SQLite) and every number is stored in `issued_number` with a unique constraint, so concurrent
printing can never produce a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.settings import load_section, office_profile
from kaltim_desk.domain.dates import roman_month
from kaltim_desk.models.numbering import IssuedNumber, NumberSequence

DEFAULT_TEMPLATE = "{seq:03d}/{code}/{office}/{roman_month}/{year}"


@dataclass(frozen=True)
class NumberTemplates:
    """Per document kind: the template and the classification code (editable in Settings)."""

    SECTION = "numbering"

    templates: dict[str, str] = field(
        default_factory=lambda: {
            "agreement": DEFAULT_TEMPLATE,
            "handover": DEFAULT_TEMPLATE,
            "receipt": DEFAULT_TEMPLATE,
            "certificate": "{seq:04d}/STTP/{office}/{year}",
        }
    )
    codes: dict[str, str] = field(
        default_factory=lambda: {
            "agreement": "400.9.2",
            "handover": "400.9.3",
            "receipt": "900.1",
            "certificate": "400.9.5",
        }
    )
    # "year": the sequence restarts each year; "never": one sequence for ever.
    reset: str = "year"


def render(template: str, *, seq: int, code: str, office: str, when: date) -> str:
    try:
        return template.format(
            seq=seq,
            code=code,
            office=office,
            roman_month=roman_month(when.month),
            month=when.month,
            year=when.year,
        )
    except (KeyError, ValueError, IndexError) as exc:
        raise DomainError("bad_template", f"Templat nomor tidak sah: {template} ({exc}).") from exc


def issue_number(
    session: Session, kind: str, *, purpose: str, entity_id: int | None = None, when: date | None = None
) -> str:
    """Take the next number of `kind` (e.g. "agreement") and record it as issued."""
    when = when or date.today()
    cfg = load_section(session, NumberTemplates)
    template = cfg.templates.get(kind, DEFAULT_TEMPLATE)
    code = cfg.codes.get(kind, "")
    office = office_profile(session).office_code
    seq_name = f"{kind}:{when.year}" if cfg.reset == "year" else kind
    if session.get(NumberSequence, seq_name) is None:
        try:
            with session.begin_nested():
                session.add(NumberSequence(name=seq_name, last_value=0))
        except IntegrityError:
            pass  # created by a concurrent writer meanwhile
    value = session.execute(
        update(NumberSequence)
        .where(NumberSequence.name == seq_name)
        .values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
    ).scalar_one()
    number = render(template, seq=value, code=code, office=office, when=when)
    session.add(
        IssuedNumber(sequence_name=seq_name, value=value, number=number, purpose=purpose, entity_id=entity_id)
    )
    session.flush()
    return number


def issued_for(session: Session, purpose: str, entity_id: int) -> str | None:
    """The number already issued for this purpose and entity, if any (reprints keep their number)."""
    return session.scalar(
        select(IssuedNumber.number)
        .where(IssuedNumber.purpose == purpose, IssuedNumber.entity_id == entity_id)
        .order_by(IssuedNumber.id)
        .limit(1)
    )
