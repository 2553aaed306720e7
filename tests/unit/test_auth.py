"""R18: argon2id hashes, rehash on parameter change, lockout, one message for unknown user and wrong
password, every attempt audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.user import User
from kaltim_desk.services.checks import check_audit_chain
from kaltim_desk.services.office import auth, users

PASSWORD = "kopi-susu-42"


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """argon2id with small parameters keeps the suite fast; production uses the library defaults."""
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(auth, "_DUMMY_HASH", None)
    auth.reset_unknown_failures()
    yield
    auth.reset_unknown_failures()


@pytest.fixture
def siti(session: Any) -> users.UserDTO:
    users.create_user(session, "admin", "Admin Kantor", "admin", "rahasia-kantor-1")
    return users.create_user(session, "siti", "Siti Aminah", "clerk", PASSWORD)


def test_production_hasher_is_argon2id_with_library_defaults() -> None:
    from argon2 import Type

    default = PasswordHasher()
    assert auth.HASHER is not None
    # the module's own hasher (restored after monkeypatch in other tests) uses the defaults
    import importlib

    fresh = importlib.reload(auth)
    try:
        assert fresh.HASHER.type is Type.ID
        assert (fresh.HASHER.time_cost, fresh.HASHER.memory_cost) == (default.time_cost, default.memory_cost)
        assert fresh.hash_password("x" * 10).startswith("$argon2id$")
    finally:
        importlib.reload(auth)


def test_password_is_stored_only_as_argon2id_hash(session: Any, siti: users.UserDTO) -> None:
    row = session.get(User, siti.id)
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash


def test_right_password_logs_in_and_is_audited(session: Any, siti: users.UserDTO) -> None:
    result = auth.login(session, "  SITI ", PASSWORD)
    assert result.ok and result.actor is not None
    assert (result.actor.username, result.actor.role, result.actor.user_id) == ("siti", "clerk", siti.id)
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (last.action, last.actor, last.entity_id) == ("login", "siti", str(siti.id))
    assert session.get(User, siti.id).last_login is not None


def test_unknown_user_and_wrong_password_get_the_same_message(session: Any, siti: users.UserDTO) -> None:
    wrong = auth.login(session, "siti", "bukan-ini-123")
    unknown = auth.login(session, "tidak.ada", "bukan-ini-123")
    inactive_user = users.create_user(session, "lama", "Pegawai Lama", "clerk", PASSWORD)
    users.set_active(session, inactive_user.id, False, "pensiun")
    inactive = auth.login(session, "lama", PASSWORD)
    assert not wrong.ok and not unknown.ok and not inactive.ok
    assert wrong.message == unknown.message == inactive.message == auth.BAD_CREDENTIALS
    actions = [
        a for (a,) in session.execute(select(AuditEntry.action).where(AuditEntry.action == "login.failed"))
    ]
    assert len(actions) == 3


def test_lockout_after_repeated_failures_then_unlocks_after_the_wait(
    session: Any, siti: users.UserDTO
) -> None:
    now = utcnow()
    results = [auth.login(session, "siti", f"salah-{i}-xyz", now=now) for i in range(auth.MAX_FAILURES)]
    assert all(r.message == auth.BAD_CREDENTIALS for r in results[:-1])
    assert results[-1].locked and "dikunci" in results[-1].message
    # even the right password is refused while locked
    locked = auth.login(session, "siti", PASSWORD, now=now + timedelta(minutes=1))
    assert not locked.ok and locked.locked
    assert "14 menit" in locked.message
    later = auth.login(
        session, "siti", PASSWORD, now=now + timedelta(minutes=auth.LOCKOUT_MINUTES, seconds=1)
    )
    assert later.ok
    actions = [a for (a,) in session.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
    assert "user.locked" in actions
    assert check_audit_chain(session).ok


def test_unknown_names_lock_out_like_real_ones(session: Any, siti: users.UserDTO) -> None:
    """So that 'locked' never tells a guesser that a name exists."""
    now = utcnow()
    for i in range(auth.MAX_FAILURES - 1):
        assert auth.login(session, "hantu", f"coba-{i}-xyz", now=now).message == auth.BAD_CREDENTIALS
    last_unknown = auth.login(session, "hantu", "coba-terakhir", now=now)
    for i in range(auth.MAX_FAILURES - 1):
        auth.login(session, "siti", f"coba-{i}-xyz", now=now)
    last_known = auth.login(session, "siti", "coba-terakhir", now=now)
    assert last_unknown.message == last_known.message
    assert last_unknown.locked and last_known.locked


def test_hash_is_upgraded_when_parameters_change(
    session: Any, siti: users.UserDTO, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_hash = session.get(User, siti.id).password_hash
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    assert auth.HASHER.check_needs_rehash(old_hash)
    assert auth.login(session, "siti", PASSWORD).ok
    new_hash = session.get(User, siti.id).password_hash
    assert new_hash != old_hash and "m=2048,t=2" in new_hash
    assert not auth.HASHER.check_needs_rehash(new_hash)
    assert auth.login(session, "siti", PASSWORD).ok  # and the new hash verifies


def test_failures_are_counted_even_though_the_login_is_refused(db: Any) -> None:
    """The failed attempt is committed by the caller's unit of work (login does not raise)."""
    with db.session() as s:
        users.create_user(s, "admin", "Admin", "admin", "rahasia-kantor-1")
    with db.session() as s:
        assert not auth.login(s, "admin", "salah-sekali").ok
    with db.read_session() as s:
        assert s.scalar(select(User.failed_attempts).where(User.username == "admin")) == 1


def test_unlock_screen_checks_the_same_person(session: Any, siti: users.UserDTO) -> None:
    actor = auth.login(session, "siti", PASSWORD).actor
    assert actor is not None
    assert auth.verify_current_user(session, actor, PASSWORD)
    assert not auth.verify_current_user(session, actor, "lain-lagi-99")


def test_demo_accounts_are_hashed_cheaply_and_renewed_at_first_login(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaltim_desk.demo.office import create_demo_office

    monkeypatch.setattr(auth, "HASHER", PasswordHasher())  # the production parameters
    create_demo_office(db, people=20)
    with db.session() as s:
        before = s.scalar(select(User.password_hash).where(User.username == "operator"))
        assert "m=1024,t=1" in before
        result = auth.login(s, "operator", "demo-operator")
        assert result.ok and result.actor is not None and result.actor.role == "clerk"
        after = s.get(User, result.actor.user_id).password_hash
        assert f"m={PasswordHasher().memory_cost},t={PasswordHasher().time_cost}" in after
        names = {u.username: (u.role, u.is_demo) for u in users.list_users(s)}
    assert names == {
        "admin": ("admin", True),
        "pejabat": ("officer", True),
        "operator": ("clerk", True),
        "pelatih": ("trainer", True),
    }
