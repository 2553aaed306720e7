"""Aid: programmes, grants to a KUBE group or to one woman, their goods items, cash tranches, and the
history of every status change.

Money is whole rupiah in `BigInteger` columns. The schema holds the invariants a row can hold on its own
(exactly one recipient, known statuses and forms, positive quantities, one tranche per sequence number);
the rules that span rows (ceilings, one grant per person per programme, the gates of the status flow)
live in `services/aid/grants.py` and `services/aid/aid_rules.py`.
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kaltim_desk.models.base import Base, TimestampMixin, VersionedMixin, utcnow
from kaltim_desk.models.vocabulary import AidForm, GrantStatus, check_in

FUNDING_SOURCES = ("APBD", "APBD-P", "APBN")
AID_FORMS = tuple(AidForm)
GRANT_STATUSES = tuple(GrantStatus)


class Programme(TimestampMixin, Base):
    """A budgeted aid programme of one year, e.g. "Bantuan KUBE 2025" (APBD)."""

    __tablename__ = "aid_programme"
    __table_args__ = (
        CheckConstraint(check_in("funding_source", FUNDING_SOURCES), name="funding_source"),
        CheckConstraint(check_in("aid_form", AID_FORMS), name="aid_form"),
        CheckConstraint("ceiling_per_group >= 0 AND ceiling_per_person >= 0", name="ceilings"),
        UniqueConstraint("name", "budget_year", name="uq_aid_programme_name_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(150), nullable=False)
    budget_year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    funding_source: Mapped[str] = mapped_column(String(8), nullable=False, default="APBD")
    ceiling_per_group: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    ceiling_per_person: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    total_budget: Mapped[int | None] = mapped_column(BigInteger)
    tranche_plan: Mapped[str] = mapped_column(String(40), nullable=False, default="100")
    aid_form: Mapped[str] = mapped_column(String(5), nullable=False, default="cash")
    notes: Mapped[str | None] = mapped_column(Text)


class Grant(TimestampMixin, VersionedMixin, Base):
    """Aid to one KUBE group or one person within a programme, moving through the status flow."""

    __tablename__ = "aid_grant"
    __table_args__ = (
        CheckConstraint(
            "(group_id IS NULL AND person_id IS NOT NULL) OR (group_id IS NOT NULL AND person_id IS NULL)",
            name="one_recipient",
        ),
        CheckConstraint(check_in("form", AID_FORMS), name="form"),
        CheckConstraint(check_in("status", GRANT_STATUSES), name="status"),
        CheckConstraint("amount >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("aid_programme.id"), nullable=False, index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("kube_group.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    form: Mapped[str] = mapped_column(String(5), nullable=False, default="cash")
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(24), nullable=False, default="proposed", index=True)
    agreement_number: Mapped[str | None] = mapped_column(String(120))
    agreement_signed_on: Mapped[date | None] = mapped_column(Date)
    handover_on: Mapped[date | None] = mapped_column(Date)
    accountability_received_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    status_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list[GrantItem]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantItem.id"
    )
    tranches: Mapped[list[Tranche]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="Tranche.seq"
    )


class GrantItem(Base):
    """One line of a goods grant: description, quantity, unit, unit price (line total = qty x price)."""

    __tablename__ = "aid_grant_item"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_price >= 0", name="unit_price"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("aid_grant.id", ondelete="CASCADE"), nullable=False, index=True
    )
    description: Mapped[str] = mapped_column(String(200), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    unit: Mapped[str] = mapped_column(String(20), nullable=False, default="unit")
    unit_price: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

    grant: Mapped[Grant] = relationship(back_populates="items")

    @property
    def line_total(self) -> int:
        return self.quantity * self.unit_price


class Tranche(Base):
    """One planned payment of a cash grant; `paid_on` is set when the money went to the bank account."""

    __tablename__ = "aid_tranche"
    __table_args__ = (
        UniqueConstraint("grant_id", "seq", name="uq_aid_tranche_grant_seq"),
        CheckConstraint("seq >= 1", name="seq"),
        CheckConstraint("planned_share_pct BETWEEN 0 AND 100", name="share"),
        CheckConstraint("planned_amount >= 0", name="planned_amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("aid_grant.id", ondelete="CASCADE"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    planned_share_pct: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    planned_amount: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_amount: Mapped[int | None] = mapped_column(BigInteger)
    bank_reference: Mapped[str | None] = mapped_column(String(60))
    receipt_number: Mapped[str | None] = mapped_column(String(120))

    grant: Mapped[Grant] = relationship(back_populates="tranches")


class GrantStatusChange(Base):
    """Every move of a grant from one status to another: when, by whom and why (insert-only)."""

    __tablename__ = "aid_grant_status_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("aid_grant.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    actor: Mapped[str] = mapped_column(String(60), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
