"""Accounts: the first admin, password rules, roles, the last admin, resets (R17, R18)."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError, PermissionDenied
from kaltim_desk.services.office import auth, users


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_first_start_creates_the_admin_without_any_login(db: Any) -> None:
    with db.session() as s:  # no actor at all: the first-run wizard
        assert not users.users_exist(s)
        admin = users.create_user(s, "Kepala.TU", "Kepala Tata Usaha", "admin", "kantor-dinsos-2026")
    assert admin.username == "kepala.tu" and admin.role == "admin"
    with db.session() as s:
        assert users.users_exist(s)


def test_the_first_account_must_be_an_admin(db: Any) -> None:
    with pytest.raises(DomainError) as err, db.session() as s:
        users.create_user(s, "operator", "Operator", "clerk", "kantor-dinsos-2026")
    assert err.value.code == "first_user_admin"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("pendek1", "password_short"),
        ("password1", "password_common"),
        ("aaaaaaaaaa", "password_common"),
        ("operator.satu", "password_is_username"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(session: Any, password: str, code: str) -> None:
    users.create_user(session, "admin", "Admin", "admin", "kantor-dinsos-2026")
    with pytest.raises(DomainError) as err:
        users.create_user(session, "operator.satu", "Operator", "clerk", password)
    assert err.value.code == code and err.value.field == "password"


def test_usernames_are_unique_regardless_of_case(session: Any) -> None:
    users.create_user(session, "admin", "Admin", "admin", "kantor-dinsos-2026")
    with pytest.raises(DomainError, match="sudah dipakai"):
        users.create_user(session, "ADMIN", "Admin Dua", "admin", "kantor-dinsos-2027")


def test_only_admins_manage_accounts(db: Any) -> None:
    with db.session() as s:
        users.create_user(s, "admin", "Admin", "admin", "kantor-dinsos-2026")
    for role in ("clerk", "trainer", "officer"):
        with pytest.raises(PermissionDenied), db.session(Actor(username="x", role=role)) as s:
            users.create_user(s, f"baru.{role}", "Baru", "clerk", "kantor-dinsos-2026")
        with pytest.raises(PermissionDenied), db.session(Actor(username="x", role=role)) as s:
            users.list_users(s)


def test_the_last_admin_can_not_be_demoted_or_deactivated(session: Any) -> None:
    admin = users.create_user(session, "admin", "Admin", "admin", "kantor-dinsos-2026")
    with pytest.raises(DomainError, match="Admin terakhir"):
        users.update_user(session, admin.id, role="clerk")
    with pytest.raises(DomainError, match="Admin terakhir"):
        users.set_active(session, admin.id, False)
    second = users.create_user(session, "admin2", "Admin Dua", "admin", "kantor-dinsos-2027")
    assert users.update_user(session, admin.id, role="officer").role == "officer"
    with pytest.raises(DomainError, match="Admin terakhir"):
        users.set_active(session, second.id, False)


def test_reset_password_forces_a_change_at_next_login(session: Any) -> None:
    users.create_user(session, "admin", "Admin", "admin", "kantor-dinsos-2026")
    siti = users.create_user(session, "siti", "Siti", "clerk", "lama-sekali-1")
    users.reset_password(session, siti.id, "sementara-2026")
    result = auth.login(session, "siti", "sementara-2026")
    assert result.ok and result.must_change_password
    session.info["actor"] = result.actor
    with pytest.raises(DomainError, match="lama salah"):
        users.change_own_password(session, siti.id, "keliru-123", "baru-sekali-77")
    users.change_own_password(session, siti.id, "sementara-2026", "baru-sekali-77")
    again = auth.login(session, "siti", "baru-sekali-77")
    assert again.ok and not again.must_change_password
    assert not auth.login(session, "siti", "sementara-2026").ok


def test_a_clerk_can_change_only_her_own_password(session: Any) -> None:
    users.create_user(session, "admin", "Admin", "admin", "kantor-dinsos-2026")
    siti = users.create_user(session, "siti", "Siti", "clerk", "lama-sekali-1")
    ani = users.create_user(session, "ani", "Ani", "clerk", "punya-ani-123")
    session.info["actor"] = Actor("siti", "clerk", user_id=siti.id)
    with pytest.raises(PermissionDenied):
        users.change_own_password(session, ani.id, "punya-ani-123", "diambil-alih-1")


def test_users_commands_list_unlock_and_reset(
    db: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from datetime import timedelta

    from kaltim_desk.cli import main
    from kaltim_desk.models.base import utcnow
    from kaltim_desk.models.user import User

    with db.session() as s:
        users.create_user(s, "admin", "Admin Kantor", "admin", "kantor-dinsos-2026")
        siti = users.create_user(s, "siti", "Siti Aminah", "clerk", "kopi-susu-42")
        s.get(User, siti.id).locked_until = utcnow() + timedelta(minutes=10)
    db.dispose()
    path = db.url  # --db takes a file or a URL (PostgreSQL runs of the suite)
    assert main(["users", "list", "--db", path]) == 2  # managing accounts needs --user (an admin)
    assert "Peran 'clerk' tidak berwenang" in capsys.readouterr().err
    secret = tmp_path / "admin.pw"
    secret.write_text("kantor-dinsos-2026\n")
    monkeypatch.setenv("KALTIM_DESK_PASSWORD_FILE", str(secret))
    assert main(["users", "list", "--db", db.url, "--user", "admin"]) == 0
    out = capsys.readouterr().out
    assert "siti" in out and "Operator" in out and "Admin Kantor" in out
    assert main(["users", "unlock", "siti", "--db", db.url, "--user", "admin"]) == 0
    assert "Akun siti dibuka." in capsys.readouterr().out
    answers = iter(["sementara-2026", "sementara-2026"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["users", "reset-password", "siti", "--db", db.url, "--user", "admin"]) == 0
    assert main(["users", "unlock", "tidak.ada", "--db", db.url, "--user", "admin"]) == 2
    with db.session() as s:
        result = auth.login(s, "siti", "sementara-2026")
    assert result.ok and result.must_change_password


def test_network_mode_command_sets_the_office_choice(db: Any, capsys: Any) -> None:
    from kaltim_desk.cli import main
    from kaltim_desk.core.settings import load_section
    from kaltim_desk.services.office.startup import SafetySettings

    db.dispose()
    assert main(["network-mode", "--db", db.url, "--single-user", "on"]) == 0
    assert "diaktifkan" in capsys.readouterr().out
    with db.read_session() as s:
        assert load_section(s, SafetySettings).allow_network_single_user
