"""`report survival` and `report overdue`: the monitoring figures without a screen.

    kaltim-desk report survival --db PATH --out FILE.xlsx [--year 2025]
    kaltim-desk report overdue --db PATH [--out FILE.xlsx]

`report survival` writes the one survival workbook, the same as `export survival` (exports/layouts.py:
per intake, regency/city and horizon; per intake; how it is counted), counted at `--today`. The overdue
workbook is small and plain (one sheet per table). Text a user typed (mentor names) is never written as a
formula (R10), and every file is written atomically (R9).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from kaltim_desk.commands.common import open_db, out_path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kaltim_desk.commands.common import add_db_argument

    report = sub.add_parser(
        "report",
        help="laporan pendampingan (kelangsungan usaha, kunjungan terlambat)",
        description="Laporan pendampingan: kelangsungan usaha penerima dan kunjungan yang terlambat.",
    )
    report_sub = report.add_subparsers(dest="report", metavar="LAPORAN", required=True)
    surv = report_sub.add_parser(
        "survival",
        help="kelangsungan usaha per angkatan dan kabupaten/kota (.xlsx)",
        description="Bagian usaha yang masih berjalan 3, 6 dan 12 bulan setelah bantuan, per angkatan "
        "(tahun anggaran) dan kabupaten/kota.",
    )
    add_db_argument(surv)
    surv.add_argument("--out", required=True, metavar="FILE.xlsx", help="berkas Excel keluaran")
    surv.add_argument("--year", type=int, metavar="TAHUN", help="hanya angkatan tahun anggaran ini")
    surv.add_argument("--today", metavar="YYYY-MM-DD", help="hitung per tanggal ini (bawaan: hari ini)")
    surv.set_defaults(func=run_survival)

    over = report_sub.add_parser(
        "overdue",
        help="kunjungan pendampingan yang terlambat",
        description="Daftar kunjungan yang terlambat, per pendamping dan per kecamatan.",
    )
    add_db_argument(over)
    over.add_argument("--out", metavar="FILE.xlsx", help="tulis juga ke berkas Excel")
    over.add_argument("--today", metavar="YYYY-MM-DD", help="hitung per tanggal ini (bawaan: hari ini)")
    over.set_defaults(func=run_overdue)


def _today(value: str | None) -> date:
    from kaltim_desk.commands.common import CliError

    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"Tanggal --today tidak sah: {value} (tulis YYYY-MM-DD).") from exc


def _write(
    path: Path, sheets: Sequence[tuple[str, str, Sequence[tuple[str, str, float]], list[list[Any]]]]
) -> None:
    """Sheets of (name, title, columns (header, number format, width), rows), atomically, on the
    report workbooks' streaming writer: title, a blank row, the header on row 3, frozen, filtered;
    typed text stays text (R10)."""
    from kaltim_desk.exports.workbook import FOOTER, QUOTED, header_height
    from kaltim_desk.exports.xlsx_stream import PLAIN, Style, XlsxStream, column_letter
    from kaltim_desk.fileio import atomic_path

    with atomic_path(path, suffix=".xlsx.part") as tmp:
        book = XlsxStream(tmp)
        try:
            for name, title, columns, rows in sheets:
                ws = book.sheet(
                    name,
                    widths=[c[2] for c in columns],
                    freeze_row=3,
                    print_title_row=3,
                    fit_a4_landscape=True,
                    footer=FOOTER,
                )
                ws.append_cells([(title, ws.style_attr(Style(bold=True, size=12)))])
                ws.skip_row()
                head = ws.style_attr(Style(bold=True, size=8, fill="DDEBF7", center_wrap=True))
                height = header_height((c[0].upper(), c[2]) for c in columns)
                ws.append_cells([(c[0], head) for c in columns], height=height)
                kinds = [PLAIN] * len(columns)
                formats = [ws.style_attr(Style(number_format=c[1] or None)) for c in columns]
                quoted = ws.style_attr(QUOTED)
                for row in rows:
                    ws.append_row(row, kinds, formats, quoted)
                ws.close(f"A3:{column_letter(len(columns))}{3 + len(rows)}" if rows else None)
            book.close()
        except BaseException:
            book.abandon()
            raise


def run_survival(args: argparse.Namespace) -> int:
    """The same workbook as `export survival` (same job, same layouts, logged and numbered like every
    export), counted at `--today`, with the per-intake figures printed."""
    from kaltim_desk.commands.common import cli_actor
    from kaltim_desk.services.excel.exports import export_report
    from kaltim_desk.services.monitoring import survival

    target = out_path(args.out)
    today = _today(args.today)
    db = open_db(args)
    with db.session(cli_actor()) as session:
        res = export_report(session, "survival", target, year=args.year, today=today)
        totals = survival.survival_totals(survival.survival_rows(session, year=args.year, today=today))
    print(f"Kelangsungan usaha: {res.rows} baris, ekspor #{res.sequence} ditulis ke {res.path}.")
    for t in totals:
        print(
            f"  Angkatan {t.intake_year}, bulan ke-{t.months}: {t.running}/{t.total} berjalan "
            f"({t.share_running:.0%}), {t.unknown} tidak diketahui"
        )
    return 0


def run_overdue(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import cli_actor
    from kaltim_desk.domain.dates import format_date_id
    from kaltim_desk.services.monitoring import schedule

    target = out_path(args.out) if args.out else None
    today = _today(args.today)
    db = open_db(args, write=False)
    with db.read_session(cli_actor()) as session:
        rows = schedule.overdue_visits(session, today)
    by_mentor = schedule.overdue_by_mentor(rows)
    by_district = schedule.overdue_by_district(rows)
    print(f"Kunjungan terlambat per {format_date_id(today)}: {len(rows)}")
    for c in by_mentor:
        print(f"  {c.key}: {c.count}")
    if target is not None:
        detail = [
            [
                r.recipient_name,
                r.recipient_kind,
                r.mentor_name,
                r.district_name,
                r.regency_name,
                r.months,
                r.disbursed_on,
                r.due_on,
                r.days_overdue,
            ]
            for r in rows
        ]
        _write(
            target,
            [
                (
                    "Terlambat",
                    f"KUNJUNGAN PENDAMPINGAN TERLAMBAT per {format_date_id(today)}",
                    (
                        ("Penerima", "", 28.0),
                        ("Jenis", "", 11.0),
                        ("Pendamping", "", 22.0),
                        ("Kecamatan", "", 18.0),
                        ("Kabupaten/Kota", "", 20.0),
                        ("Bulan ke-", "0", 8.0),
                        ("Tanggal penyaluran", "DD/MM/YYYY", 12.0),
                        ("Jatuh tempo", "DD/MM/YYYY", 12.0),
                        ("Hari terlambat", "#,##0", 10.0),
                    ),
                    detail,
                ),
                (
                    "Per pendamping",
                    "KUNJUNGAN TERLAMBAT PER PENDAMPING",
                    (
                        ("Pendamping", "", 28.0),
                        ("Jumlah", "#,##0", 10.0),
                        ("Jatuh tempo terlama", "DD/MM/YYYY", 14.0),
                    ),
                    [[c.key, c.count, c.oldest_due] for c in by_mentor],
                ),
                (
                    "Per kecamatan",
                    "KUNJUNGAN TERLAMBAT PER KECAMATAN",
                    (
                        ("Kecamatan", "", 24.0),
                        ("Kabupaten/Kota", "", 22.0),
                        ("Jumlah", "#,##0", 10.0),
                        ("Jatuh tempo terlama", "DD/MM/YYYY", 14.0),
                    ),
                    [[c.key, c.detail, c.count, c.oldest_due] for c in by_district],
                ),
            ],
        )
        print(f"Ditulis ke {target}.")
    return 0
