"""The command line: `kaltim-desk [--db PATH]` opens the window; subcommands run the same services
without a screen, for office IT staff and scripts.

Every command prints a clear Indonesian message and exits non-zero on a bad argument, a bad file or a
refused rule (2), or on an unexpected failure (1, with the details in the log file, never a traceback).
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import logging
import sys
from collections.abc import Sequence

from kaltim_desk import __version__
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError

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


class CliError(Exception):
    """A user-facing failure of a command: bad argument or bad file; the message says what and where."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        translated = (
            message.replace("the following arguments are required", "argumen berikut wajib diisi")
            .replace("invalid choice", "pilihan tidak sah")
            .replace("unrecognized arguments", "argumen tidak dikenal")
            .replace("expected one argument", "membutuhkan satu nilai")
            .replace("argument", "argumen")
        )
        self.exit(EXIT_REFUSED, f"{self.prog}: galat: {translated}\n")


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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kaltim-desk",
        description="Kaltim Desk: pendataan penerima, kelompok KUBE, bantuan, pelatihan dan pendampingan.",
    )
    parser.add_argument("--version", action="version", version=f"Kaltim Desk {__version__}")
    add_db_argument(parser)
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from kaltim_desk.logs import log_path, setup_logging

    setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from kaltim_desk.views.application import run_gui

            return run_gui(args.db)
        return int(args.func(args) or 0)
    except (DomainError, CliError) as exc:
        print(f"Galat: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("Dibatalkan.", file=sys.stderr)
        return EXIT_FAILED
    except Exception:
        log.exception("command %s failed", args.command)
        print(
            f"Terjadi kesalahan tak terduga. Rinciannya dicatat di {log_path()}; kirimkan berkas itu ke petugas TI.",
            file=sys.stderr,
        )
        return EXIT_FAILED
