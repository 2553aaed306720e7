"""Logging in (RELIABILITY R18): argon2id hashes (argon2-cffi's defaults), rehash when the parameters
change, a lockout after repeated failures, and the same message whether the user is unknown or the
password wrong, so a guesser learns nothing from the answer or from its timing.

`login()` never raises for a refused attempt: it returns a `LoginResult`, so the caller's unit of work
commits the failure counter and the audit row (a raised error would roll both back).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desk.core import audit
from kaltim_desk.core.actor import Actor
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.user import User
from kaltim_desk.models.vocabulary import UserRole

MAX_FAILURES = 5  # wrong passwords in a row before the account is locked
LOCKOUT_MINUTES = 15

# One message for an unknown user, a wrong password and a deactivated account (OWASP ASVS 2.2).
BAD_CREDENTIALS = "Nama pengguna atau kata sandi salah."
LOCKED = (
    "Terlalu banyak percobaan gagal. Akun ini dikunci sementara; coba lagi setelah {minutes} menit "
    "atau minta admin membukanya."
)

# argon2id with the library's defaults (t=3, m=64 MiB, p=4: ~0.2 s on an office PC). Tests replace it
# with cheaper parameters, which is also how a parameter change (and the rehash) is exercised.
HASHER = PasswordHasher()

# Unknown names get the same lockout as real ones, so "locked" does not reveal that a name exists.
# In-process only (bounded): enough for the one login dialog of a desktop app.
_unknown_failures: dict[str, tuple[int, datetime | None]] = {}
_UNKNOWN_CAP = 1000


# Demo accounts have published passwords (docs/SECURITY.md): an expensive hash protects nothing there, and
# a cheap one keeps creating a demo office fast. The first login renews it with HASHER's parameters.
DEMO_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str, *, demo: bool = False) -> str:
    return (DEMO_HASHER if demo else HASHER).hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: str | None = None


def _dummy_verify(password: str) -> None:
    """Spend the time a real verification takes, so an unknown name answers as slowly as a known one."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None or HASHER.check_needs_rehash(_DUMMY_HASH):
        _DUMMY_HASH = HASHER.hash("kaltim-desk-dummy-password")
    verify_password(_DUMMY_HASH, password)


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    message: str  # empty when ok; else what the login dialog shows
    actor: Actor | None = None
    must_change_password: bool = False
    locked: bool = False


@contextlib.contextmanager
def acting_as(session: Session, actor: Actor) -> Iterator[None]:
    """Write audit rows as `actor` for a moment (a login is done by the person logging in)."""
    old = session.info.get("actor")
    session.info["actor"] = actor
    try:
        yield
    finally:
        if old is None:
            session.info.pop("actor", None)
        else:
            session.info["actor"] = old


def find_user(session: Session, username: str) -> User | None:
    name = normalize_username(username)
    if not name:
        return None
    return session.scalar(select(User).where(func.lower(User.username) == name))


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def actor_for(user: User) -> Actor:
    return Actor(username=user.username, role=user.role, user_id=user.id, display_name=user.display_name)


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 59) // 60)


def login(session: Session, username: str, password: str, *, now: datetime | None = None) -> LoginResult:
    """Check a username and password. Counts failures, locks after MAX_FAILURES, rehashes on success
    when the hasher's parameters changed, and audits every attempt. The caller commits."""
    now = now or utcnow()
    name = normalize_username(username)
    user = find_user(session, name)
    anonymous = Actor(username="(masuk)", role=UserRole.CLERK, display_name="")

    if user is None:
        count, until = _unknown_failures.get(name, (0, None))
        if until is not None and until > now:
            _dummy_verify(password)
            return LoginResult(False, LOCKED.format(minutes=_minutes_left(until, now)), locked=True)
        _dummy_verify(password)
        count += 1
        until = now + timedelta(minutes=LOCKOUT_MINUTES) if count >= MAX_FAILURES else None
        if len(_unknown_failures) >= _UNKNOWN_CAP:
            _unknown_failures.clear()
        _unknown_failures[name] = (0 if until else count, until)
        with acting_as(session, anonymous):
            audit.record(session, "login.failed", "user", None, reason="unknown_user")
        if until:
            return LoginResult(False, LOCKED.format(minutes=LOCKOUT_MINUTES), locked=True)
        return LoginResult(False, BAD_CREDENTIALS)

    if user.locked_until is not None and user.locked_until > now:
        _dummy_verify(password)  # same cost; the password is not even looked at
        return LoginResult(False, LOCKED.format(minutes=_minutes_left(user.locked_until, now)), locked=True)

    good = verify_password(user.password_hash, password)
    if not good or not user.active:
        user.failed_attempts = (user.failed_attempts or 0) + 1
        locked = user.failed_attempts >= MAX_FAILURES
        with acting_as(session, anonymous):
            audit.record(
                session,
                "login.failed",
                "user",
                user.id,
                reason="inactive" if good else "wrong_password",
                attempts=user.failed_attempts,
            )
            if locked:
                user.locked_until = now + timedelta(minutes=LOCKOUT_MINUTES)
                user.failed_attempts = 0
                audit.record(session, "user.locked", "user", user.id, minutes=LOCKOUT_MINUTES)
        session.flush()
        if locked:
            return LoginResult(False, LOCKED.format(minutes=LOCKOUT_MINUTES), locked=True)
        return LoginResult(False, BAD_CREDENTIALS)

    user.failed_attempts = 0
    user.locked_until = None
    user.last_login = now
    rehashed = HASHER.check_needs_rehash(user.password_hash)
    if rehashed:
        user.password_hash = hash_password(password)
    actor = actor_for(user)
    with acting_as(session, actor):
        if rehashed:
            audit.record(session, "login", "user", user.id, rehashed=True)
        else:
            audit.record(session, "login", "user", user.id)
    session.flush()
    return LoginResult(True, "", actor=actor, must_change_password=user.must_change_password)


def verify_current_user(session: Session, actor: Actor, password: str) -> bool:
    """Unlocking after idle time: the same person, with the same password (no failure counting here;
    a wrong answer sends the user back to the full login)."""
    if actor.user_id is None:
        return False
    user = session.get(User, actor.user_id)
    return bool(user and user.active and verify_password(user.password_hash, password))


def reset_unknown_failures() -> None:
    """Forget in-process failures of unknown names (tests)."""
    _unknown_failures.clear()
