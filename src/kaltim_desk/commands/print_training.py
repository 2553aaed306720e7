"""The `certificates` print kind: `kaltim-desk print certificates --db PATH --training ID --out FILE.pdf|DIR`.

The work is `services.training.printing.print_certificates_job`, which the Pelatihan page calls too.
With `--issue` the certificates still missing for participants who completed the training are issued
first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kaltim_desk.commands.printing import PrintKind


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
    from kaltim_desk.commands.common import CliError, cli_actor, open_db
    from kaltim_desk.services.training.printing import print_certificates_job  # lazy: loads ReportLab

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
    from kaltim_desk.commands.common import CliError, cli_actor, open_db
    from kaltim_desk.services.training.printing import print_calibration_job  # lazy: loads ReportLab

    out = Path(args.out)
    if out.suffix.lower() != ".pdf" or not out.parent.exists():
        raise CliError(f"--out {args.out}: harus berkas .pdf di folder yang ada.")
    db = open_db(args)
    try:
        orientation = print_calibration_job(db, cli_actor(), out)
    finally:
        db.dispose()
    print(f"Halaman kalibrasi blangko ({orientation}) dicetak ke {out}.")
    return 0


KINDS: dict[str, PrintKind] = {
    "certificates": PrintKind(
        help="sertifikat pelatihan (STTP) satu pelatihan: satu PDF atau satu berkas per peserta",
        add_arguments=add_arguments,
        run=run,
        description="Mencetak sertifikat (STTP) yang sudah diterbitkan untuk satu pelatihan. --out berakhiran "
        ".pdf: satu berkas untuk printer; selain itu: folder berisi satu PDF per peserta. Sertifikat yang "
        "pernah dicetak keluar bertanda SALINAN dengan nomor yang sama (--original: asli pengganti, "
        "hanya peran yang diizinkan); yang dicabut tidak dicetak. Dengan blangko pracetak (Pelatihan > "
        "Pengaturan) hanya isian yang berubah yang dicetak.",
    ),
    "certificate-calibration": PrintKind(
        help="halaman kalibrasi untuk mencetak sertifikat pada blangko pracetak",
        add_arguments=_calibration_arguments,
        run=_run_calibration,
        description="Mencetak penggaris milimeter dan tanda silang di posisi setiap isian sertifikat "
        "(Pelatihan > Pengaturan, posisi blangko). Cetak pada blangko, terawang, lalu sesuaikan posisinya.",
    ),
}
