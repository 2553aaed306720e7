"""R5: one writer; a second instance is told who writes and can open read-only; a stale lock is taken
over and that is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.db import Database
from kaltim_desk.models.base import utcnow
from kaltim_desk.services.office.dblock import STALE_AFTER, WriterLock, is_read_only, make_read_only
from kaltim_desk.views.prompts import describe_error
from tests.factories import make_person

SITI = Actor("siti", "clerk")


def test_second_instance_sees_who_writes(db: Database) -> None:
    first = WriterLock(db, "siti", host="PC-OPERATOR", pid=111)
    second = WriterLock(db, "budi", host="PC-KASI", pid=222)
    assert first.acquire() is None
    holder = second.acquire()
    assert holder is not None and not holder.stale
    assert "siti di komputer PC-OPERATOR" in holder.describe()
    with pytest.raises(DomainError, match="sedang dipakai"):
        second.take_over(Actor("budi", "officer"))
    assert first.heartbeat()


def test_stale_lock_is_taken_over_and_audited(db: Database) -> None:
    t0 = utcnow()
    crashed = WriterLock(db, "siti", host="PC-OPERATOR", pid=111, clock=lambda: t0)
    assert crashed.acquire() is None
    later = t0 + STALE_AFTER + timedelta(seconds=1)
    newcomer = WriterLock(db, "budi", host="PC-KASI", pid=222, clock=lambda: later)
    holder = newcomer.acquire()
    assert holder is not None and holder.stale
    previous = newcomer.take_over(Actor("budi", "officer"))
    assert previous is not None and previous.username == "siti"
    assert not crashed.heartbeat()  # the old holder learns it lost the lock
    with db.read_session() as s:
        row = s.execute(text("SELECT actor, action, detail FROM audit_log ORDER BY id DESC LIMIT 1")).one()
    assert row.actor == "budi" and row.action == "lock.takeover" and "PC-OPERATOR" in row.detail


def test_lock_of_a_dead_process_on_this_pc_is_stale_at_once(db: Database) -> None:
    WriterLock(db, "siti", host="PC-A", pid=111).acquire()
    me = WriterLock(db, "siti", host="PC-A", pid=222, pid_alive=lambda pid: False)
    holder = me.acquire()
    assert holder is not None and holder.stale


def test_release_frees_the_lock(db: Database) -> None:
    first = WriterLock(db, "siti", host="A", pid=1)
    first.acquire()
    first.release()
    assert WriterLock(db, "budi", host="B", pid=2).acquire() is None


@pytest.mark.sqlite_only
def test_read_only_instance_cannot_write_and_says_so(db: Database) -> None:
    with db.session(SITI) as s:
        make_person(s, name="Sudah Ada")
    make_read_only(db)
    assert is_read_only(db)
    with pytest.raises(OperationalError) as err, db.session(SITI) as s:
        make_person(s, name="Tidak Boleh")
    assert "tidak dapat ditulis" in describe_error(err.value)
    with db.read_session() as s:
        assert s.scalar(text("SELECT count(*) FROM person")) == 1


def test_a_live_lock_can_not_be_taken_by_anyone(db: Database) -> None:
    """Issue 17: a clerk could force-take a live lock through the services (`take_over(force=True)`)."""
    import inspect

    holder = WriterLock(db, "siti", host="PC-OPERATOR", pid=111)
    assert holder.acquire() is None
    other = WriterLock(db, "budi", host="PC-KASI", pid=222)
    for actor in (Actor("budi", "clerk"), Actor("admin", "admin")):
        with pytest.raises(DomainError, match="tidak dapat diambil alih"):
            other.take_over(actor)
    assert "force" not in inspect.signature(WriterLock.take_over).parameters
    assert holder.heartbeat()  # still the writer
    with db.read_session() as s:
        assert s.scalar(text("SELECT count(*) FROM audit_log WHERE action = 'lock.takeover'")) == 0


def test_taking_over_needs_the_permission(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from kaltim_desk.core.errors import PermissionDenied
    from kaltim_desk.services.office import dblock

    t0 = utcnow()
    WriterLock(db, "siti", host="PC-OPERATOR", pid=111, clock=lambda: t0).acquire()
    later = WriterLock(db, "budi", host="PC-KASI", pid=222, clock=lambda: t0 + STALE_AFTER * 2)
    monkeypatch.setattr(dblock, "allowed", lambda role, action: role != "trainer")
    with pytest.raises(PermissionDenied):
        later.take_over(Actor("tina", "trainer"))
    assert later.take_over(Actor("budi", "clerk")) is not None
