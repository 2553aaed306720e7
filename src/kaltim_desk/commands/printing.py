"""`kaltim-desk print KIND ...`: one dispatcher for every printable document.

Each feature contributes *print kinds* from its own module, so this file never changes when a feature
adds a document. A module listed in `KIND_MODULES` defines

    KINDS: dict[str, PrintKind]        # e.g. {"agreement": PrintKind(...), "agreements": ...}

where a `PrintKind` is

    PrintKind(
        help="perjanjian bantuan satu penerima",       # one line, shown in `kaltim-desk print -h`
        add_arguments=fn(parser) -> None,               # adds the kind's own options (not --db)
        run=fn(args) -> int,                            # does the work, returns the exit code
        description="...",                              # optional longer text for `print KIND -h`
    )

The dispatcher adds `--db` to every kind. `run` opens the database with `commands.common.open_db(args)`,
acts as `common.cli_actor()`, raises `common.CliError` for a bad argument (exit 2) and lets a `DomainError`
through (the CLI prints its Indonesian message, exit 2).

Kinds today: agreement, handover, receipt, group-summary, agreements (`commands/print_aid.py`);
certificates, certificate-calibration (`commands/print_training.py`).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass

KIND_MODULES = (
    "kaltim_desk.commands.print_aid",
    "kaltim_desk.commands.print_training",
)


@dataclass(frozen=True)
class PrintKind:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str = ""


def collect_kinds(modules: tuple[str, ...] = KIND_MODULES) -> dict[str, PrintKind]:
    """Every print kind of the installed features, by name, in module order."""
    kinds: dict[str, PrintKind] = {}
    for name in modules:
        module = importlib.import_module(name)
        for kind, spec in getattr(module, "KINDS", {}).items():
            if kind in kinds:
                raise RuntimeError(f"print kind {kind!r} defined twice (second time in {name})")
            kinds[kind] = spec
    return kinds


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kaltim_desk.commands.common import add_db_argument

    kinds = collect_kinds()
    parser = sub.add_parser(
        "print",
        help="cetak dokumen (perjanjian, BAST, kuitansi, ringkasan kelompok, sertifikat) ke PDF",
        description="Mencetak dokumen ke berkas PDF. Jenis: " + ", ".join(kinds) + ".",
    )
    kind_sub = parser.add_subparsers(dest="kind", metavar="JENIS", parser_class=type(parser))
    kind_sub.required = True
    for name, kind in kinds.items():
        p = kind_sub.add_parser(name, help=kind.help, description=kind.description or kind.help)
        add_db_argument(p)
        kind.add_arguments(p)
        p.set_defaults(func=kind.run)
