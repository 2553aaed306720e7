"""Issued documents: what a numbered aid document said when it was first printed.

A document records an event (an agreement signed, a tranche paid, goods handed over). The first print
stores the document's data (`snapshot`, JSON of the DTO the renderer reads) with its SHA-256, so that
every later print reproduces the same text under the same number whatever changed since; a later event
makes a new document with a new number. `print_count` decides original or SALINAN.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desk.models.base import Base, utcnow


class IssuedDocument(Base):
    __tablename__ = "issued_document"
    __table_args__ = (UniqueConstraint("kind", "entity_id", name="uq_issued_document_kind_entity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "agreement" (entity: grant), "handover" (goods, entity: grant), "handover_tranche" (cash, entity:
    # tranche), "receipt" (entity: tranche)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    grant_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    number: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    snapshot: Mapped[str] = mapped_column(Text, nullable=False)
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    issued_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(60), nullable=False)
    print_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
