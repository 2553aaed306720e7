"""`export`, `import`, `import-rollback`, `template`, `consolidate` and `nik-key`: the Excel feature without
a screen."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kaltim_desk.commands.common import add_password_file_arguments, file_password, open_db, out_path

if TYPE_CHECKING:
    from kaltim_desk.services.excel import imports

PROBLEMS_SHOWN = 30
WARNINGS_SHOWN = 3  # first lines per kind


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kaltim_desk.commands.common import add_db_argument
    from kaltim_desk.exports.layouts import REPORTS

    exp = sub.add_parser(
        "export",
        help="ekspor laporan Excel (BNBA, rekap, pelatihan, keberlanjutan)",
        description="Menulis buku kerja laporan ke atas. NIK/KK disamarkan kecuali --full (perlu --reason dan "
        "--user pejabat; kata sandi berkas ditanyakan atau dari --password-file; berkas dienkripsi dan "
        "ekspornya dicatat).",
    )
    exp.add_argument("kind", choices=sorted(REPORTS), help="jenis laporan")
    add_db_argument(exp)
    exp.add_argument("--out", required=True, metavar="FILE.xlsx", help="berkas keluaran")
    exp.add_argument("--year", type=int, help="tahun anggaran (bawaan: semua tahun)")
    exp.add_argument("--full", action="store_true", help="NIK/KK lengkap (berkas terenkripsi)")
    add_password_file_arguments(exp, "berkas untuk --full (minimal 8 karakter)")
    exp.add_argument("--reason", metavar="ALASAN", help="alasan ekspor lengkap (wajib untuk --full)")
    exp.set_defaults(func=run_export)

    imp = sub.add_parser(
        "import",
        help="impor penerima dari berkas Excel",
        description="Membaca dan memeriksa setiap baris. Tanpa --commit tidak ada yang disimpan: hanya ringkasan "
        "(baris dibaca, dapat diimpor, dilewati, ditolak), kolom mana ke isian mana, peringatan dan masalah. "
        "Lembar daftar penerima dipilih menurut isinya; judul kolom dikenali dalam banyak ejaan.",
    )
    imp.add_argument("file", metavar="FILE.xlsx")
    add_db_argument(imp)
    imp.add_argument("--sheet", metavar="S", help="nama lembar (bawaan: lembar yang berisi daftar penerima)")
    imp.add_argument("--list-sheets", action="store_true", help="tampilkan isi tiap lembar lalu berhenti")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"JUDUL=isian"',
        help='petakan kolom sendiri, mis. --map "Jabatan dlm KUBE=role" atau --map "M=jabatan"; '
        '"JUDUL=-" mengabaikan kolom. Boleh berulang.',
    )
    imp.add_argument("--preset", metavar="NAMA", help="pakai preset pemetaan kolom yang tersimpan")
    imp.add_argument("--save-preset", metavar="NAMA", help="simpan pemetaan kolom ini sebagai preset")
    imp.add_argument("--commit", action="store_true", help="simpan baris yang sah (satu transaksi)")
    imp.add_argument("--report", metavar="FILE.xlsx", help="simpan laporan masalah sebagai buku kerja")
    add_password_file_arguments(imp, "bila berkas terenkripsi")
    imp.set_defaults(func=run_import)

    tpl = sub.add_parser(
        "template",
        help="tulis templat Excel untuk diisi kantor/desa",
        description="Templat impor: kolom NIK/KK berformat teks, daftar pilihan jabatan, kecamatan dan desa, "
        "lembar petunjuk. Templat yang diisi dapat diimpor tanpa pemetaan.",
    )
    tpl.add_argument("kind", choices=["import"], help="jenis templat")
    add_db_argument(tpl)
    tpl.add_argument("--out", required=True, metavar="FILE.xlsx", help="berkas keluaran")
    tpl.set_defaults(func=run_template)

    rb = sub.add_parser("import-rollback", help="batalkan satu impor seluruhnya")
    rb.add_argument("batch", type=int, metavar="BATCH", help="nomor impor (batch)")
    add_db_argument(rb)
    rb.add_argument("--reason", required=True, metavar="ALASAN")
    rb.set_defaults(func=run_rollback)

    con = sub.add_parser(
        "consolidate",
        help="gabungkan ekspor BNBA kabupaten/kota menjadi buku kerja provinsi",
        description="Memeriksa metadata tiap berkas (urutan ekspor, checksum), menggabungkan, mencari NIK ganda "
        "antarkantor/antarkelompok, dan menulis lembar konflik serta rekap provinsi.",
    )
    con.add_argument("inputs", nargs="+", metavar="DISTRICT.xlsx")
    con.add_argument("--out", required=True, metavar="PROVINCE.xlsx")
    add_db_argument(con)
    add_password_file_arguments(con, "berkas ekspor lengkap (bila terenkripsi)")
    con.set_defaults(func=run_consolidate)

    key = sub.add_parser(
        "nik-key",
        help="kunci sidik NIK provinsi (untuk mencari NIK ganda antarkantor tanpa NIK lengkap)",
        description="Provinsi membuat satu kunci rahasia (new) dan mengirim berkasnya ke setiap kantor "
        "kabupaten/kota, yang memasangnya (install). Kolom KUNCI NIK ekspor BNBA dibuat dengan kunci ini.",
    )
    ksub = key.add_subparsers(dest="nik_key_command", required=True)
    new = ksub.add_parser("new", help="(provinsi) buat kunci baru dan tulis berkas kuncinya")
    new.add_argument("--out", required=True, metavar="FILE.key", help="berkas kunci (tidak ditimpa)")
    new.add_argument("--issuer", default="Dinas Sosial Provinsi Kalimantan Timur", help="nama penerbit")
    new.set_defaults(func=run_nik_key_new)
    inst = ksub.add_parser("install", help="pasang berkas kunci dari provinsi di kantor ini (admin)")
    inst.add_argument("file", metavar="FILE.key")
    add_db_argument(inst)
    inst.set_defaults(func=run_nik_key_install)
    show = ksub.add_parser("show", help="tampilkan id kunci yang terpasang (bukan kuncinya)")
    add_db_argument(show)
    show.set_defaults(func=run_nik_key_show)


def _progress(done: int, total: int, label: str) -> None:
    if total and done % 10000 == 0:
        print(f"  {done}/{total} {label}", file=sys.stderr)


def run_export(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError, cli_actor
    from kaltim_desk.services.excel.exports import NO_KEY_WARNING, export_report

    target = out_path(args.out)
    if args.full and not args.reason:
        raise CliError("--full membutuhkan --reason: alasan ekspor lengkap dicatat di jejak audit.")
    if (args.password or args.password_file) and not args.full:
        raise CliError("Kata sandi berkas hanya dipakai bersama --full.")
    db = open_db(args)
    password = file_password(args, confirm=True, needed=args.full)
    with db.session(cli_actor()) as s:
        res = export_report(
            s,
            args.kind,
            target,
            year=args.year,
            full=args.full,
            reason=args.reason or "",
            password=password,
            progress=_progress,
        )
    counts = ", ".join(f"{k}: {v}" for k, v in res.row_counts.items())
    mode = "LENGKAP, terenkripsi" if res.full else "NIK disamarkan"
    print(f"Ekspor #{res.sequence} ({mode}) ditulis ke {res.path}: {counts}.")
    if res.nik_key_missing:
        print(f"Peringatan: {NO_KEY_WARNING}")
    return 0


def parse_maps(values: list[str]) -> dict[str, str]:
    """--map "HEADER=field" values -> {header text or column letter: field key ("" = leave out)}."""
    from kaltim_desk.commands.common import CliError
    from kaltim_desk.imports.headers import FIELDS, field_from_user

    out: dict[str, str] = {}
    for raw in values:
        if "=" not in raw:
            raise CliError(f'--map "{raw}": tulis JUDUL=isian, mis. --map "Jabatan dlm KUBE=role".')
        header, _eq, target = raw.rpartition("=")
        header = " ".join(header.split())
        f = field_from_user(target)
        if not header or f is None:
            names = ", ".join(sorted(FIELDS))
            raise CliError(
                f'--map "{raw}": isian "{target.strip()}" tidak dikenal. Pilihan: {names}, atau - (abaikan).'
            )
        out[header] = f
    return out


def _print_preview(preview: imports.ImportPreview, path: Path) -> None:
    c = preview.counts
    print(f"Berkas {path.name}, lembar '{preview.sheet}', baris judul {preview.header_row + 1}.")
    for note in preview.sheet_notes:
        print(f'  Lembar lain {note} Untuk mengimpornya: --sheet "NAMA LEMBAR".')
    print("Kolom dibaca:")
    for line in preview.mapping_lines():
        print(f"  {line}")
    unmapped = preview.unmapped_lines()
    if unmapped:
        print('Kolom berisi yang tidak dipakai (petakan dengan --map "JUDUL=isian" bila perlu):')
        for line in unmapped:
            print(f"  {line}")
    for key in preview.unmatched_overrides:
        print(f'  --map "{key}=...": tidak ada kolom berjudul itu di baris judul.')
    print(f"Baris dibaca   : {c['read']}")
    print(f"Dapat diimpor  : {c['ok']}")
    print(f"Sudah ada      : {c['exists']}")
    print(f"Dilewati       : {c['skipped']}")
    print(f"Ditolak        : {c['rejected']}")
    skipped: dict[str, int] = {}
    for r in preview.rows:
        if r.status == "skipped":
            skipped[r.reason] = skipped.get(r.reason, 0) + 1
    for reason, n in skipped.items():
        print(f"  dilewati {n} x {reason}")
    for r in preview.rows:
        if r.status == "exists":
            print(f"  baris {r.row}: {r.reason}")
    warnings = preview.warning_lines(first=WARNINGS_SHOWN)
    if warnings:
        print(f"Peringatan ({len(preview.warnings)}; baris tetap diimpor):")
        for line in warnings:
            print(f"  {line}")
    problems = preview.problems
    if problems:
        print("Ditolak:")
    for p in problems[:PROBLEMS_SHOWN]:
        print(f"  baris {p.row}, kolom {p.column}, nilai '{p.value}': {p.message} [{p.rule}]")
    if len(problems) > PROBLEMS_SHOWN:
        print(f"  ... dan {len(problems) - PROBLEMS_SHOWN} masalah lain (lihat --report).")


def run_import(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError, cli_actor
    from kaltim_desk.services.excel import imports

    path = Path(args.file)
    report = out_path(args.report) if args.report else None
    overrides = parse_maps(args.map)
    if args.list_sheets and (args.commit or args.save_preset):
        raise CliError("--list-sheets hanya menampilkan isi lembar; jalankan tanpa --commit/--save-preset.")
    password = file_password(args, confirm=False, needed=False)
    db = open_db(args, write=args.commit or bool(args.save_preset))
    with db.session(cli_actor()) as s:
        if args.list_sheets:
            wb = imports.open_file(path, password)
            print(f"Lembar di {path.name}:")
            for score in imports.list_sheets(wb):
                print(f"  {score.describe()}")
            return 0
        preview = imports.preview_import(
            s,
            path,
            sheet=args.sheet,
            preset=args.preset,
            overrides=overrides,
            password=password,
            progress=_progress,
        )
        _print_preview(preview, path)
        if report is not None:
            imports.write_problem_report(preview, report)
            print(f"Laporan masalah disimpan di {report}.")
        if args.save_preset:
            imports.save_preset(s, args.save_preset, preview)
            print(f"Pemetaan kolom disimpan sebagai preset '{args.save_preset}'.")
    if not args.commit:
        print("Belum ada yang disimpan (tambahkan --commit untuk mengimpor).")
        return 0
    result = imports.commit_import_job(db, cli_actor(), preview)
    print(result.message)
    for row, msg in result.late_rejections + result.warnings:
        print(f"  baris {row}: {msg}")
    return 0


def run_template(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import cli_actor
    from kaltim_desk.services.excel import imports

    target = out_path(args.out)
    db = open_db(args, write=False)
    with db.read_session(cli_actor()) as s:
        imports.write_template(s, target)
    print(
        f"Templat impor ditulis ke {target}. Isi lembar 'Data Penerima', lalu: kaltim-desk import {target.name}"
    )
    return 0


def run_rollback(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import cli_actor
    from kaltim_desk.services.excel import imports

    db = open_db(args)
    with db.session(cli_actor()) as s:
        res = imports.rollback_import(s, args.batch, args.reason)
    print(f"Impor #{args.batch} dibatalkan: {res['people']} penerima dan {res['groups']} kelompok dihapus.")
    return 0


def run_consolidate(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError, cli_actor
    from kaltim_desk.services.excel.consolidation import consolidate

    target = out_path(args.out)
    for p in args.inputs:
        if Path(p).resolve() == target.resolve():
            raise CliError("Berkas keluaran tidak boleh sama dengan salah satu berkas masukan.")
    password = file_password(args, confirm=False, needed=False)
    if args.db:
        db = open_db(args)
        with db.session(cli_actor()) as s:
            result = consolidate(args.inputs, target, session=s, password=password)
    else:
        result = consolidate(args.inputs, target, password=password)
    for src in result.sources:
        line = f"{src.status:9} {src.file}"
        if src.office:
            line += f" (kantor {src.office}, ekspor #{src.sequence}, {src.rows} baris)"
        if src.reason:
            line += f": {src.reason}"
        print(line)
    if result.out is None:
        print("Tidak ada berkas yang diterima; tidak ada yang ditulis.")
        return 2
    print(
        f"Gabungan ditulis ke {result.out}: {result.rows} baris, {len(result.conflicts)} baris konflik NIK."
    )
    return 0 if not result.refused else 3


def run_nik_key_new(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError
    from kaltim_desk.exports import masking

    target = out_path(args.out)
    if target.exists():
        raise CliError(
            f"{target} sudah ada; kunci lama tidak ditimpa (kantor yang memakainya akan kehilangan "
            "kecocokan). Pilih nama berkas lain."
        )
    key = masking.new_key()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(masking.key_file_text(key, args.issuer))
    print(f"Kunci NIK baru (id {masking.key_id(key)}) ditulis ke {target}.")
    print("Kirim berkas ini ke setiap kantor kabupaten/kota lewat jalur resmi (bukan bersama berkas ekspor);")
    print("kantor memasangnya dengan `kaltim-desk nik-key install BERKAS --db ...`.")
    return 0


def run_nik_key_install(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import CliError, cli_actor
    from kaltim_desk.services.excel.exports import install_nik_key

    path = Path(args.file)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"Berkas kunci {path} tidak dapat dibaca: {exc}.") from exc
    db = open_db(args)
    with db.session(cli_actor()) as s:
        kid = install_nik_key(s, text)
    print(f"Kunci NIK provinsi (id {kid}) terpasang; ekspor BNBA berikutnya memuat KUNCI NIK.")
    return 0


def run_nik_key_show(args: argparse.Namespace) -> int:
    from kaltim_desk.commands.common import cli_actor
    from kaltim_desk.exports import masking
    from kaltim_desk.services.excel.exports import NO_KEY_WARNING, nik_key

    db = open_db(args, write=False)
    with db.read_session(cli_actor()) as s:
        key = nik_key(s)
    if key is None:
        print(NO_KEY_WARNING)
        return 3
    print(f"Kunci NIK provinsi terpasang: id {masking.key_id(key)}.")
    return 0
