"""Where things live: the database URL, the per-user data folder, and the shipped resources.

The database is chosen, in order, by `--db PATH` (or a full URL), the `KALTIM_DESK_DATABASE_URL`
environment variable, and finally an embedded SQLite file in the per-user data folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "KaltimDesk"
APP_AUTHOR = "DinsosKaltim"
ENV_DATABASE_URL = "KALTIM_DESK_DATABASE_URL"
ENV_CONFIG_DIR = "KALTIM_DESK_CONFIG_DIR"

_dirs = PlatformDirs(APP_NAME, APP_AUTHOR)


def data_dir() -> Path:
    """Per-user data folder (database, backups, attachments)."""
    override = os.environ.get("KALTIM_DESK_DATA_DIR")
    return Path(override) if override else Path(_dirs.user_data_dir)


def config_dir() -> Path:
    """Per-user settings folder; tests point it at a temporary folder."""
    override = os.environ.get(ENV_CONFIG_DIR)
    return Path(override) if override else Path(_dirs.user_config_dir)


def default_database_path() -> Path:
    return data_dir() / "kaltim-desk.db"


def database_url(db: str | None = None) -> str:
    """The SQLAlchemy URL for `--db` (a path or a URL), else the environment, else the default file."""
    if db:
        return db if "://" in db else sqlite_url(Path(db))
    env = os.environ.get(ENV_DATABASE_URL)
    if env:
        return env if "://" in env else sqlite_url(Path(env))
    return sqlite_url(default_database_path())


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another backend or an in-memory database."""
    if not url.startswith("sqlite"):
        return None
    rest = url.split(":///", 1)[1] if ":///" in url else ""
    rest = rest.split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def resources_dir() -> Path:
    """The shipped `resources/` folder: in a frozen bundle, an installed wheel or the source tree."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    here = Path(__file__).resolve().parent
    installed = here / "_resources"
    if installed.is_dir():
        return installed
    return here.parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
