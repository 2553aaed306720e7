"""Tables of the safety feature: the people who may log in (with their role and password hash) and the
one-writer lock record of a database (RELIABILITY R5, R17, R18)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desk.models.base import Base, TimestampMixin, utcnow
from kaltim_desk.models.vocabulary import UserRole, check_in


class User(TimestampMixin, Base):
    """An account. `username` is stored lower-case; the password only as an argon2id hash."""

    __tablename__ = "app_user"  # "user" is a reserved word on PostgreSQL
    __table_args__ = (CheckConstraint(check_in("role", UserRole), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(120), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login: Mapped[datetime | None] = mapped_column(DateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class DatabaseLock(Base):
    """Who writes to this database now. One row (id 1) at most; the holder refreshes `heartbeat_at`,
    so a lock whose heartbeat is old belongs to a crashed or switched-off PC and may be taken over."""

    __tablename__ = "database_lock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(40), nullable=False)
    host: Mapped[str] = mapped_column(String(120), nullable=False)
    pid: Mapped[int] = mapped_column(Integer, nullable=False)
    username: Mapped[str] = mapped_column(String(60), nullable=False)
    acquired_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
