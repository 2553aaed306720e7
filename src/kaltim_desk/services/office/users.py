"""User accounts: create (the first admin on first start, then by an admin), change roles, deactivate,
reset and change passwords, unlock (RELIABILITY R17, R18). Every change is audited; the last active
admin can be neither demoted nor deactivated, so an office can never lock itself out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desk.core import audit
from kaltim_desk.core.actor import ROLES, current_actor
from kaltim_desk.core.errors import DomainError, NotFound
from kaltim_desk.core.permissions import require
from kaltim_desk.models.user import User
from kaltim_desk.models.vocabulary import UserRole, user_role_labels
from kaltim_desk.services.office import auth

MIN_PASSWORD_LENGTH = 8
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
# A short list of passwords seen first in every guessing list (NIST 800-63B: refuse known-bad ones).
COMMON_PASSWORDS = frozenset(
    {
        "password", "password1", "12345678", "123456789", "1234567890", "qwertyuiop", "11111111",
        "00000000", "iloveyou", "admin123", "adminadmin", "sayang123", "bismillah", "indonesia",
        "kaltim123", "samarinda", "dinsos123", "katasandi", "rahasia123", "passw0rd", "abcd1234",
    }
)  # fmt: skip


@dataclass(frozen=True)
class UserDTO:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    locked_until: datetime | None
    last_login: datetime | None
    must_change_password: bool
    is_demo: bool

    @property
    def role_label(self) -> str:
        return user_role_labels().get(self.role, self.role)


def _dto(u: User) -> UserDTO:
    return UserDTO(
        u.id,
        u.username,
        u.display_name,
        u.role,
        u.active,
        u.locked_until,
        u.last_login,
        u.must_change_password,
        u.is_demo,
    )


def check_password_strength(password: str, username: str = "") -> None:
    """Length over composition (NIST 800-63B): at least 8 characters, not the username, not a known one."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(
            "password_short",
            f"Kata sandi paling sedikit {MIN_PASSWORD_LENGTH} karakter.",
            field="password",
        )
    low = password.lower()
    if username and low == username.lower():
        raise DomainError(
            "password_is_username", "Kata sandi tidak boleh sama dengan nama pengguna.", field="password"
        )
    if low in COMMON_PASSWORDS or len(set(password)) < 3:
        raise DomainError(
            "password_common", "Kata sandi ini terlalu mudah ditebak; pilih yang lain.", field="password"
        )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise DomainError("bad_role", f"Peran tidak dikenal: {role}.", field="role")


def users_exist(session: Session) -> bool:
    """Whether any account exists yet (no permission needed: the login screen asks this first)."""
    return bool(session.scalar(select(func.count()).select_from(User)))


def create_user(
    session: Session,
    username: str,
    display_name: str,
    role: str,
    password: str,
    *,
    must_change_password: bool = False,
    is_demo: bool = False,
) -> UserDTO:
    """Create an account. The very first account (first start) must be an admin and needs no permission;
    after that only an admin (`user.manage`) creates accounts."""
    first = not users_exist(session)
    if not first:
        require(session, "user.manage")
    name = auth.normalize_username(username)
    if not USERNAME_RE.match(name):
        raise DomainError(
            "bad_username",
            "Nama pengguna 3-60 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.",
            field="username",
        )
    display = (display_name or "").strip()
    if not display:
        raise DomainError("display_name_required", "Nama lengkap wajib diisi.", field="display_name")
    _check_role(role)
    if first and role != UserRole.ADMIN:
        raise DomainError("first_user_admin", "Akun pertama harus admin.", field="role")
    check_password_strength(password, name)
    if auth.find_user(session, name) is not None:
        raise DomainError("username_taken", f"Nama pengguna {name} sudah dipakai.", field="username")
    user = User(
        username=name,
        display_name=display[:120],
        role=role,
        password_hash=auth.hash_password(password, demo=is_demo),
        active=True,
        failed_attempts=0,
        must_change_password=must_change_password,
        is_demo=is_demo,
    )
    session.add(user)
    session.flush()
    audit.record(session, "user.create", "user", user.id, username=name, role=role, first=first)
    return _dto(user)


def list_users(session: Session, *, include_inactive: bool = True) -> list[UserDTO]:
    require(session, "user.manage")
    stmt = select(User).order_by(User.username)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return [_dto(u) for u in session.scalars(stmt)]


def demo_logins(session: Session) -> list[UserDTO]:
    """The active demo accounts of a demo office, shown on the login screen so a trainee can enter.

    No permission check: it is asked before anyone has logged in, and the demo passwords are public
    (`demo.users.DEMO_ACCOUNTS`, docs/SECURITY.md). A real office has none, so the list is empty."""
    stmt = select(User).where(User.is_demo.is_(True), User.active.is_(True)).order_by(User.id)
    return [_dto(u) for u in session.scalars(stmt)]


def get_user(session: Session, user_id: int) -> UserDTO:
    require(session, "user.manage")
    return _dto(_load(session, user_id))


def _load(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Pengguna", user_id)
    return user


def _other_active_admins(session: Session, user_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == UserRole.ADMIN, User.active.is_(True), User.id != user_id)
        )
        or 0
    )


def update_user(
    session: Session, user_id: int, *, display_name: str | None = None, role: str | None = None
) -> UserDTO:
    require(session, "user.manage")
    user = _load(session, user_id)
    before = {"display_name": user.display_name, "role": user.role}
    if display_name is not None:
        if not display_name.strip():
            raise DomainError("display_name_required", "Nama lengkap wajib diisi.", field="display_name")
        user.display_name = display_name.strip()[:120]
    if role is not None and role != user.role:
        _check_role(role)
        if user.role == UserRole.ADMIN and user.active and not _other_active_admins(session, user.id):
            raise DomainError("last_admin", "Admin terakhir tidak dapat diubah perannya.", field="role")
        user.role = role
    after = {"display_name": user.display_name, "role": user.role}
    diff = audit.changes(before, after)
    if diff:
        session.flush()
        audit.record(session, "user.edit", "user", user.id, changes=diff)
    return _dto(user)


def set_active(session: Session, user_id: int, active: bool, reason: str = "") -> UserDTO:
    require(session, "user.manage")
    user = _load(session, user_id)
    if user.active == active:
        return _dto(user)
    if not active:
        if user.id == current_actor(session).user_id:
            raise DomainError("self_deactivate", "Anda tidak dapat menonaktifkan akun Anda sendiri.")
        if user.role == UserRole.ADMIN and not _other_active_admins(session, user.id):
            raise DomainError("last_admin", "Admin terakhir tidak dapat dinonaktifkan.")
    user.active = active
    session.flush()
    audit.record(
        session, "user.activate" if active else "user.deactivate", "user", user.id, reason=reason or None
    )
    return _dto(user)


def reset_password(session: Session, user_id: int, new_password: str) -> UserDTO:
    """An admin sets a temporary password; the user must change it at the next login. Also unlocks."""
    require(session, "user.manage")
    user = _load(session, user_id)
    check_password_strength(new_password, user.username)
    user.password_hash = auth.hash_password(new_password)
    user.must_change_password = True
    user.failed_attempts = 0
    user.locked_until = None
    session.flush()
    audit.record(session, "user.reset_password", "user", user.id)
    return _dto(user)


def unlock_user(session: Session, user_id: int) -> UserDTO:
    require(session, "user.manage")
    user = _load(session, user_id)
    user.failed_attempts = 0
    user.locked_until = None
    session.flush()
    audit.record(session, "user.unlock", "user", user.id)
    return _dto(user)


def change_own_password(session: Session, user_id: int, old_password: str, new_password: str) -> UserDTO:
    """The logged-in user changes their own password (any role), proving the old one first."""
    actor = current_actor(session)
    if actor.user_id != user_id:
        require(session, "user.manage")
    user = _load(session, user_id)
    if not auth.verify_password(user.password_hash, old_password):
        raise DomainError("wrong_password", "Kata sandi lama salah.", field="old_password")
    if old_password == new_password:
        raise DomainError("password_same", "Kata sandi baru harus berbeda dari yang lama.", field="password")
    check_password_strength(new_password, user.username)
    user.password_hash = auth.hash_password(new_password)
    user.must_change_password = False
    session.flush()
    audit.record(session, "user.change_password", "user", user.id)
    return _dto(user)
