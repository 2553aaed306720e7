"""A beneficiary: a woman registered in the programme. People are never hard-deleted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desk.models.base import Base, TimestampMixin, VersionedMixin


class Person(TimestampMixin, VersionedMixin, Base):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint("sex IN ('P', 'L')", name="sex"),
        CheckConstraint("welfare_decile IS NULL OR welfare_decile BETWEEN 1 AND 10", name="decile"),
        # A NIK prefix sorted by name (search by the first digits: a sub-district's 9,500 women at
        # province scale) is answered from this index alone: no row read until the page is known.
        Index("ix_person_nik_name", "nik", "name", "is_active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    kk_number: Mapped[str | None] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(150), nullable=False, index=True)
    sex: Mapped[str] = mapped_column(String(1), nullable=False, default="P")
    birth_place: Mapped[str | None] = mapped_column(String(80))
    birth_date: Mapped[date | None] = mapped_column(Date)
    village_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    rt: Mapped[str | None] = mapped_column(String(3))
    rw: Mapped[str | None] = mapped_column(String(3))
    street: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    marital_status: Mapped[str | None] = mapped_column(String(20))
    is_household_head: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    vulnerability: Mapped[str | None] = mapped_column(String(30))
    welfare_source: Mapped[str] = mapped_column(String(10), nullable=False, default="NONE")
    welfare_decile: Mapped[int | None] = mapped_column(Integer)
    welfare_checked_on: Mapped[date | None] = mapped_column(Date)
    business_type: Mapped[str | None] = mapped_column(String(60), index=True)
    bank_name: Mapped[str | None] = mapped_column(String(60))
    bank_account: Mapped[str | None] = mapped_column(String(30))
    bank_holder: Mapped[str | None] = mapped_column(String(150))
    notes: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, index=True)
    deactivated_reason: Mapped[str | None] = mapped_column(String(200))
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, index=True)
