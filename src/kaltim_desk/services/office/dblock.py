"""One writer at a time (RELIABILITY R5). SQLite itself serialises single transactions, but two people
editing the same database from two PCs (or two windows) for hours would overwrite each other's view of
the data; so the instance that writes holds a lock record (host, pid, user, acquired, heartbeat) and
refreshes its heartbeat. A second instance is offered read-only; a lock whose heartbeat stopped (a
crashed or switched-off PC) may be taken over, and that take-over is audited.

Read-only is enforced by SQLite (`PRAGMA query_only`), not by hiding buttons.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from kaltim_desk.core import audit
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError, PermissionDenied
from kaltim_desk.core.permissions import allowed
from kaltim_desk.db import Database
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.user import DatabaseLock
from kaltim_desk.services.office.processes import process_alive

HEARTBEAT_SECONDS = 30
STALE_AFTER = timedelta(minutes=3)  # six missed heartbeats
LOCK_ID = 1


@dataclass(frozen=True)
class LockHolder:
    host: str
    pid: int
    username: str
    acquired_at: datetime
    heartbeat_at: datetime
    stale: bool

    def describe(self) -> str:
        return (
            f"{self.username} di komputer {self.host} (proses {self.pid}), "
            f"sejak {self.acquired_at:%d-%m-%Y %H:%M} UTC, terakhir aktif {self.heartbeat_at:%H:%M} UTC"
        )


class WriterLock:
    """The lock of one open database for this instance of the app."""

    def __init__(
        self,
        db: Database,
        username: str,
        *,
        host: str | None = None,
        pid: int | None = None,
        clock: Callable[[], datetime] = utcnow,
        pid_alive: Callable[[int], bool] = process_alive,
    ) -> None:
        self.db = db
        self.username = username
        self.host = host or socket.gethostname()
        self.pid = pid if pid is not None else os.getpid()
        self.clock = clock
        self.pid_alive = pid_alive
        self.token = uuid.uuid4().hex
        self.held = False

    def _holder(self, row: DatabaseLock) -> LockHolder:
        now = self.clock()
        stale = row.heartbeat_at < now - STALE_AFTER or (
            row.host == self.host and row.pid != self.pid and not self.pid_alive(row.pid)
        )
        return LockHolder(row.host, row.pid, row.username, row.acquired_at, row.heartbeat_at, stale)

    def acquire(self) -> LockHolder | None:
        """Take the lock if it is free (or already ours). Returns None on success, else who holds it."""
        try:
            with self.db.session() as s:
                row = s.get(DatabaseLock, LOCK_ID)
                if row is not None and row.token != self.token:
                    return self._holder(row)
                now = self.clock()
                if row is None:
                    s.add(
                        DatabaseLock(
                            id=LOCK_ID,
                            token=self.token,
                            host=self.host[:120],
                            pid=self.pid,
                            username=self.username[:60],
                            acquired_at=now,
                            heartbeat_at=now,
                        )
                    )
                else:
                    row.heartbeat_at = now
        except IntegrityError:  # another instance inserted it at the same moment
            return self.current()
        self.held = True
        return None

    def current(self) -> LockHolder | None:
        with self.db.read_session() as s:
            row = s.get(DatabaseLock, LOCK_ID)
            return None if row is None else self._holder(row)

    def take_over(self, actor: Actor) -> LockHolder | None:
        """Take the lock from a stale holder (or a free lock), audited; returns the previous holder.

        A live lock is always refused, whoever asks: its holder is saving right now, and two writers
        would overwrite each other's work. There is deliberately no way to force it; the person waits,
        or the holder closes the app (or its PC stops, and the lock goes stale after STALE_AFTER)."""
        if not allowed(actor.role, "lock.takeover"):
            raise PermissionDenied(actor.role, "lock.takeover")
        with self.db.session(actor) as s:
            row = s.get(DatabaseLock, LOCK_ID)
            previous = None if row is None else self._holder(row)
            if previous is not None and not previous.stale:
                raise DomainError(
                    "lock_live",
                    "Basis data sedang dipakai untuk menulis oleh "
                    + previous.describe()
                    + ". Kunci yang masih aktif tidak dapat diambil alih; tunggu sampai pengguna itu menutup "
                    "aplikasi.",
                )
            now = self.clock()
            if row is None:
                row = DatabaseLock(id=LOCK_ID)
                s.add(row)
            row.token, row.host, row.pid, row.username = (
                self.token,
                self.host[:120],
                self.pid,
                self.username[:60],
            )
            row.acquired_at = row.heartbeat_at = now
            s.flush()
            audit.record(
                s,
                "lock.takeover",
                "database",
                None,
                previous=None
                if previous is None
                else {
                    "user": previous.username,
                    "host": previous.host,
                    "pid": previous.pid,
                    "heartbeat_at": previous.heartbeat_at.isoformat(timespec="seconds"),
                    "stale": previous.stale,
                },
            )
        self.held = True
        return previous

    def heartbeat(self) -> bool:
        """Refresh the heartbeat. False if the lock is no longer ours (another instance took it over)."""
        if not self.held:
            return False
        with self.db.session() as s:
            row = s.get(DatabaseLock, LOCK_ID)
            if row is None or row.token != self.token:
                self.held = False
                return False
            row.heartbeat_at = self.clock()
        return True

    def release(self) -> None:
        if not self.held:
            return
        with self.db.session() as s:
            row = s.scalar(
                select(DatabaseLock).where(DatabaseLock.id == LOCK_ID, DatabaseLock.token == self.token)
            )
            if row is not None:
                s.delete(row)
        self.held = False


def make_read_only(db: Database) -> None:
    """From now on every connection of `db` refuses writes (SQLite's `query_only`, PostgreSQL's read-only
    transactions); connections already open are dropped."""
    statement = (
        "PRAGMA query_only=ON" if db.is_sqlite else "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"
    )

    @event.listens_for(db.engine, "connect")
    def _read_only(dbapi_connection: Any, _record: Any) -> None:
        cur = dbapi_connection.cursor()
        cur.execute(statement)
        cur.close()

    db.engine.dispose()
    db.read_only = True  # type: ignore[attr-defined]


def is_read_only(db: Database) -> bool:
    return bool(getattr(db, "read_only", False))
