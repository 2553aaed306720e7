"""Issue 17, finding 7: the command line takes the one-writer lock like the window, warns about synced
folders, says who acts (--user with a password that never appears on the command line; otherwise the
OS account with a clerk's rights), and records the OS account in the audit trail."""

from __future__ import annotations

import argparse
import getpass
import json
import shutil
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kaltim_desk.cli import build_parser, main
from kaltim_desk.commands import common
from kaltim_desk.core.settings import load_section
from kaltim_desk.db import Database
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.services.office import users
from kaltim_desk.services.office.dblock import WriterLock
from kaltim_desk.services.office.startup import SafetySettings
from tests.conftest import ADMIN
from tests.factories import make_person


@pytest.fixture
def office(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """An office with accounts: an admin (ani) and an officer (budi); passwords in private files."""
    with db.session(ADMIN) as s:
        users.create_user(s, "ani", "Ani Admin", "admin", "kata-sandi-ani-1")
        users.create_user(s, "budi", "Budi Kasi", "officer", "kata-sandi-budi-1")
        make_person(s, name="Warga Satu")
    for name in ("ani", "budi"):
        f = tmp_path / f"{name}.pw"
        f.write_text(f"kata-sandi-{name}-1\n")
        f.chmod(0o600)
    monkeypatch.delenv(common.PASSWORD_FILE_ENV, raising=False)
    return db


def _as(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> None:
    monkeypatch.setenv(common.PASSWORD_FILE_ENV, str(tmp_path / f"{name}.pw"))


def _last_audit(db: Database) -> Any:
    with db.read_session() as s:
        return s.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail)
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).one()


def _single_user(db: Database) -> bool:
    with db.read_session() as s:
        return load_section(s, SafetySettings).allow_network_single_user


@pytest.mark.sqlite_only  # the writer lock and synced folders are about SQLite files
def test_a_writing_command_is_refused_while_another_pc_writes(
    office: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _as(monkeypatch, tmp_path, "ani")
    gui = WriterLock(office, "siti", host="PC-OPERATOR", pid=4242)
    assert gui.acquire() is None
    code = main(["network-mode", "--db", office.url, "--single-user", "on"])
    err = capsys.readouterr().err
    assert code == 2
    assert (
        "Basis data sedang dipakai untuk menulis oleh siti di komputer PC-OPERATOR (proses 4242), sejak"
        in err
    )
    assert "dibatalkan; tidak ada yang berubah" in err
    assert not _single_user(office)
    assert main(["check", "--db", office.url]) == 0  # reading needs no lock
    gui.release()
    code = main(["network-mode", "--db", office.url, "--user", "ani", "--single-user", "on"])
    assert code == 0, capsys.readouterr().err
    assert _single_user(office)


@pytest.mark.sqlite_only  # the writer lock and synced folders are about SQLite files
def test_the_command_holds_the_lock_while_it_writes_and_releases_it(office: Database) -> None:
    args = argparse.Namespace(db=office.url, user=None)
    common.open_db(args)
    try:
        holder = WriterLock(office, "siti", host="PC-OPERATOR", pid=1).acquire()
        assert holder is not None and not holder.stale
        assert holder.username.startswith("cli:") and holder.host == socket.gethostname()
    finally:
        common.release()
    assert WriterLock(office, "siti", host="PC-OPERATOR", pid=1).acquire() is None


@pytest.mark.sqlite_only  # the writer lock and synced folders are about SQLite files
def test_a_database_and_an_output_in_a_synced_folder_are_warned_about(
    db: Database, tmp_path: Path, capsys: Any
) -> None:
    synced = tmp_path / "OneDrive - Dinsos Kaltim"
    dropbox = tmp_path / "Dropbox"
    synced.mkdir()
    dropbox.mkdir()
    db.dispose()
    assert db.path is not None
    shutil.copyfile(db.path, synced / "kantor.db")
    assert main(["export", "recap", "--db", str(synced / "kantor.db"), "--out", str(dropbox / "r.xlsx")]) == 0
    err = capsys.readouterr().err
    assert "Peringatan: Basis data berada di folder yang disinkronkan atau di jaringan" in err
    assert "onedrive - dinsos kaltim" in err
    assert "Peringatan: Berkas keluaran berada di folder yang disinkronkan" in err and "dropbox" in err


def test_without_user_the_os_account_acts_with_a_clerks_rights(
    office: Database, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "r.xlsx"
    assert main(["export", "recap", "--db", office.url, "--out", str(out)]) == 0
    row = _last_audit(office)
    os_user = getpass.getuser()
    assert row.action == "export.masked" and row.actor == f"cli:{os_user}"
    assert json.loads(row.detail or "{}")["via"] == f"cli:{os_user}@{socket.gethostname()}"
    capsys.readouterr()
    code = main(["users", "add", "eka", "--db", office.url, "--name", "Eka", "--role", "admin"])
    assert code == 2
    assert "Peran 'clerk' tidak berwenang" in capsys.readouterr().err


def test_user_logs_in_and_the_audit_names_the_account_and_the_os_account(
    office: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _as(monkeypatch, tmp_path, "ani")
    assert main(["network-mode", "--db", office.url, "--user", "ani", "--single-user", "on"]) == 0
    row = _last_audit(office)
    assert row.actor == "ani" and row.action == "settings.edit"
    assert json.loads(row.detail or "{}")["via"].startswith(f"cli:{getpass.getuser()}@")
    with office.read_session() as s:
        actions = [a for (a,) in s.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
    assert "login" in actions


def test_a_wrong_password_is_refused_counted_and_audited(
    office: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    (tmp_path / "wrong.pw").write_text("bukan-ini\n")
    monkeypatch.setenv(common.PASSWORD_FILE_ENV, str(tmp_path / "wrong.pw"))
    code = main(["network-mode", "--db", office.url, "--user", "ani", "--single-user", "on"])
    assert code == 2 and "Nama pengguna atau kata sandi salah" in capsys.readouterr().err
    assert not _single_user(office)
    row = _last_audit(office)
    assert row.action == "login.failed"


def test_the_password_is_asked_at_the_terminal_never_taken_as_an_argument(
    office: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    answers = iter(["kata-sandi-budi-1", "rahasia-berkas-1", "rahasia-berkas-1"])
    asked: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    out = tmp_path / "full.xlsx"
    argv = ["export", "bnba", "--db", office.url, "--user", "budi", "--out", str(out)]
    assert main([*argv, "--full", "--reason", "permintaan provinsi"]) == 0, capsys.readouterr().err
    assert asked == ["Kata sandi budi: ", "Kata sandi berkas: ", "Ulangi kata sandi berkas: "]
    assert "LENGKAP, terenkripsi" in capsys.readouterr().out
    export_help = next(
        a.choices["export"] for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    ).format_help()
    assert "--password-file" in export_help and "--password P" not in export_help


def test_a_password_file_serves_scripts_and_the_old_flag_still_works_with_a_warning(
    office: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _as(monkeypatch, tmp_path, "budi")
    secret = tmp_path / "berkas.pw"
    secret.write_text("rahasia-berkas-1\n")
    secret.chmod(0o600)
    base = ["export", "bnba", "--db", office.url, "--user", "budi", "--full", "--reason", "permintaan"]
    assert main([*base, "--out", str(tmp_path / "a.xlsx"), "--password-file", str(secret)]) == 0
    assert "Peringatan" not in capsys.readouterr().err
    assert main([*base, "--out", str(tmp_path / "b.xlsx"), "--password", "rahasia-berkas-1"]) == 0
    err = capsys.readouterr().err
    assert "--password terlihat oleh pengguna lain di daftar proses" in err and "--password-file" in err


def test_a_database_without_accounts_is_set_up_from_the_command_line(
    db: Database, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "kata-sandi-admin-1")
    code = main(["users", "add", "admin", "--db", db.url, "--name", "Admin Kantor", "--role", "admin"])
    assert code == 0, capsys.readouterr().err
    row = _last_audit(db)
    assert row.action == "user.create" and row.actor == f"cli:{getpass.getuser()}"


def test_a_forgotten_admin_password_is_recovered_loudly(
    office: Database, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "sandi-baru-ani-2")
    assert main(["users", "reset-password", "ani", "--db", office.url]) == 2  # not silently
    capsys.readouterr()
    assert main(["users", "reset-password", "ani", "--db", office.url, "--recover"]) == 0
    assert "pemulihan darurat: akun OS" in capsys.readouterr().err
    row = _last_audit(office)
    assert row.action == "user.reset_password" and row.actor == f"cli:{getpass.getuser()}"
    assert json.loads(row.detail or "{}")["via"].endswith("(pemulihan)")
