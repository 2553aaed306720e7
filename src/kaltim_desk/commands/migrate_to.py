"""`migrate-to`: copy an office's SQLite database onto the shared PostgreSQL server (docs/POSTGRES.md)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kaltim_desk.commands.common import add_db_argument

    p = sub.add_parser(
        "migrate-to",
        help="salin basis data kantor (SQLite) ke server PostgreSQL",
        description="Menyalin seluruh isi basis data kantor (berkas SQLite, --db) ke basis data tujuan "
        "(URL, mis. postgresql+psycopg://pengguna@server/kaltim). Dapat diulang: baris yang sudah ada "
        "dilewati. Menolak bila tujuan berisi data lain dengan kunci yang sama (mis. NIK yang sama untuk "
        "orang lain). Di akhir jumlah baris dan checksum tiap tabel dibandingkan.",
    )
    p.add_argument("url", metavar="URL", help="URL basis data tujuan (PostgreSQL)")
    add_db_argument(p)
    p.add_argument("--chunk", type=int, default=1000, metavar="N", help="baris per sisipan (bawaan 1000)")
    p.set_defaults(func=run_migrate_to)


def run_migrate_to(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError, open_db
    from kaltim_desk.config import database_url
    from kaltim_desk.db import Database
    from kaltim_desk.services.office.migrate_to import format_report, migrate_database

    if args.chunk < 1:
        raise CliError("--chunk harus paling sedikit 1.")
    source = open_db(args, write=False)  # read in one snapshot; a writer lock row would be copied too
    if not source.is_sqlite:
        raise CliError("--db harus berkas SQLite kantor (sumber salinan).")
    target_url = database_url(args.url)
    target = Database(target_url)
    try:
        try:
            with target.engine.connect():
                pass
        except Exception as exc:
            raise CliError(f"Tidak dapat terhubung ke basis data tujuan: {str(exc).splitlines()[0]}") from exc

        def progress(done: int, total: int, label: str) -> None:
            print(f"[{done}/{total}] {label}", file=sys.stderr)

        report = migrate_database(source, target, chunk_size=args.chunk, progress=progress)
    finally:
        target.dispose()
        source.dispose()
    for line in format_report(report):
        print(line)
    return 0 if report.ok else 3
