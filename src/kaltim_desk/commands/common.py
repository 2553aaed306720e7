"""What every command shares: opening the database named by --db, as the command-line actor."""

from __future__ import annotations

import argparse
from pathlib import Path

from kaltim_desk.config import database_url, sqlite_path
from kaltim_desk.db import Database


def open_db(args: argparse.Namespace, *, must_exist: bool = True, prepare: bool = True) -> Database:
    """Open (and migrate) the database given by --db / the environment. A missing SQLite file is an
    error for commands that read, so a typo never silently creates an empty database."""
    from kaltim_desk.cli import CliError
    from kaltim_desk.services.office.bootstrap import prepare as prepare_db

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
    from kaltim_desk.cli import CliError

    path = Path(value)
    if path.exists() and path.is_dir():
        raise CliError(f"{path} adalah folder; sebutkan nama berkas keluaran.")
    if not path.parent.exists():
        raise CliError(f"Folder {path.parent} tidak ada.")
    return path
