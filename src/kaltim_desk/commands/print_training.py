"""The `certificates` print kind: `kaltim-desk print certificates --db PATH --training ID --out FILE.pdf|DIR`.

`print_certificates_job` is the one function the command line and the Pelatihan page share: read the
certificates in one read session, render them (no session held while the PDF is made), then count the
prints in a second short unit of work, so a reprint later comes out marked as a copy. With `--issue`
the certificates still missing for participants who completed the training are issued first.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from kaltim_desk.commands.printing import PrintKind
from kaltim_desk.core.actor import Actor
from kaltim_desk.db import Database

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class PrintOutcome:
    files: tuple[Path, ...]
    count: int
    copies: int
    issued: int = 0
    warnings: tuple[str, ...] = ()  # e.g. the logo that did not print


def print_certificates_job(
    db: Database,
    actor: Actor,
    training_id: int,
    out: Path,
    *,
    per_participant: bool = False,
    certificate_ids: list[int] | None = None,
    issue_missing: bool = False,
    original: bool = False,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> PrintOutcome:
    from kaltim_desk.core.errors import DomainError
    from kaltim_desk.documents.certificate import render_certificates
    from kaltim_desk.documents.certificate_batch import render_per_participant
    from kaltim_desk.documents.letterhead import logo_problem
    from kaltim_desk.services.training import certificates

    issued = 0
    if issue_missing:
        with db.session(actor) as s:
            issued = len(certificates.issue_for_training(s, training_id).issued)
    with db.read_session(actor) as s:
        docs = certificates.documents_for_print(s, training_id, certificate_ids, original=original)
        template = certificates.load_template(certificates.certificate_settings(s))
    if not docs:
        raise DomainError(
            "no_certificates",
            "Belum ada sertifikat yang dapat dicetak untuk pelatihan ini; terbitkan dulu sertifikat "
            "bagi peserta yang lulus.",
        )
    if per_participant:
        files = tuple(
            render_per_participant(docs, template, out, progress=progress, is_cancelled=is_cancelled)
        )
    else:
        files = (render_certificates(docs, template, out, progress=progress, is_cancelled=is_cancelled),)
    with db.session(actor) as s:
        certificates.mark_printed(s, [d.certificate_id for d in docs])
    logo = logo_problem(docs[0].logo_path) if template.show_logo and not template.preprinted else None
    return PrintOutcome(files, len(docs), sum(1 for d in docs if d.is_copy), issued, (logo,) if logo else ())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--training", type=int, required=True, metavar="ID", help="nomor (ID) pelatihan")
    parser.add_argument(
        "--out",
        required=True,
        metavar="FILE.pdf|DIR",
        help="satu berkas PDF untuk semua sertifikat, atau folder: satu berkas per peserta",
    )
    parser.add_argument(
        "--issue",
        action="store_true",
        help="terbitkan dulu sertifikat yang belum ada bagi peserta yang lulus",
    )
    parser.add_argument(
        "--original",
        action="store_true",
        help="cetak ulang sebagai ASLI (pengganti asli yang rusak; hanya peran yang diizinkan)",
    )


def run(args: argparse.Namespace) -> int:
    from kaltim_desk.cli import CliError, cli_actor
    from kaltim_desk.commands.common import open_db

    out = Path(args.out)
    per_participant = out.suffix.lower() != ".pdf"
    if per_participant:
        if out.exists() and not out.is_dir():
            raise CliError(f"{out} bukan folder; untuk satu berkas gunakan nama berakhiran .pdf.")
        if not out.parent.exists():
            raise CliError(f"Folder {out.parent} tidak ada.")
    elif not out.parent.exists():
        raise CliError(f"Folder {out.parent} tidak ada.")
    db = open_db(args)

    def progress(done: int, total: int, text: str) -> None:
        print(f"\r[{done}/{total}] {text[:40]:<40}", end="", file=sys.stderr, flush=True)

    try:
        outcome = print_certificates_job(
            db,
            cli_actor(),
            args.training,
            out,
            per_participant=per_participant,
            issue_missing=args.issue,
            original=args.original,
            progress=progress,
        )
    finally:
        print(file=sys.stderr)
        db.dispose()
    for line in outcome.warnings:
        print(f"Peringatan: {line}", file=sys.stderr)
    if outcome.issued:
        print(f"{outcome.issued} sertifikat baru diterbitkan.")
    where = out if not per_participant else f"{len(outcome.files)} berkas di {out}"
    copies = f" ({outcome.copies} salinan cetak ulang)" if outcome.copies else ""
    print(f"{outcome.count} sertifikat dicetak ke {where}{copies}.")
    return 0


def _calibration_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="berkas PDF halaman kalibrasi")


def _run_calibration(args: argparse.Namespace) -> int:
    from kaltim_desk.cli import CliError, cli_actor
    from kaltim_desk.commands.common import open_db
    from kaltim_desk.documents.certificate import render_calibration
    from kaltim_desk.services.training import certificates

    out = Path(args.out)
    if out.suffix.lower() != ".pdf" or not out.parent.exists():
        raise CliError(f"--out {args.out}: harus berkas .pdf di folder yang ada.")
    db = open_db(args)
    try:
        with db.read_session(cli_actor()) as s:
            cfg = certificates.certificate_settings(s)
            template = certificates.load_template(replace(cfg, preprinted=True))
    finally:
        db.dispose()
    render_calibration(template, out)
    print(f"Halaman kalibrasi blangko ({template.orientation}) dicetak ke {out}.")
    return 0


KINDS: dict[str, PrintKind] = {
    "certificates": PrintKind(
        help="sertifikat pelatihan (STTP) satu pelatihan: satu PDF atau satu berkas per peserta",
        add_arguments=add_arguments,
        run=run,
        description="Mencetak sertifikat (STTP) yang sudah diterbitkan untuk satu pelatihan. --out berakhiran "
        ".pdf: satu berkas untuk printer; selain itu: folder berisi satu PDF per peserta. Sertifikat yang "
        "pernah dicetak keluar bertanda SALINAN dengan nomor yang sama (--original: asli pengganti, "
        "hanya peran yang diizinkan); yang dicabut tidak dicetak. Dengan blangko pracetak (Pengaturan > "
        "Sertifikat) hanya isian yang berubah yang dicetak.",
    ),
    "certificate-calibration": PrintKind(
        help="halaman kalibrasi untuk mencetak sertifikat pada blangko pracetak",
        add_arguments=_calibration_arguments,
        run=_run_calibration,
        description="Mencetak penggaris milimeter dan tanda silang di posisi setiap isian sertifikat "
        "(Pengaturan > Sertifikat, posisi blangko). Cetak pada blangko, terawang, lalu sesuaikan posisinya.",
    ),
}
