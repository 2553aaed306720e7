"""The store of issued documents: a numbered aid document is made once, then reprinted unchanged.

`issue_or_reprint` is the one way a numbered document (agreement, BAST, receipt) reaches a renderer:
- the first time, it calls `build()` (which takes the number for the event the document records),
  stores the DTO as JSON with its SHA-256, and returns it;
- every later time it revives the stored DTO, checks the hash, and returns that, so a reprint after
  later payments, a changed profile or a new signatory says exactly what the first print said;
- the first print is the original; later prints carry "SALINAN" unless the user asks for an original
  again and her role may (`DocumentRules.reprint_original_roles`); every print is audited.

The snapshot is generic over frozen dataclasses (dates as ISO text, tuples, nested DTOs), revived from
the class's type hints, so the store does not know the DTOs' fields.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desk.core import audit
from kaltim_desk.core.actor import current_actor
from kaltim_desk.core.document_rules import check_original_reprint, document_rules
from kaltim_desk.core.errors import DomainError
from kaltim_desk.models.issued_document import IssuedDocument

T = TypeVar("T")
COPY_MARK = "SALINAN"


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a document snapshot")


def dump(doc: Any) -> str:
    """The DTO as canonical JSON (sorted keys), the text that is hashed and stored."""
    return json.dumps(dataclasses.asdict(doc), default=_default, ensure_ascii=False, sort_keys=True)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _revive_value(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or origin is types.UnionType:
        kinds = [a for a in args if a is not type(None)]
        return _revive_value(kinds[0], value) if len(kinds) == 1 else value
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_revive_value(args[0], v) for v in value)
        return tuple(_revive_value(a, v) for a, v in zip(args, value, strict=True))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return revive(tp, value)
    if tp is datetime:
        return datetime.fromisoformat(value)
    if tp is date:
        return date.fromisoformat(value)
    return value


def revive(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a frozen dataclass from `dump`'s JSON (fields added since keep their defaults)."""
    hints = typing.get_type_hints(cls)
    kwargs = {
        f.name: _revive_value(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name in data
    }
    return cls(**kwargs)


def find(session: Session, kind: str, entity_id: int) -> IssuedDocument | None:
    return session.scalar(
        select(IssuedDocument).where(IssuedDocument.kind == kind, IssuedDocument.entity_id == entity_id)
    )


def issue_or_reprint(
    session: Session,
    cls: type[T],
    *,
    kind: str,
    entity_id: int,
    grant_id: int,
    build: Callable[[], T],
    number_of: Callable[[T], str],
    original: bool = False,
) -> T:
    """The document `kind` of `entity_id`: built and stored on the first print, revived after that.
    Returns the DTO with `copy_mark` set when this print is a copy."""
    row = find(session, kind, entity_id)
    if row is None:
        doc = build()
        text = dump(doc)
        row = IssuedDocument(
            kind=kind,
            entity_id=entity_id,
            grant_id=grant_id,
            number=number_of(doc),
            snapshot=text,
            digest=digest(text),
            issued_by=current_actor(session).username,
            print_count=0,
        )
        session.add(row)
        session.flush()
    else:
        if digest(row.snapshot) != row.digest:
            raise DomainError(
                "document_altered",
                f"Data dokumen nomor {row.number} yang tersimpan tidak cocok dengan sidiknya "
                "(diubah di luar aplikasi); dokumen tidak dicetak. Hubungi admin.",
            )
        doc = revive(cls, json.loads(row.snapshot))
    is_copy = row.print_count > 0
    if is_copy and original:
        check_original_reprint(document_rules(session), current_actor(session).role, f"dokumen {row.number}")
        is_copy = False
    row.print_count += 1
    session.flush()  # here, not in the audit's reads: a locked database surfaces as itself (retryable)
    audit.record(
        session,
        "document.print",
        "issued_document",
        row.id,
        kind=kind,
        number=row.number,
        copy=is_copy,
        original_again=row.print_count > 1 and not is_copy,
        print_count=row.print_count,
    )
    mark = COPY_MARK if is_copy else ""
    if getattr(doc, "copy_mark", "") != mark:
        doc = dataclasses.replace(doc, copy_mark=mark)  # type: ignore[type-var]
    return doc


def issued_for_grant(session: Session, grant_id: int) -> list[IssuedDocument]:
    """Every document issued for a grant, oldest first (the grant's page lists them)."""
    return list(
        session.scalars(
            select(IssuedDocument).where(IssuedDocument.grant_id == grant_id).order_by(IssuedDocument.id)
        )
    )


def altered_documents(session: Session) -> list[str]:
    """Numbers of issued documents whose stored data no longer matches its hash (`check`)."""
    return [
        number
        for number, text, expected in session.execute(
            select(IssuedDocument.number, IssuedDocument.snapshot, IssuedDocument.digest).order_by(
                IssuedDocument.id
            )
        )
        if digest(text) != expected
    ]
