"""Number sequences for letters and certificates, and every number ever handed out.

The unique constraint on `issued_number.number` is the last line of defence: even two processes that
raced past the sequence could not store the same number twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desk.models.base import Base, utcnow


class NumberSequence(Base):
    __tablename__ = "number_sequence"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)  # e.g. "agreement:2026"
    last_value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class IssuedNumber(Base):
    __tablename__ = "issued_number"
    __table_args__ = (UniqueConstraint("sequence_name", "value", name="uq_issued_number_seq_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence_name: Mapped[str] = mapped_column(ForeignKey("number_sequence.name"), nullable=False)
    value: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    purpose: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
