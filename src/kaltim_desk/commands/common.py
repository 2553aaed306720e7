"""What every command shares: opening the database named by --db, who acts (--user), the one-writer
lock, warnings about synced folders, and reading passwords without putting them on the command line.

Who acts (docs/SECURITY.md, "Baris perintah"):
- `--user NAME` logs in as that account (password from the prompt, or the file named by
  KALTIM_DESK_PASSWORD_FILE, or one line on standard input when it is not a terminal); the account's role
  applies and a failed login counts toward its lockout like in the window.
- Without `--user`, the command acts as the OS account (`cli:<account>`) with the clerk's rights: it can
  check, import, print and export masked data, but officer and admin commands (full exports, backups,
  restores, user accounts, rolling back an import) ask for `--user`. A database with no accounts yet (a
  new office, a demo being made) has nobody to log in as: there the OS account acts as admin, as the
  first-run wizard lets whoever installs the app create the first admin.
- `users reset-password NAME --recover` / `users unlock NAME --recover` are the break-glass for an office
  whose every admin forgot the password or is locked out: they act as admin without `--user`, print a
  warning, and the audit rows say `pemulihan` with the OS account. (Whoever may write the database file
  could change it anyway; what matters is that it is never silent.)
- Either way every audit row records the OS account and the host (`via`: `cli:<account>@<host>`).

Writing commands take the same one-writer lock as the window (services/office/dblock.py) on an SQLite file and
refuse, naming who holds it, while another PC or window writes; read-only commands do not need it.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import getpass
import os
import socket
import stat
import sys
import threading
from pathlib import Path

from sqlalchemy import func, select

from kaltim_desk import dialect
from kaltim_desk.config import database_url, sqlite_path
from kaltim_desk.core.actor import Actor
from kaltim_desk.db import Database
from kaltim_desk.models.user import User
from kaltim_desk.models.vocabulary import UserRole
from kaltim_desk.services.office import auth, dblock, startup
from kaltim_desk.services.office.bootstrap import prepare as prepare_db

PASSWORD_FILE_ENV = "KALTIM_DESK_PASSWORD_FILE"


@dataclasses.dataclass
class _State:
    """This process's command-line session: who acts, and the writer locks it holds."""

    actor: Actor | None = None
    locks: list[tuple[dblock.WriterLock, threading.Event]] = dataclasses.field(default_factory=list)


_state = _State()


def os_account() -> tuple[str, str]:
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    return user, socket.gethostname()


def via() -> str:
    user, host = os_account()
    return f"cli:{user}@{host}"[:120]


class CliError(Exception):
    """A user-facing failure of a command: bad argument or bad file; the message says what and where."""


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """--db and --user: where the data are and who acts, accepted before or after the command."""
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS if parser.prog != "kaltim-desk" else None,
        help="berkas basis data SQLite atau URL basis data (bawaan: KALTIM_DESK_DATABASE_URL atau folder data pengguna)",
    )
    parser.add_argument(
        "--user",
        metavar="NAMA",
        default=argparse.SUPPRESS if parser.prog != "kaltim-desk" else None,
        help="bertindak sebagai akun ini (kata sandi ditanyakan); tanpa ini: akun OS dengan hak operator",
    )


def warn(message: str) -> None:
    print(f"Peringatan: {message}", file=sys.stderr)


# --- passwords ------------------------------------------------------------------------------------


def _read_secret_file(path: Path, what: str) -> str:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"Berkas {what} {path} tidak dapat dibaca: {exc.strerror or exc}.") from exc
    if os.name != "nt" and mode & (stat.S_IRGRP | stat.S_IROTH):
        warn(f"berkas {what} {path} dapat dibaca pengguna lain; batasi dengan `chmod 600 {path}`.")
    first = text.splitlines()[0] if text else ""
    if not first:
        raise CliError(f"Berkas {what} {path} kosong.")
    return first


def account_password(username: str) -> str:
    """The password of `--user`: from KALTIM_DESK_PASSWORD_FILE, else the prompt, else standard input."""
    file = os.environ.get(PASSWORD_FILE_ENV)
    if file:
        return _read_secret_file(Path(file), "kata sandi")
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"Kata sandi {username}: ")
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise CliError(
            f"Kata sandi {username} tidak diberikan: ketik saat ditanya, atau untuk skrip isi berkas yang "
            f"disebut {PASSWORD_FILE_ENV} (lihat README)."
        )
    return line.rstrip("\r\n")


def file_password(args: argparse.Namespace, *, confirm: bool, needed: bool) -> str | None:
    """A workbook's password: `--password-file`, the deprecated `--password` (still accepted, with a
    warning: it is visible to every user in the process list), else asked at the terminal when `needed`."""
    if getattr(args, "password", None):
        warn(
            "--password terlihat oleh pengguna lain di daftar proses komputer ini. Pakai --password-file "
            "BERKAS, atau jalankan tanpa --password dan ketik kata sandinya saat ditanya. --password akan "
            "dihapus pada versi berikutnya."
        )
        return str(args.password)
    if getattr(args, "password_file", None):
        return _read_secret_file(Path(args.password_file), "kata sandi berkas")
    if not needed:
        return None
    if sys.stdin is None or not sys.stdin.isatty():
        raise CliError("Kata sandi berkas dibutuhkan: beri --password-file BERKAS (untuk skrip).")
    first = getpass.getpass("Kata sandi berkas: ")
    if confirm and getpass.getpass("Ulangi kata sandi berkas: ") != first:
        raise CliError("Kedua kata sandi berkas tidak sama.")
    return first


def add_password_file_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--password-file",
        metavar="BERKAS",
        help=f"berkas berisi kata sandi {what} (baris pertama); tanpa ini kata sandi ditanyakan",
    )
    parser.add_argument("--password", metavar="P", help=argparse.SUPPRESS)  # deprecated: see file_password


# --- who acts -------------------------------------------------------------------------------------


def _has_accounts(db: Database) -> bool:
    with db.read_session() as s:
        return bool(
            s.scalar(
                select(func.count()).select_from(User).where(User.active.is_(True), User.is_demo.is_(False))
            )
        )


def act_as(args: argparse.Namespace, db: Database) -> Actor:
    """Decide who acts for this command (module docstring) and remember it for `cli_actor()`."""
    user, _host = os_account()
    name = getattr(args, "user", None)
    if name:
        password = account_password(name)
        with db.session(Actor(f"cli:{user}", UserRole.CLERK, via=via())) as s:
            result = auth.login(s, name, password)  # failed attempts are audited and counted
        if not result.ok or result.actor is None:
            raise CliError(result.message)
        if result.must_change_password:
            raise CliError(
                f"Kata sandi {name} harus diganti dulu: masuk sekali lewat aplikasi untuk menggantinya."
            )
        actor = dataclasses.replace(result.actor, via=via())
    elif getattr(args, "recover", False):
        warn(
            f"pemulihan darurat: akun OS {user} bertindak sebagai admin untuk perintah ini; tercatat di jejak "
            "audit."
        )
        actor = Actor(
            f"cli:{user}", UserRole.ADMIN, display_name=f"Pemulihan ({user})", via=via() + " (pemulihan)"
        )
    elif _has_accounts(db):
        actor = Actor(f"cli:{user}", UserRole.CLERK, display_name=f"Baris perintah ({user})", via=via())
    else:
        actor = Actor(f"cli:{user}", UserRole.ADMIN, display_name=f"Baris perintah ({user})", via=via())
    _state.actor = actor
    return actor


def cli_actor() -> Actor:
    """Who acts for this command, once it opened its database (`act_as`); before that, the OS account
    as a clerk."""
    if _state.actor is not None:
        return _state.actor
    user, _host = os_account()
    return Actor(f"cli:{user}", UserRole.CLERK, display_name=f"Baris perintah ({user})", via=via())


# --- the writer lock ------------------------------------------------------------------------------


def take_writer_lock(db: Database, actor: Actor) -> None:
    """Hold the one-writer lock of an SQLite database for the rest of this command (released by
    `release()`), refreshing its heartbeat from a background thread so a long import is never taken
    for a crashed one. Refuses, naming the holder, while a live one holds it; a stale one (its PC
    crashed) is taken over, audited."""
    if not dialect.uses_file_lock(db):
        return
    lock = dblock.WriterLock(db, actor.username)
    holder = lock.acquire()
    if holder is not None:
        if not holder.stale:
            raise CliError(
                "Basis data sedang dipakai untuk menulis oleh "
                + holder.describe()
                + ". Perintah ini menulis, jadi dibatalkan; tidak ada yang berubah. Ulangi setelah pengguna itu "
                "menutup aplikasi (perintah baca saja seperti `check` tetap dapat dijalankan)."
            )
        lock.take_over(actor)
        warn(
            f"kunci basis data milik {holder.describe()} sudah lama tidak aktif dan diambil alih (tercatat di audit)."
        )
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(dblock.HEARTBEAT_SECONDS):
            with contextlib.suppress(Exception):  # a busy moment: the next beat tries again
                lock.heartbeat()

    threading.Thread(target=beat, name="writer-lock-heartbeat", daemon=True).start()
    _state.locks.append((lock, stop))


def release() -> None:
    """End of the command: release the locks it took and forget who acted."""
    while _state.locks:
        lock, stop = _state.locks.pop()
        stop.set()
        with contextlib.suppress(Exception):  # a restored or deleted database no longer holds our row
            lock.release()
    _state.actor = None


# --- opening --------------------------------------------------------------------------------------


def warn_if_shared_folder(path: Path, what: str) -> None:
    where = startup.locate(path)
    if where.remote:
        warn(
            f"{what} berada di folder yang disinkronkan atau di jaringan ({where.message}) "
            "Sinkronisasi dapat merusak basis data, dan salinan data pribadi ikut terunggah ke luar kantor."
        )


def open_db(
    args: argparse.Namespace, *, must_exist: bool = True, prepare: bool = True, write: bool = True
) -> Database:
    """Open (and migrate) the database given by --db / the environment, decide who acts, and, for a
    command that writes, take the writer lock. A missing SQLite file is an error for commands that read,
    so a typo never silently creates an empty database."""
    url = database_url(getattr(args, "db", None))
    path = sqlite_path(url)
    if must_exist and path is not None and not path.exists():
        raise CliError(f"Basis data tidak ditemukan: {path}")
    if path is not None and path.exists() and path.is_dir():
        raise CliError(f"{path} adalah folder, bukan berkas basis data.")
    if path is not None and path.exists() and path.stat().st_size:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise CliError(f"{path} bukan berkas basis data Kaltim Desk (bukan SQLite).")
    if path is not None:
        warn_if_shared_folder(path, "Basis data")
    db = Database(url)
    if prepare:
        prepare_db(db)
    actor = act_as(args, db)
    if write:
        take_writer_lock(db, actor)
    return db


def out_path(value: str) -> Path:
    path = Path(value)
    if path.exists() and path.is_dir():
        raise CliError(f"{path} adalah folder; sebutkan nama berkas keluaran.")
    if not path.parent.exists():
        raise CliError(f"Folder {path.parent} tidak ada.")
    warn_if_shared_folder(path.parent.resolve(), "Berkas keluaran")
    return path
