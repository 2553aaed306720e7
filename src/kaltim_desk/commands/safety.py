"""`backup`, `restore`, `users` and `network-mode`: the safety feature without a screen (RELIABILITY R6)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from kaltim_desk.commands.common import act_as, open_db, take_writer_lock
from kaltim_desk.models.vocabulary import UserRole


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kaltim_desk.commands.common import add_db_argument

    backup = sub.add_parser(
        "backup",
        help="buat cadangan terverifikasi",
        description="Membuat cadangan basis data yang diperiksa keutuhannya ke sebuah folder (mis. flashdisk).",
    )
    add_db_argument(backup)
    backup.add_argument("--to", metavar="DIR", required=True, help="folder tujuan cadangan")
    backup.set_defaults(func=run_backup)

    restore = sub.add_parser(
        "restore",
        help="pulihkan basis data dari cadangan",
        description="Memeriksa berkas cadangan, menyimpan cadangan basis data saat ini, lalu memulihkannya.",
    )
    restore.add_argument("backup_file", metavar="BACKUP_FILE", help="berkas cadangan (.db)")
    add_db_argument(restore)
    restore.set_defaults(func=run_restore)

    users = sub.add_parser("users", help="kelola akun pengguna", description="Mengelola akun pengguna.")
    add_db_argument(users)
    users_sub = users.add_subparsers(dest="users_command", metavar="TINDAKAN", required=True)
    lst = users_sub.add_parser("list", help="daftar pengguna")
    lst.set_defaults(func=run_users_list)
    add = users_sub.add_parser("add", help="tambah pengguna (kata sandi ditanyakan)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="nama lengkap")
    add.add_argument("--role", required=True, choices=tuple(UserRole))
    add.set_defaults(func=run_users_add)
    reset = users_sub.add_parser("reset-password", help="atur ulang kata sandi (wajib diganti saat masuk)")
    reset.add_argument("username")
    reset.set_defaults(func=run_users_reset)
    unlock = users_sub.add_parser("unlock", help="buka akun yang terkunci")
    unlock.add_argument("username")
    unlock.set_defaults(func=run_users_unlock)
    for p in (reset, unlock):
        p.add_argument(
            "--recover",
            action="store_true",
            help="pemulihan darurat bila tidak ada admin yang dapat masuk: bertindak sebagai admin tanpa "
            "--user, tercatat di jejak audit atas nama akun OS",
        )
    for p in (lst, add, reset, unlock):
        add_db_argument(p)

    net = sub.add_parser(
        "network-mode",
        help="izinkan basis data di drive jaringan dalam mode satu pengguna",
        description="Kantor menjamin hanya satu komputer yang membuka basis data di drive jaringan.",
    )
    add_db_argument(net)
    net.add_argument("--single-user", choices=("on", "off"), required=True)
    net.set_defaults(func=run_network_mode)


def run_backup(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError, cli_actor
    from kaltim_desk.services.office.backup import create_backup

    folder = Path(args.to)
    if folder.exists() and not folder.is_dir():
        raise CliError(f"{folder} bukan folder.")
    db = open_db(args)
    try:
        info = create_backup(db, cli_actor(), folder)
    finally:
        db.dispose()
    print(f"Cadangan terverifikasi dibuat: {info.path} ({info.size / 1_048_576:.1f} MB).")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError, os_account, via, warn
    from kaltim_desk.config import database_url, sqlite_path
    from kaltim_desk.core.actor import Actor
    from kaltim_desk.db import Database
    from kaltim_desk.services.office.backup import NOT_SQLITE, verify_backup
    from kaltim_desk.services.office.dbfile import check_file
    from kaltim_desk.services.office.restore import restore_database

    source = Path(args.backup_file)
    check = verify_backup(source)
    if not check.ok:
        raise CliError(f"Pemulihan dibatalkan: {check.message}")
    url = database_url(args.db)
    if sqlite_path(url) is None:
        raise CliError(NOT_SQLITE)
    path = sqlite_path(url)
    assert path is not None
    db = Database(url)
    try:
        health = check_file(path)
        if health.damaged:
            # Neither its accounts nor a lock can be read from a damaged file. As at the app's start,
            # where a damaged database is restored before anyone logs in, the person at this PC may
            # restore it; the file is kept aside and the restore audited in the restored database.
            user, _host = os_account()
            warn(f"{health.message} Berkas itu disisihkan apa adanya dan cadangan dipulihkan.")
            actor = Actor(
                f"cli:{user}",
                UserRole.ADMIN,
                display_name=f"Pemulihan ({user})",
                via=via() + " (basis data rusak)",
            )
        else:
            actor = act_as(args, db)
            take_writer_lock(db, actor)
        safety = restore_database(db, source, actor)
    finally:
        db.dispose()
    print(check.message)
    if safety and safety.reason == "rusak":
        print(f"Basis data lama rusak; disimpan apa adanya sebagai {safety.path}")
    elif safety:
        print(f"Basis data sebelumnya disimpan sebagai cadangan: {safety.path}")
    print(f"Basis data dipulihkan dari {source}.")
    return 0


def _users_session(args: argparse.Namespace, *, write: bool = True):  # type: ignore[no-untyped-def]
    from kaltim_desk.commands.common import cli_actor

    db = open_db(args, write=write)
    return db, db.session(cli_actor())


def _ask_password() -> str:
    """A new account password, typed twice (asked once the acting user may manage accounts)."""
    from kaltim_desk.commands.common import CliError, cli_actor
    from kaltim_desk.core.errors import PermissionDenied
    from kaltim_desk.core.permissions import allowed

    role = cli_actor().role
    if not allowed(role, "user.manage"):
        raise PermissionDenied(role, "user.manage")

    first = getpass.getpass("Kata sandi baru: ")
    second = getpass.getpass("Ulangi kata sandi: ")
    if first != second:
        raise CliError("Kedua kata sandi tidak sama.")
    return first


def _user_id(session, username: str) -> int:  # type: ignore[no-untyped-def]
    from kaltim_desk.commands.common import CliError
    from kaltim_desk.services.office.auth import find_user

    user = find_user(session, username)
    if user is None:
        raise CliError(f"Pengguna {username} tidak ada.")
    return user.id


def run_users_list(args: argparse.Namespace) -> int:
    from kaltim_desk.services.office.users import list_users

    db, ctx = _users_session(args, write=False)
    with ctx as s:
        rows = list_users(s)
    db.dispose()
    for u in rows:
        state = "aktif" if u.active else "nonaktif"
        demo = " [DEMO]" if u.is_demo else ""
        print(f"{u.username:<20} {u.role_label:<8} {state:<8} {u.display_name}{demo}")
    return 0


def run_users_add(args: argparse.Namespace) -> int:
    from kaltim_desk.services.office.users import create_user

    db, ctx = _users_session(args)
    password = _ask_password()
    with ctx as s:
        u = create_user(s, args.username, args.name, args.role, password)
    db.dispose()
    print(f"Pengguna {u.username} ({u.role_label}) dibuat.")
    return 0


def run_users_reset(args: argparse.Namespace) -> int:
    from kaltim_desk.services.office.users import reset_password

    db, ctx = _users_session(args)
    password = _ask_password()
    with ctx as s:
        u = reset_password(s, _user_id(s, args.username), password)
    db.dispose()
    print(f"Kata sandi {u.username} diatur ulang; wajib diganti saat masuk berikutnya.")
    return 0


def run_users_unlock(args: argparse.Namespace) -> int:
    from kaltim_desk.services.office.users import unlock_user

    db, ctx = _users_session(args)
    with ctx as s:
        u = unlock_user(s, _user_id(s, args.username))
    db.dispose()
    print(f"Akun {u.username} dibuka.")
    return 0


def run_network_mode(args: argparse.Namespace) -> int:
    import dataclasses

    from kaltim_desk.commands.common import cli_actor
    from kaltim_desk.core.settings import load_section, save_section
    from kaltim_desk.services.office.startup import SafetySettings

    db = open_db(args)
    with db.session(cli_actor()) as s:
        current = load_section(s, SafetySettings)
        save_section(s, dataclasses.replace(current, allow_network_single_user=args.single_user == "on"))
    db.dispose()
    print(
        "Mode satu pengguna di drive jaringan diaktifkan."
        if args.single_user == "on"
        else "Mode satu pengguna dimatikan: basis data di drive jaringan dibuka hanya-baca.",
        file=sys.stdout,
    )
    return 0
