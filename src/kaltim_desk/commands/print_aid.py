"""Print kinds of the aid feature (see `commands/printing.py` for the dispatcher):

    kaltim-desk print agreement     --db PATH --grant ID --out FILE.pdf
    kaltim-desk print handover      --db PATH --grant ID --out FILE.pdf [--tranche N]
    kaltim-desk print receipt       --db PATH --grant ID --out FILE.pdf [--tranche N]
    kaltim-desk print group-summary --db PATH --grant ID --out FILE.pdf
    kaltim-desk print agreements    --db PATH --programme ID --out FILE.pdf|DIR

`print_grant_document` and `print_programme_agreements` are shared with the Bantuan page: the DTO is
assembled in one short unit of work (numbers issued and committed there, so a reprint reuses them), and
the PDF is rendered afterwards with no session held.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kaltim_desk.commands.printing import PrintKind
from kaltim_desk.core.actor import Actor
from kaltim_desk.db import Database

Progress = Callable[[int, int, str], None]

DOCUMENTS = ("agreement", "handover", "receipt", "group-summary")


def print_grant_document(
    db: Database,
    actor: Actor,
    kind: str,
    grant_id: int,
    out: Path,
    *,
    tranche: int | None = None,
    warnings: list[str] | None = None,
    original: bool = False,
) -> Path:
    """Render one document of a grant to `out` (atomically) and return the path. `tranche` picks the
    receipt's or the cash BAST's tranche (default: the last one paid). What the signing officer should
    know before signing (a logo that did not print) is appended to `warnings`. A reprint is a SALINAN
    unless `original` is asked by a role that may (services/document_rules.py)."""
    from kaltim_desk.documents.agreement import render_agreement
    from kaltim_desk.documents.group_summary import render_group_summary
    from kaltim_desk.documents.handover import render_handover
    from kaltim_desk.documents.letterhead import logo_problem
    from kaltim_desk.documents.receipt import render_receipt
    from kaltim_desk.services.aid import grants

    with db.session(actor) as s:
        doc: Any
        if kind == "agreement":
            doc, render = grants.agreement_document(s, grant_id, original=original), render_agreement
        elif kind == "handover":
            doc, render = grants.handover_document(s, grant_id, tranche, original=original), render_handover
        elif kind == "receipt":
            doc, render = grants.receipt_document(s, grant_id, tranche, original=original), render_receipt
        elif kind == "group-summary":
            doc, render = grants.group_summary_document(s, grant_id=grant_id), render_group_summary
        else:
            raise ValueError(f"unknown aid document {kind!r}")
    path = render(doc, out)
    problem = logo_problem(doc.letterhead.logo_path)
    if problem and warnings is not None:
        warnings.append(problem)
    return path


def print_programme_agreements(
    db: Database,
    actor: Actor,
    programme_id: int,
    out: Path,
    *,
    one_file: bool = True,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> list[Path]:
    """All agreements of a programme (approved and later) into one PDF or a folder."""
    from kaltim_desk.documents.batch import render_agreements
    from kaltim_desk.services.aid import grants, programmes

    with db.session(actor) as s:
        programmes.get_programme(s, programme_id)  # a clear "not found" for a wrong id
        docs = grants.agreement_documents(s, programme_id)
    return render_agreements(docs, out, one_file=one_file, progress=progress, is_cancelled=is_cancelled)


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"harus bilangan bulat, bukan '{value}'") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"harus 1 atau lebih, bukan {n}")
    return n


def _pdf_out(value: str) -> Path:
    from kaltim_desk.cli import CliError
    from kaltim_desk.commands.common import out_path

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
        from kaltim_desk.cli import cli_actor
        from kaltim_desk.commands.common import open_db

        out = _pdf_out(args.out)
        db = open_db(args)
        warnings: list[str] = []
        try:
            path = print_grant_document(
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
    from kaltim_desk.cli import CliError, cli_actor
    from kaltim_desk.commands.common import open_db

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
        files = print_programme_agreements(
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
    "agreement": PrintKind(
        help="perjanjian bantuan satu penerima",
        add_arguments=_grant_arguments(),
        run=_run_document("agreement"),
        description="Mencetak perjanjian pemberian bantuan (kop, nomor, para pihak, nilai, pasal, tanda tangan). "
        "Cetak pertama menerbitkan nomor; cetak ulang memakai nomor yang sama.",
    ),
    "handover": PrintKind(
        help="berita acara serah terima (BAST): barang, atau satu tahap bantuan uang yang dibayar",
        add_arguments=_grant_arguments(with_tranche=True),
        run=_run_document("handover"),
        description="Mencetak BAST. Bantuan barang: satu BAST setelah serah terima dicatat. Bantuan uang: "
        "satu BAST per tahap yang sudah dibayar (--tranche N; bawaan tahap terakhir dibayar); sebelum "
        "ada pembayaran BAST ditolak. Cetak pertama menerbitkan nomor dan menyimpan isinya; cetak ulang "
        "sama persis (SALINAN bila bukan admin).",
    ),
    "receipt": PrintKind(
        help="kuitansi satu tahap pembayaran",
        add_arguments=_grant_arguments(with_tranche=True),
        run=_run_document("receipt"),
    ),
    "group-summary": PrintKind(
        help="ringkasan satu halaman kelompok penerima bantuan",
        add_arguments=_grant_arguments(with_original=False),
        run=_run_document("group-summary"),
    ),
    "agreements": PrintKind(
        help="semua perjanjian satu program (satu PDF atau satu berkas per penerima)",
        add_arguments=_programme_arguments,
        run=_run_agreements,
    ),
}
