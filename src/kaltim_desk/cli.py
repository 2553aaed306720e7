"""The command line: `kaltim-desk [--db PATH]` opens the window; subcommands run the same services
without a screen, for office IT staff and scripts.

Every command prints a clear Indonesian message and exits non-zero on a bad argument, a bad file or a
refused rule (2), or on an unexpected failure (1, with the details in the log file, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from kaltim_desk import __version__
from kaltim_desk.commands.common import CliError, add_db_argument
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
