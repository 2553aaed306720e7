"""Business training: trainings with their trainers and sessions, enrolled participants, attendance per
session, and the register of training certificates (STTP).

The schema carries the invariants: one enrolment per person per training, one attendance mark per
participant per session, at most one valid (unrevoked) certificate per participant (so never two
numbers for the same person in the same training), every certificate number and code unique.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kaltim_desk.models.base import Base, TimestampMixin, VersionedMixin, utcnow
from kaltim_desk.models.vocabulary import AttendanceStatus, TrainingStatus, check_in

TRAINING_STATUSES = tuple(TrainingStatus)
ATTENDANCE_STATUSES = tuple(AttendanceStatus)


class Training(TimestampMixin, VersionedMixin, Base):
    __tablename__ = "training"
    __table_args__ = (
        CheckConstraint(check_in("status", TrainingStatus), name="status"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("hours >= 0", name="hours"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    topics: Mapped[str | None] = mapped_column(String(400))  # "; "-separated topic labels
    organiser: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    hours: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # jam pelajaran (JP)
    status: Mapped[str] = mapped_column(
        String(10), nullable=False, default=TrainingStatus.PLANNED.value, index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)

    trainers: Mapped[list[Trainer]] = relationship(
        back_populates="training", cascade="all, delete-orphan", order_by="Trainer.id"
    )
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="training",
        cascade="all, delete-orphan",
        order_by="(TrainingSession.session_date, TrainingSession.id)",
    )


class Trainer(Base):
    __tablename__ = "trainer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(
        ForeignKey("training.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(150), nullable=False)
    institution: Mapped[str | None] = mapped_column(String(200))

    training: Mapped[Training] = relationship(back_populates="trainers")


class TrainingSession(Base):
    __tablename__ = "training_session"
    __table_args__ = (CheckConstraint("hours >= 0", name="hours"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(
        ForeignKey("training.id", ondelete="CASCADE"), nullable=False, index=True
    )
    session_date: Mapped[date] = mapped_column(Date, nullable=False)
    topic: Mapped[str] = mapped_column(String(200), nullable=False)
    hours: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    training: Mapped[Training] = relationship(back_populates="sessions")


class Participant(Base):
    __tablename__ = "training_participant"
    __table_args__ = (
        UniqueConstraint("training_id", "person_id", name="uq_training_participant_person"),
        CheckConstraint("pre_score IS NULL OR pre_score BETWEEN 0 AND 100", name="pre_score"),
        CheckConstraint("post_score IS NULL OR post_score BETWEEN 0 AND 100", name="post_score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(
        ForeignKey("training.id", ondelete="CASCADE"), nullable=False, index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("kube_group.id"))  # enrolled with a group
    pre_score: Mapped[int | None] = mapped_column(Integer)
    post_score: Mapped[int | None] = mapped_column(Integer)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class Attendance(Base):
    __tablename__ = "training_attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "participant_id", name="uq_training_attendance_pair"),
        CheckConstraint(check_in("status", AttendanceStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_session.id", ondelete="CASCADE"), nullable=False, index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("training_participant.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(String(8), nullable=False)


class Certificate(Base):
    """One row of the certificate register. Never deleted: a wrong one is revoked with a reason, and
    only then may the participant receive a new one (with a new number). The partial unique index
    keeps at most one unrevoked certificate per participant."""

    __tablename__ = "training_certificate"
    __table_args__ = (
        Index(
            "uq_training_certificate_valid",
            "participant_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("training_participant.id"), nullable=False, index=True
    )
    number: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)  # the date printed on it
    verification_code: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    issued_by: Mapped[str | None] = mapped_column(String(60))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(300))
    print_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_printed_at: Mapped[datetime | None] = mapped_column(DateTime)
