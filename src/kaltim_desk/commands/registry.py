"""`demo` and `check`: create a demo office, run the integrity checks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kaltim_desk.commands.common import open_db


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kaltim_desk.commands.common import add_db_argument

    demo = sub.add_parser(
        "demo",
        help="buat kantor demo berisi data contoh",
        description="Membuat kantor demo "
        "(penerima, kelompok, bantuan, pelatihan, kunjungan) di basis data yang masih kosong.",
    )
    add_db_argument(demo)
    demo.add_argument("--people", type=int, default=300, metavar="N", help="jumlah penerima (bawaan 300)")
    demo.add_argument("--seed", type=int, default=2026, help="benih acak, agar hasilnya dapat diulang")
    demo.set_defaults(func=run_demo)

    check = sub.add_parser(
        "check",
        help="periksa keutuhan basis data",
        description="Menjalankan pemeriksaan keutuhan; keluar dengan kode bukan nol bila ada masalah.",
    )
    add_db_argument(check)
    check.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="FILE",
        help="ekspor Excel (.xlsx) atau cadangan (.db) yang kepala jejak auditnya harus ada di basis data",
    )
    check.set_defaults(func=run_check)

    accept = sub.add_parser(
        "accept-restore",
        help="terima pemulihan basis data yang dilakukan di luar aplikasi (mis. pg_restore)",
        description="Setelah basis data dipulihkan di luar aplikasi ke tempat yang sama, jejak auditnya lebih "
        "pendek dari salinan kepalanya di folder data, dan `check` melaporkannya. Perintah ini (admin, "
        "dengan alasan) mencatat pemulihan itu di jejak audit, sehingga `check` tidak lagi menganggapnya "
        "pengubahan.",
    )
    add_db_argument(accept)
    accept.add_argument("--reason", required=True, metavar="ALASAN")
    accept.set_defaults(func=run_accept_restore)


def run_demo(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError
    from kaltim_desk.demo.office import create_demo_office

    if args.people < 20:
        raise CliError("--people harus paling sedikit 20.")
    db = open_db(args, must_exist=False)

    def progress(done: int, total: int, label: str) -> None:
        print(f"[{done}/{total}] {label}", file=sys.stderr)

    create_demo_office(db, people=args.people, seed=args.seed, progress=progress)
    print(f"Kantor demo dibuat di {db.path or db.url}: {args.people} penerima.")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError, cli_actor
    from kaltim_desk.config import database_url, sqlite_path
    from kaltim_desk.core import audit_anchor
    from kaltim_desk.services.checks import check_file_damage, run_checks
    from kaltim_desk.services.office.startup import candidate_backup

    db_path = sqlite_path(database_url(getattr(args, "db", None)))
    if db_path is not None and db_path.is_file():
        # The file first, without opening it through the engine (which would migrate, i.e. write to it).
        result = check_file_damage(db_path)
        if result is not None and not result.ok:
            print(f"GAGAL {result.name}  {result.message}")
            offer = candidate_backup(db_path)
            hint = (
                f"Pulihkan dari cadangan terbaru yang utuh: kaltim-desk restore {offer.path} --db {db_path}"
                if offer
                else "Tidak ada cadangan utuh di folder cadangan; hubungi petugas TI."
            )
            print(f"Berkas basis data tidak dapat diperiksa lebih lanjut. {hint}")
            return 3
    elif db_path is not None and db_path.exists():
        raise CliError(f"{db_path} adalah folder, bukan berkas basis data.")

    anchors = []
    for name in args.anchor:
        path = Path(name)
        if not path.is_file():
            raise CliError(f"Berkas jangkar tidak ditemukan: {path}")
        anchor = (
            audit_anchor.backup_head(path)
            if path.suffix.lower() == ".db"
            else audit_anchor.export_anchor(path)
        )
        if anchor is None:
            raise CliError(
                f"{path.name} tidak memuat kepala jejak audit (bukan ekspor atau cadangan Kaltim Desk versi ini)."
            )
        anchors.append(anchor)
    db = open_db(args, write=False)
    with db.read_session(cli_actor()) as session:
        results = run_checks(session, anchors)
    width = max(len(r.name) for r in results)
    for r in results:
        print(f"{'OK   ' if r.ok else 'GAGAL'} {r.name.ljust(width)}  {r.message}")
    bad = [r for r in results if not r.ok]
    print("Semua pemeriksaan lulus." if not bad else f"{len(bad)} pemeriksaan gagal.")
    return 0 if not bad else 3


def run_accept_restore(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import cli_actor
    from kaltim_desk.core import audit_anchor

    db = open_db(args)
    with db.session(cli_actor()) as s:
        gone = audit_anchor.accept_restore(s, args.reason)
    if not gone:
        print("Jejak audit memuat semua kepala yang tercatat di luar basis data; pemulihan dicatat saja.")
    for head in gone:
        print(
            f"Pemulihan diterima: jejak lama sampai baris #{head.row_id} tidak lagi dilaporkan sebagai pengubahan."
        )
    return 0
