"""The text of everything the app prints, from a fixed demo office: a before/after tool for refactorings.

    uv run python scripts/output_snapshot.py --out /tmp/snap-after
    git worktree add /tmp/base <commit> && (cd /tmp/base && uv sync -q &&
        uv run python /path/to/scripts/output_snapshot.py --out /tmp/snap-before)
    diff -r /tmp/snap-before /tmp/snap-after

It creates the demo office (fixed seed) in a temporary folder and drives the command line only
(`python -m kaltim_desk ...`), so the same script runs on any commit whose CLI has these commands,
whatever the package layout. What it writes, one text file per output:

- every document kind (`print agreement|handover|receipt|group-summary|agreements|certificates`) for the
  first grants/programme/training that have one, as `pdftotext -layout` text;
- every workbook (`export bnba|recap|survival|training`, `report survival|overdue`, `consolidate` of the
  BNBA export) as the cell values of every sheet, hidden ones included;
- a refused print (exit code and message), so the wording of refusals is compared too.

Values that change with the clock (the export time, a checksum over it) or are random by design (a
certificate's verification code, the keyed NIK pseudonym of an export) are replaced by a marker so two runs on the same day compare equal;
run before and after on the same day (documents print today's date).
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

SEED, PEOPLE = "2026", "300"
PER_KIND = 2
CLOCK = [
    (
        re.compile(r"\b\d{4}-\d{2}-\d{2}[T ](?!00:00:00\b)\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?"),
        "<waktu>",
    ),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
    # a certificate's verification code is random at issue (secrets), so it differs between runs
    (re.compile(r"\b[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}\b"), "<kode-verifikasi>"),
    # the keyed NIK pseudonym of an export (KUNCI NIK) and its key's id come from the office's random key
    (re.compile(r"\b[0-9a-f]{32}\b"), "<kunci-nik>"),
    (re.compile(r"(nik_key_id\t)[0-9a-f]{8}\b"), r"\1<id-kunci>"),
]


def _cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "kaltim_desk", *args], env=env, capture_output=True, text=True, check=False
    )
    return done.returncode, (done.stdout + done.stderr)


def _scrub(text: str, tmp: Path) -> str:
    text = text.replace(str(tmp), "<tmp>")
    for pattern, marker in CLOCK:
        text = pattern.sub(marker, text)
    return text


def _pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def _workbook_text(xlsx: Path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True, data_only=True)
    out = []
    for ws in wb.worksheets:
        out.append(f"## sheet {ws.title!r} ({ws.sheet_state})")
        for row in ws.iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            out.append("\t".join(cells))
    wb.close()
    return "\n".join(out) + "\n"


def _ids(db: Path, sql: str) -> list[int]:
    with sqlite3.connect(db) as con:
        return [row[0] for row in con.execute(sql)][:PER_KIND]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the text files (created)")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="kaltim-snapshot-"))
    env = {
        **os.environ,
        "KALTIM_DESK_DATA_DIR": str(tmp / "data"),
        "KALTIM_DESK_CONFIG_DIR": str(tmp / "config"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("KALTIM_DESK_DATABASE_URL", None)
    db = tmp / "demo.sqlite"
    code, text = _cli(env, "demo", "--db", str(db), "--people", PEOPLE, "--seed", SEED)
    if code != 0:
        print(text, file=sys.stderr)
        return 1

    def save(name: str, text: str) -> None:
        (out / f"{name}.txt").write_text(_scrub(text, tmp), encoding="utf-8")

    def pdf(name: str, *cli_args: str) -> None:
        target = tmp / f"{name}.pdf"
        code, text = _cli(env, "print", *cli_args, "--db", str(db), "--out", str(target))
        save(name, _pdf_text(target) if code == 0 else f"exit {code}\n{text}")

    started = "('agreement_signed','disbursing','disbursed','accountability_received','closed')"
    for gid in _ids(db, f"SELECT id FROM aid_grant WHERE status IN {started} ORDER BY id"):
        pdf(f"agreement-grant{gid}", "agreement", "--grant", str(gid))
    for gid in _ids(db, "SELECT id FROM aid_grant WHERE status = 'approved' ORDER BY id"):
        pdf(f"agreement-approved-grant{gid}", "agreement", "--grant", str(gid))
    for gid in _ids(db, "SELECT id FROM aid_grant WHERE handover_on IS NOT NULL ORDER BY id"):
        pdf(f"handover-grant{gid}", "handover", "--grant", str(gid))
    paid = "SELECT DISTINCT grant_id FROM aid_tranche WHERE paid_on IS NOT NULL ORDER BY grant_id"
    for gid in _ids(db, paid):
        pdf(f"receipt-grant{gid}", "receipt", "--grant", str(gid))
    for gid in _ids(db, "SELECT id FROM aid_grant WHERE group_id IS NOT NULL ORDER BY id"):
        pdf(f"group-summary-grant{gid}", "group-summary", "--grant", str(gid))
    for gid in _ids(db, "SELECT id FROM aid_grant WHERE status = 'proposed' ORDER BY id"):
        pdf(f"refused-agreement-proposed-grant{gid}", "agreement", "--grant", str(gid))
    for pid in _ids(db, "SELECT id FROM aid_programme ORDER BY id"):
        pdf(f"agreements-programme{pid}", "agreements", "--programme", str(pid))
    issued = (
        "SELECT DISTINCT p.training_id FROM training_certificate c"
        " JOIN training_participant p ON p.id = c.participant_id ORDER BY p.training_id"
    )
    for tid in _ids(db, issued):
        pdf(f"certificates-training{tid}", "certificates", "--training", str(tid))

    def workbook(name: str, *cli_args: str) -> Path:
        target = tmp / f"{name}.xlsx"
        code, text = _cli(env, *cli_args, "--db", str(db), "--out", str(target))
        save(name, _workbook_text(target) if code == 0 else f"exit {code}\n{text}")
        return target

    bnba = workbook("export-bnba", "export", "bnba")
    for report in ("recap", "survival", "training"):
        workbook(f"export-{report}", "export", report)
    for report in ("survival", "overdue"):
        workbook(f"report-{report}", "report", report)
    province = tmp / "province.xlsx"
    code, text = _cli(env, "consolidate", str(bnba), "--db", str(db), "--out", str(province))
    save("consolidate", _workbook_text(province) if code == 0 else f"exit {code}\n{text}")
    print(f"{len(list(out.glob('*.txt')))} outputs in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
