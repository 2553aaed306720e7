"""The command line: `kaltim-desk [--db PATH]` opens the window; subcommands run the same services
without a screen, for office IT staff and scripts.

Every command prints a clear Indonesian message and exits non-zero: 2 on a bad argument, a bad file, a
refused rule or a failure we can name (a full disk, a database held by another writer, a duplicate NIK
refused by the database, a value too long; the same sentences as the window, `describe_failure`), 3 on
a failed check, 1 only for the truly unexpected (details in the log file, never a traceback).

Who acts, the writer lock and passwords: `commands/common.py`.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys
from collections.abc import Sequence

from kaltim_desk import __version__
from kaltim_desk.config import database_url, sqlite_path
from kaltim_desk.core.errors import DomainError, describe_failure
from kaltim_desk.services.office.startup import PageCheck

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2

# Each module defines `register(subparsers)`, adding parsers whose `func(args) -> int` runs the command.
COMMAND_MODULES = (
    "kaltim_desk.commands.registry",  # demo, check
    "kaltim_desk.commands.printing",  # print
    "kaltim_desk.commands.excel",  # import, export, consolidate
    "kaltim_desk.commands.verify",  # verify
    "kaltim_desk.commands.report",  # report
    "kaltim_desk.commands.safety",  # backup, restore, users
    "kaltim_desk.commands.selftest",  # selftest
    "kaltim_desk.commands.migrate_to",  # migrate-to
)


# argparse's own words (headings, -h, its error messages) in Indonesian, like the rest of the CLI.
ARGPARSE_ID = {
    "usage: ": "pemakaian: ",
    "positional arguments": "argumen posisi",
    "options": "opsi",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "show program's version number and exit": "tampilkan versi program lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: galat: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan tidak sah: %(value)r (pilih dari %(choices)s)",
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
    "expected one argument": "membutuhkan satu nilai",
    "expected at least one argument": "membutuhkan paling sedikit satu nilai",
    "expected at most one argument": "membutuhkan paling banyak satu nilai",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "ambiguous option: %(option)s could match %(matches)s": "opsi %(option)s taksa: dapat berarti %(matches)s",
    "ignored explicit argument %r": "argumen %r diabaikan",
}


def _argparse_words(message: str) -> str:
    return ARGPARSE_ID.get(message, message)


argparse._ = _argparse_words  # type: ignore[attr-defined]  # argparse looks its words up at call time


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """A refused command line exits 2 (the project's code for refused input), not argparse's 2-or-1."""
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_REFUSED,
            _argparse_words("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message},
        )


def build_parser() -> argparse.ArgumentParser:
    from kaltim_desk.commands.common import add_db_argument  # lazy: see main

    parser = _Parser(
        prog="kaltim-desk",
        description="Kaltim Desk: pendataan penerima, kelompok KUBE, bantuan, pelatihan dan pendampingan.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"Kaltim Desk {__version__}",
        help="tampilkan versi program lalu keluar",
    )
    add_db_argument(parser)
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _window_only(argv: list[str]) -> str | None:
    """The database of a plain `kaltim-desk [--db PATH]` (the window; "" for the default one), or None
    when a command is asked for. The window then starts without importing every command's module."""
    if not argv:
        return ""
    if len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > len("--db="):
        return argv[0][len("--db=") :]
    if len(argv) == 2 and argv[0] == "--db" and not argv[1].startswith("-"):
        return argv[1]
    return None


def _window(db: str | None) -> int:
    """The window on `db` (None: the default database). An existing SQLite file's pages are checked on
    a thread of their own from here on, beside the loading of the modules (`PageCheck`).

    The garbage collector is off until the first window is on screen (`application.resume_gc`): the
    start makes a few hundred thousand objects that all stay (modules, classes, mappers), and the
    collections that walk them as they grow cost ~10 % of the start for nothing."""
    gc.disable()
    try:
        page_check = None
        if database_exists(db):
            page_check = start_page_check(db)
            load_data_layer()
        from kaltim_desk.views.application import run_gui

        return run_gui(db, page_check)
    finally:
        gc.enable()


def start_page_check(db: str | None) -> PageCheck | None:
    path = sqlite_path(database_url(db))
    return PageCheck(path) if path is not None and path.exists() else None


def database_exists(db: str | None) -> bool:
    """A database to open is there (a server database always is); False before a first start."""
    path = sqlite_path(database_url(db))
    return path is None or path.exists()


def load_data_layer() -> None:
    """Load SQLAlchemy, the models and the first page's services before Qt, when a database is there to
    be opened. PySide6 reads the source file of every module imported after it (to see whether the
    module uses its `__feature__` switches): ~0.1 s over SQLAlchemy's few hundred modules at each start,
    nothing for modules already loaded. A first start skips this: its wizard is painted without them."""
    import kaltim_desk.services.office.bootstrap
    import kaltim_desk.services.registry.people  # noqa: F401


def main(argv: Sequence[str] | None = None) -> int:
    from kaltim_desk.logs import log_path, setup_logging

    setup_logging()
    argv = list(sys.argv[1:] if argv is None else argv)
    window_db = _window_only(argv)
    if window_db is not None:
        return _window(window_db or None)
    # lazy: the commands' shared part opens databases (SQLAlchemy, the models, the user services); the
    # window above starts without it, and paints the first-run wizard before any of that is loaded
    from kaltim_desk.commands.common import CliError, release

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _window(args.db)
        return int(args.func(args) or 0)
    except (DomainError, CliError) as exc:
        print(f"Galat: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("Dibatalkan.", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        known = describe_failure(exc)
        if known is not None:
            log.warning("command %s stopped: %s", args.command, known, exc_info=True)
            print(f"Galat: {known}", file=sys.stderr)
            return EXIT_REFUSED
        log.exception("command %s failed", args.command)
        print(
            f"Terjadi kesalahan tak terduga. Rinciannya dicatat di {log_path()}; kirimkan berkas itu ke petugas TI.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        release()
