"""Importing the spreadsheets clerks have: open safely -> choose sheet -> detect header and mapping ->
validate every row -> preview -> commit what the user confirms (one transaction, one import batch) ->
roll a batch back as a whole. Nothing is stored before `commit_import` (R15).

Presets (a confirmed header->field mapping, optionally with its header row) are office settings under
`excel.import_presets`, so the next file of the same shape maps itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desk.core import audit
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.permissions import require
from kaltim_desk.core.settings import get_raw, office_profile, set_raw
from kaltim_desk.db import Database
from kaltim_desk.domain.nik import mask_kk, mask_nik, normalize_nik
from kaltim_desk.exports.layouts import PROBLEM_COLUMNS
from kaltim_desk.exports.workbook import write_simple
from kaltim_desk.imports import mapping as mp
from kaltim_desk.imports.reader import OpenedWorkbook, ReadCancelled, SheetGrid, col_letter, open_workbook
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.import_batch import ImportBatch
from kaltim_desk.services.excel.import_staging import CommitResult, commit_rows, rollback_batch
from kaltim_desk.services.excel.import_validate import (
    EXISTS,
    OK,
    REJECTED,
    SKIPPED,
    STATUS_LABELS,
    RowResult,
    validate_sheet,
)
from kaltim_desk.services.office.backup import backup_before

PRESETS_KEY = "excel.import_presets"
Progress = Callable[[int, int, str], None]


@dataclass
class ImportPreview:
    file: Path
    sha256: str
    sheet: str
    sheet_names: list[str]
    header_row: int  # 0-based
    mapping: dict[int, str]
    headers: dict[int, str]
    rows: list[RowResult]
    started_at: datetime = field(default_factory=utcnow)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r.status for r in self.rows)
        return {
            "read": len(self.rows),
            OK: c[OK],
            EXISTS: c[EXISTS],
            SKIPPED: c[SKIPPED],
            REJECTED: c[REJECTED],
        }

    @property
    def problems(self) -> list[Any]:
        return [p for r in self.rows for p in r.problems]

    def summary(self) -> str:
        c = self.counts
        return (
            f"{c['read']} baris dibaca dari lembar '{self.sheet}': {c[OK]} dapat diimpor, "
            f"{c[EXISTS]} sudah ada, {c[SKIPPED]} dilewati, {c[REJECTED]} ditolak."
        )


def open_file(
    path: Path | str,
    password: str | None = None,
    *,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> OpenedWorkbook:
    return open_workbook(path, password, progress=progress, is_cancelled=is_cancelled)


def guess_mapping(grid: SheetGrid, preset: dict[str, Any] | None = None) -> mp.HeaderGuess | None:
    if preset:
        return mp.apply_preset(grid.rows, preset)
    return mp.detect_header(grid.rows)


def choose_sheet(
    wb: OpenedWorkbook, sheet: str | None, is_cancelled: Callable[[], bool] | None = None
) -> str:
    """The named sheet, or the first sheet whose header can be detected."""
    if sheet:
        if sheet not in wb.sheet_names:
            raise DomainError(
                "sheet_missing", f"Lembar '{sheet}' tidak ada. Lembar yang ada: {', '.join(wb.sheet_names)}."
            )
        return sheet
    for name in wb.sheet_names:
        if name.startswith("_"):
            continue
        try:
            grid = wb.sheet(name, is_cancelled=is_cancelled)
        except ReadCancelled:
            raise
        except DomainError:
            continue
        if mp.detect_header(grid.rows) is not None:
            return name
    return wb.sheet_names[0]


def preview_import(
    session: Session,
    path: Path | str,
    *,
    sheet: str | None = None,
    preset: str | None = None,
    mapping: dict[int, str] | None = None,
    header_row: int | None = None,
    password: str | None = None,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    workbook: OpenedWorkbook | None = None,
) -> ImportPreview:
    """Read and validate a whole sheet; nothing is stored. `mapping`/`header_row` are the user's
    corrections (column index -> field); otherwise a preset or detection decides."""
    require(session, "import.run")
    started = utcnow()
    wb = workbook or open_workbook(path, password, is_cancelled=is_cancelled)
    name = choose_sheet(wb, sheet, is_cancelled)
    grid = wb.sheet(name, is_cancelled=is_cancelled)
    preset_data = load_presets(session).get(preset) if preset else None
    if preset and preset_data is None:
        raise DomainError("preset_missing", f"Preset '{preset}' tidak ada.")
    if mapping is not None:
        hr = (
            header_row
            if header_row is not None
            else (guess_mapping(grid, preset_data) or mp.HeaderGuess(0, {}, {})).row
        )
        _m, headers = mp.map_row(grid.rows[hr] if hr < len(grid.rows) else [])
        guess = mp.HeaderGuess(hr, dict(mapping), headers)
    else:
        g = guess_mapping(grid, preset_data)
        if g is None:
            raise DomainError(
                "header_not_found",
                f"Baris judul kolom tidak ditemukan di lembar '{name}': tidak ada baris yang memuat kolom NIK "
                "atau NAMA bersama kolom lain. Pilih baris judul dan kolomnya sendiri.",
            )
        if header_row is not None and header_row != g.row:
            m, headers = mp.map_row(grid.rows[header_row])
            g = mp.HeaderGuess(header_row, m, headers)
        guess = g
    fields = set(guess.mapping.values())
    if "nik" not in fields or "name" not in fields:
        missing = [mp.FIELDS[f][0] for f in ("nik", "name") if f not in fields]
        raise DomainError("mapping_incomplete", f"Kolom wajib belum dipetakan: {', '.join(missing)}.")
    office = office_profile(session)
    rows = validate_sheet(
        session, grid, guess, region_scope=office.region_code, progress=progress, is_cancelled=is_cancelled
    )
    return ImportPreview(
        Path(path), wb.sha256, name, wb.sheet_names, guess.row, guess.mapping, guess.headers, rows, started
    )


def commit_import(session: Session, preview: ImportPreview, selected: set[int] | None = None) -> CommitResult:
    """Store the confirmed rows (all `ok` rows, or only the Excel row numbers in `selected`)."""
    return commit_rows(
        session,
        preview.rows,
        file_name=preview.file.name,
        file_sha256=preview.sha256,
        sheet=preview.sheet,
        started_at=preview.started_at,
        selected=selected,
    )


def commit_import_job(
    db: Database, actor: Actor, preview: ImportPreview, selected: set[int] | None = None
) -> CommitResult:
    """Back up, then commit the previewed rows in their own unit of work: the one way the command line
    and the import wizard store an import. The verified backup comes first (R6); if it fails, nothing is
    imported (DomainError)."""
    backup_before(db, "impor")
    with db.session(actor) as s:
        return commit_import(s, preview, selected)


def rollback_import(session: Session, batch_id: int, reason: str) -> dict[str, int]:
    return rollback_batch(session, batch_id, reason)


@dataclass(frozen=True)
class BatchRow:
    id: int
    file_name: str
    sheet: str
    committed_at: datetime
    actor: str
    imported: int
    groups: int
    status: str


def list_batches(session: Session, limit: int = 100) -> list[BatchRow]:
    require(session, "person.view")
    rows = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit))
    return [
        BatchRow(
            b.id, b.file_name, b.sheet, b.committed_at, b.actor, b.rows_imported, b.groups_created, b.status
        )
        for b in rows
    ]


# --- presets -----------------------------------------------------------------------------------------


def load_presets(session: Session) -> dict[str, dict[str, Any]]:
    data = get_raw(session, PRESETS_KEY, {}) or {}
    return data if isinstance(data, dict) else {}


def save_preset(
    session: Session,
    name: str,
    preview_or_headers: ImportPreview | dict[str, str],
    header_row: int | None = None,
) -> None:
    """Save a confirmed mapping as a preset: header text -> field (and the header row, if fixed)."""
    require(session, "import.run")
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("preset_name", "Nama preset wajib diisi.", field="name")
    if isinstance(preview_or_headers, ImportPreview):
        p = preview_or_headers
        columns = {p.headers.get(c, col_letter(c)): f for c, f in p.mapping.items()}
        header_row = p.header_row if header_row is None else header_row
    else:
        columns = dict(preview_or_headers)
    presets = load_presets(session)
    presets[name] = {"columns": columns, "header_row": header_row}
    set_raw(session, PRESETS_KEY, presets)
    audit.record(session, "import.preset", "setting", PRESETS_KEY, name=name)


def delete_preset(session: Session, name: str) -> None:
    require(session, "import.run")
    presets = load_presets(session)
    if presets.pop(name, None) is not None:
        set_raw(session, PRESETS_KEY, presets)


# --- the problem report ----------------------------------------------------------------------------


def _masked_cells(preview: ImportPreview, cells: list[Any]) -> list[Any]:
    out = list(cells)
    for c, f in preview.mapping.items():
        if c < len(out) and f in ("nik", "kk_number") and isinstance(out[c], str) and out[c].strip():
            out[c] = (mask_nik if f == "nik" else mask_kk)(normalize_nik(out[c]))
        elif c < len(out) and f in ("nik", "kk_number") and isinstance(out[c], int | float):
            out[c] = "(angka)"
    return out


def write_problem_report(preview: ImportPreview, target: Path | str) -> Path:
    """A workbook the clerk fixes the original with: every row with its status and problems (sheet
    "Hasil", the original columns plus STATUS and MASALAH columns), and one line per problem ("Masalah").
    NIK/KK are masked."""
    target = Path(target)
    width = max([len(r.cells) for r in preview.rows] + [max(preview.headers, default=-1) + 1])
    headers = (
        ["BARIS", "STATUS"] + [preview.headers.get(c, col_letter(c)) for c in range(width)] + ["MASALAH"]
    )
    result_rows = []
    for r in preview.rows:
        cells = _masked_cells(preview, r.cells) + [None] * (width - len(r.cells))
        msg = r.reason if r.status != OK else "; ".join(r.warnings)
        result_rows.append([r.row, STATUS_LABELS[r.status].upper(), *[_cell(v) for v in cells[:width]], msg])
    problem_rows = [[p.sheet, p.row, p.column, p.value, p.rule, p.message, p.hint] for p in preview.problems]
    write_simple(
        target,
        [
            ("Hasil", headers, result_rows),
            ("Masalah", [c.header for c in PROBLEM_COLUMNS], problem_rows),
        ],
    )
    return target


def _cell(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
