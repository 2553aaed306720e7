"""KUBE (Kelompok Usaha Bersama): joint business groups of 5-20 women with three officers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kaltim_desk.models.base import Base, TimestampMixin, VersionedMixin
from kaltim_desk.models.vocabulary import GroupStatus, MemberRole, check_in

GROUP_STATUSES = tuple(GroupStatus)
MEMBER_ROLES = tuple(MemberRole)


class KubeGroup(TimestampMixin, VersionedMixin, Base):
    __tablename__ = "kube_group"
    __table_args__ = (CheckConstraint(check_in("status", GroupStatus), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False, index=True)
    village_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    business_type: Mapped[str | None] = mapped_column(String(60), index=True)
    formed_on: Mapped[date | None] = mapped_column(Date)
    bank_name: Mapped[str | None] = mapped_column(String(60))
    bank_account: Mapped[str | None] = mapped_column(String(30))
    bank_holder: Mapped[str | None] = mapped_column(String(150))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="forming", index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, index=True)

    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupMember.id"
    )


class GroupMember(Base):
    __tablename__ = "group_member"
    __table_args__ = (
        UniqueConstraint("group_id", "person_id", name="uq_group_member_person"),
        CheckConstraint(check_in("role", MemberRole), name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("kube_group.id", ondelete="CASCADE"), nullable=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(12), nullable=False, default="anggota")
    joined_on: Mapped[date | None] = mapped_column(Date)

    group: Mapped[KubeGroup] = relationship(back_populates="members")
