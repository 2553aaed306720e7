"""Follow-up mentoring (pendampingan): visits to a recipient after the aid, and their photos.

A visit belongs to exactly one recipient, a person or a KUBE group (a check constraint says so), and may
name the grant it follows up. Money is whole rupiah (BigInteger); profit may be negative (a loss).
Photos are files beside the database (`<db folder>/attachments/visits/<visit id>/`); the row keeps the
path relative to the attachments folder and the file's SHA-256, so a moved or altered file is noticed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kaltim_desk.models.base import Base, TimestampMixin, VersionedMixin, utcnow
from kaltim_desk.models.vocabulary import BusinessStatus, check_in

BUSINESS_STATUSES = tuple(BusinessStatus)
# Topics are stored as codes joined by ";" (a visit covers a few of them).
VISIT_TOPICS = (
    "business_management",
    "financial_literacy",
    "bookkeeping",
    "product",
    "marketing",
    "group_management",
    "other",
)


class Visit(TimestampMixin, VersionedMixin, Base):
    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint(check_in("business_status", BusinessStatus), name="status"),
        CheckConstraint("(person_id IS NULL) <> (group_id IS NULL)", name="one_recipient"),
        CheckConstraint("monthly_revenue IS NULL OR monthly_revenue >= 0", name="revenue"),
        CheckConstraint("workers IS NULL OR workers >= 0", name="workers"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visited_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    mentor_name: Mapped[str] = mapped_column(String(150), nullable=False, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("kube_group.id"), index=True)
    # The grant this visit follows up, when the mentor knows it.
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("aid_grant.id", ondelete="SET NULL"), index=True)
    topics: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    business_status: Mapped[str] = mapped_column(String(10), nullable=False, index=True)
    monthly_revenue: Mapped[int | None] = mapped_column(BigInteger)
    monthly_profit: Mapped[int | None] = mapped_column(BigInteger)
    workers: Mapped[int | None] = mapped_column(Integer)
    problems: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)

    photos: Mapped[list[VisitPhoto]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitPhoto.id"
    )


class VisitPhoto(Base):
    __tablename__ = "visit_photo"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True
    )
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)  # relative to attachments/
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    caption: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    visit: Mapped[Visit] = relationship(back_populates="photos")
