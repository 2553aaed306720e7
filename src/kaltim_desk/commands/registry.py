"""`demo` and `check`: create a demo office, run the integrity checks."""

from __future__ import annotations

import argparse
import sys

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
    check.set_defaults(func=run_check)


def run_demo(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError
    from kaltim_desk.demo import create_demo_office

    if args.people < 20:
        raise CliError("--people harus paling sedikit 20.")
    db = open_db(args, must_exist=False)

    def progress(done: int, total: int, label: str) -> None:
        print(f"[{done}/{total}] {label}", file=sys.stderr)

    create_demo_office(db, people=args.people, seed=args.seed, progress=progress)
    print(f"Kantor demo dibuat di {db.path or db.url}: {args.people} penerima.")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import cli_actor
    from kaltim_desk.services.checks import run_checks

    db = open_db(args)
    with db.read_session(cli_actor()) as session:
        results = run_checks(session)
    width = max(len(r.name) for r in results)
    for r in results:
        print(f"{'OK   ' if r.ok else 'GAGAL'} {r.name.ljust(width)}  {r.message}")
    bad = [r for r in results if not r.ok]
    print("Semua pemeriksaan lulus." if not bad else f"{len(bad)} pemeriksaan gagal.")
    return 0 if not bad else 3
