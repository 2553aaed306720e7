"""What every command shares: the --db argument, opening that database, the command-line actor, and
`CliError` for a refused argument or file (the CLI prints its message and exits 2)."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from kaltim_desk.config import database_url, sqlite_path
from kaltim_desk.core.actor import Actor
from kaltim_desk.db import Database
from kaltim_desk.services.office.bootstrap import prepare as prepare_db


class CliError(Exception):
    """A user-facing failure of a command: bad argument or bad file; the message says what and where."""


def cli_actor() -> Actor:
    """The command line acts as the office administrator, named after the OS account for the audit trail."""
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    return Actor(username=f"cli:{user}", role="admin", display_name=f"Baris perintah ({user})")


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="berkas basis data SQLite atau URL basis data (bawaan: KALTIM_DESK_DATABASE_URL atau folder data pengguna)",
    )


def open_db(args: argparse.Namespace, *, must_exist: bool = True, prepare: bool = True) -> Database:
    """Open (and migrate) the database given by --db / the environment. A missing SQLite file is an
    error for commands that read, so a typo never silently creates an empty database."""
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
    db = Database(url)
    if prepare:
        prepare_db(db)
    return db


def out_path(value: str) -> Path:
    path = Path(value)
    if path.exists() and path.is_dir():
        raise CliError(f"{path} adalah folder; sebutkan nama berkas keluaran.")
    if not path.parent.exists():
        raise CliError(f"Folder {path.parent} tidak ada.")
    return path
