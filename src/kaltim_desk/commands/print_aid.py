"""Print kinds of the aid feature (see `commands/printing.py` for the dispatcher):

    kaltim-desk print agreement     --db PATH --grant ID --out FILE.pdf
    kaltim-desk print handover      --db PATH --grant ID --out FILE.pdf [--tranche N] [--original]
    kaltim-desk print receipt       --db PATH --grant ID --out FILE.pdf [--tranche N] [--original]
    kaltim-desk print group-summary --db PATH --grant ID --out FILE.pdf
    kaltim-desk print agreements    --db PATH --programme ID --out FILE.pdf|DIR

The work is done by the jobs in `services.aid.printing`, which the Bantuan page calls too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from kaltim_desk.commands.printing import PrintKind
from kaltim_desk.services.aid.paper_kinds import GRANT_PAPERS


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"harus bilangan bulat, bukan '{value}'") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"harus 1 atau lebih, bukan {n}")
    return n


def _pdf_out(value: str) -> Path:
    from kaltim_desk.commands.common import CliError, out_path

    path = out_path(value)
    if path.suffix.lower() != ".pdf":
        raise CliError(f"--out {value}: nama berkas keluaran harus berakhiran .pdf.")
    return path


def _grant_arguments(
    *, with_tranche: bool = False, with_original: bool = True
) -> Callable[[argparse.ArgumentParser], None]:
    def add(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--grant", type=_positive, required=True, metavar="ID", help="nomor (ID) bantuan")
        parser.add_argument("--out", required=True, metavar="FILE.pdf", help="berkas PDF keluaran")
        if with_original:
            parser.add_argument(
                "--original",
                action="store_true",
                help="cetak ulang sebagai ASLI (pengganti asli yang rusak; hanya peran yang diizinkan)",
            )
        if with_tranche:
            parser.add_argument(
                "--tranche",
                type=_positive,
                metavar="N",
                help="tahap pembayaran (bawaan: tahap terakhir dibayar)",
            )

    return add


def _run_document(kind: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from kaltim_desk.commands.common import cli_actor, open_db
        from kaltim_desk.services.aid.printing import print_grant_document_job  # lazy: loads ReportLab

        out = _pdf_out(args.out)
        db = open_db(args)
        warnings: list[str] = []
        try:
            path = print_grant_document_job(
                db,
                cli_actor(),
                kind,
                args.grant,
                out,
                tranche=getattr(args, "tranche", None),
                warnings=warnings,
                original=getattr(args, "original", False),
            )
        finally:
            db.dispose()
        for line in warnings:
            print(f"Peringatan: {line}", file=sys.stderr)
        print(f"Dicetak ke {path}.")
        return 0

    return run


def _programme_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--programme", type=_positive, required=True, metavar="ID", help="nomor (ID) program")
    parser.add_argument(
        "--out",
        required=True,
        metavar="FILE.pdf|DIR",
        help="satu berkas PDF untuk semua perjanjian, atau folder: satu berkas per penerima",
    )


def _run_agreements(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError, cli_actor, open_db
    from kaltim_desk.services.aid.printing import print_programme_agreements_job  # lazy: loads ReportLab

    out = Path(args.out)
    one_file = out.suffix.lower() == ".pdf"
    if one_file:
        out = _pdf_out(args.out)
    else:
        if out.exists() and not out.is_dir():
            raise CliError(f"{out} bukan folder; untuk satu berkas gunakan nama berakhiran .pdf.")
        if not out.parent.exists():
            raise CliError(f"Folder {out.parent} tidak ada.")
    db = open_db(args)

    def progress(done: int, total: int, text: str) -> None:
        print(f"\r[{done}/{total}] {text[:50]:<50}", end="", file=sys.stderr, flush=True)

    try:
        files = print_programme_agreements_job(
            db, cli_actor(), args.programme, out, one_file=one_file, progress=progress
        )
    finally:
        print(file=sys.stderr)
        db.dispose()
    if one_file:
        print(f"Perjanjian dicetak ke {out}.")
    else:
        print(f"{len(files)} perjanjian dicetak ke folder {out}.")
    return 0


KINDS: dict[str, PrintKind] = {
    **{
        kind: PrintKind(
            help=paper.help,
            add_arguments=_grant_arguments(with_tranche=paper.takes_tranche, with_original=paper.numbered),
            run=_run_document(kind),
            description=paper.description,
        )
        for kind, paper in GRANT_PAPERS.items()
    },
    "agreements": PrintKind(
        help="semua perjanjian satu program (satu PDF atau satu berkas per penerima)",
        add_arguments=_programme_arguments,
        run=_run_agreements,
    ),
}
