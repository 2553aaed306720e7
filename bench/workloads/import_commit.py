"""Importing a messy 10,000-row list end to end: validated and committed (the `import` workload; issue 18:
< 1 s, issue 14: < 2 s).

The sheet (`make_messy_list`) is written the way regency offices write theirs: a title block, a two-row
header with merged group headers ("TEMPAT/TGL LAHIR" over TEMPAT | TANGGAL, "KUBE" over NAMA | JABATAN),
NIKs with apostrophes, spaces and dots, dates in six styles (date cells, d-m-Y, d/m/yy, Indonesian month
names, Excel serials), roles as "Sekr."/"Bend."/"KETUA KUBE", village names in capitals, with "Kel." and
some misspelt, phones with "-" and wrong prefixes, a subtotal under every KUBE, the header repeated every
500 rows and a signature block. Every tenth row shares a KUBE of ten.

Ours: `preview_import` (guarded open, sheet scoring, header detection, every row validated) then
`commit_import` (one transaction: people, KUBE groups and memberships, the import batch, the audit
record) on a fresh database; the backup before the commit is not counted (it copies the database, not
the sheet). Baseline: python-calamine reading the same sheet. CPU seconds (`time.process_time`), best of
the runs, as in `bench/bench_excel.py`.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any

REPEAT = 3
VILLAGES = (
    ("Sempaja Selatan", "Samarinda Utara", "647205"),
    ("LEMPAKE", "Samarinda Utara", "647205"),
    ("Kel. Tanah Merah", "Samarinda Utara", "647205"),
    ("Sidodadi", "Samarinda Ulu", "647203"),
    ("Air Hitam", "Samarinda Ulu", "647203"),
    ("Gunung Kelua", "Samarinda Ulu", "647203"),
    ("Sempja Selatan", "Samarinda Utara", "647205"),  # misspelt: matched fuzzily
)
MONTHS = ("", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")  # fmt: skip
ROLES = ("KETUA KUBE", "Sekr.", "Bend.") + ("Anggota",) * 7


def make_messy_list(n: int, target: Path, seed: int = 14) -> Path:
    from openpyxl import Workbook

    from kaltim_desk.domain.nik import encode_nik

    rng = Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DAFTAR PENERIMA")
    ws.append(["DAFTAR PENERIMA BANTUAN KUBE 2025"])
    ws.append(["DINAS SOSIAL KOTA SAMARINDA"])
    ws.append([])
    top = ["No.", "No. Induk Kependudukan", "Nama Lengkap Penerima", "TEMPAT/TGL LAHIR", "TEMPAT/TGL LAHIR",
           "Kel/Desa", "Kec.", "No HP/WA", "KUBE", "KUBE", "Besar Bantuan (Rp)"]  # fmt: skip
    low = ["No.", "No. Induk Kependudukan", "Nama Lengkap Penerima", "TEMPAT", "TANGGAL", "Kel/Desa", "Kec.",
           "No HP/WA", "NAMA", "JABATAN", "Besar Bantuan (Rp)"]  # fmt: skip
    ws.append(top)
    ws.append(low)
    for i in range(n):
        v, d, code = VILLAGES[(i // 10) % len(VILLAGES)]
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
        nik = encode_nik(code, born, "P", i % 9999 + 1)
        shape = i % 4
        nik_cell = ("'" + nik, f"{nik[:6]} {nik[6:12]} {nik[12:]}", f"{nik[:2]}.{nik[2:4]}.{nik[4:]}", nik)[
            shape
        ]
        style = i % 6
        when: Any = (
            born,
            f"{born:%d-%m-%Y}",
            f"{born.day}/{born.month}/{born:%y}",
            f"{born.day} {MONTHS[born.month]} {born.year}",
            (born - date(1899, 12, 30)).days,
            f"{born:%d.%m.%Y}",
        )[style]
        phone = (
            "-",
            f"0812{rng.randrange(10**7, 10**8)}",
            "0112345",
            f"+62 813 {rng.randrange(10**7, 10**8)}",
        )[i % 4]
        name = f"  ibu   nomor {i} " if i % 3 == 0 else f"IBU NOMOR {i}"
        ws.append([i + 1, nik_cell, name, "Samarinda", when, v, d, phone, f"KUBE BENCH {i // 10}",
                   ROLES[i % 10], "Rp 5.000.000"])  # fmt: skip
        if i % 10 == 9:
            ws.append([None, None, f"Jumlah KUBE BENCH {i // 10}", None, None, None, None, None, None, None,
                       "Rp 50.000.000"])  # fmt: skip
        if i % 500 == 499:
            ws.append(low)
    ws.append([])
    ws.append([None, "JUMLAH", None, None, None, None, None, None, None, None, f"Rp {5_000_000 * n:,}"])
    ws.append([None, None, None, None, None, "Samarinda, 12 Januari 2025"])
    ws.append([None, None, None, None, None, "Kepala Dinas Sosial"])
    wb.save(target)
    return target


def measure(n: int, workdir: Path) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    from bench.bench_excel import best_of, timed
    from bench.generate import fresh_database
    from kaltim_desk.core.actor import Actor
    from kaltim_desk.services.excel import imports

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sheet = make_messy_list(n, workdir / f"messy-list-{n}.xlsx")
    actor = Actor("bench", "admin")
    ours: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    parts: dict[str, float] = {}
    got: dict[str, Any] = {}
    for k in range(REPEAT):
        dbfile = workdir / f"import-commit-{k}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(dbfile) + suffix).unlink(missing_ok=True)
        db = fresh_database(dbfile)
        try:

            def read() -> None:
                got["rows"] = (
                    CalamineWorkbook.from_path(str(sheet)).get_sheet_by_name("DAFTAR PENERIMA").to_python()
                )

            def run(db: Any = db) -> None:
                with db.session(actor) as s:
                    t = time.process_time()
                    got["preview"] = preview = imports.preview_import(s, sheet)
                    parts["validate_s"] = time.process_time() - t
                    t = time.process_time()
                    got["result"] = imports.commit_import(s, preview)
                    parts["commit_s"] = time.process_time() - t

            base.append(timed(read))
            ours.append(timed(run))
        finally:
            db.dispose()
    preview, result = got["preview"], got["result"]
    assert result.imported == n, (preview.summary(), preview.problems[:3])
    from kaltim_desk.imports.reader import open_workbook

    # our guarded open (zip/XML checks, the sheet scan) plus the calamine read, without validation: what
    # the hostile-file guards cost beside calamine alone (baseline_s)
    guard_read_s, _wall = timed(lambda: open_workbook(sheet).sheet("DAFTAR PENERIMA"))
    return best_of(
        ours,
        base,
        n,
        warnings=float(len(preview.warnings)),
        groups=float(result.groups_created),
        guard_read_s=guard_read_s,
        **parts,
    )
