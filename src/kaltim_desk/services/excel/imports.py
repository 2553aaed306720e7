"""Importing the spreadsheets clerks have: open safely -> choose the sheet by content -> detect the header
and mapping (with the clerk's overrides or a preset) -> validate every row -> preview -> commit what the
user confirms (one transaction, one import batch) -> roll a batch back as a whole. Nothing is stored
before `commit_import` (R15).

Presets (a confirmed header->field mapping, optionally with its header row) are office settings under
`excel.import_presets`, shared by the wizard and `kaltim-desk import --preset/--save-preset`, so the
next file of the same shape maps itself.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desk.core import audit
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.gc_pause import paused_gc
from kaltim_desk.core.permissions import require
from kaltim_desk.core.progress import Progress
from kaltim_desk.core.settings import get_raw, load_section, office_profile, set_raw
from kaltim_desk.db import Database
from kaltim_desk.imports import mapping as mp
from kaltim_desk.imports import sheets as sh
from kaltim_desk.imports.headers import field_label
from kaltim_desk.imports.reader import OpenedWorkbook, SheetGrid, col_letter, open_workbook
from kaltim_desk.imports.template import write_template as _write_template
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.import_batch import ImportBatch
from kaltim_desk.models.region import Region
from kaltim_desk.services.excel.import_report import write_problem_report as _write_report
from kaltim_desk.services.excel.import_staging import CommitResult, commit_rows, rollback_batch
from kaltim_desk.services.excel.import_validate import (
    EXISTS,
    OK,
    REJECTED,
    SKIPPED,
    WARNING_LABELS,
    ImportRules,
    Problem,
    RowResult,
    validate_sheet,
)
from kaltim_desk.services.office.backup import backup_before

PRESETS_KEY = "excel.import_presets"


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
    guess: mp.HeaderGuess | None = None
    unmapped: dict[int, str] = field(default_factory=dict)  # non-empty columns no field took
    sheet_notes: list[str] = field(default_factory=list)  # other sheets that hold NIK rows
    unmatched_overrides: list[str] = field(default_factory=list)

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
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    @property
    def warnings(self) -> list[Problem]:
        """Warnings of the rows that will be imported (or already exist): what the clerk should check."""
        return [w for r in self.rows if r.status in (OK, EXISTS) for w in r.warnings]

    def warning_counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for w in self.warnings:
            out[w.rule] += 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def summary(self) -> str:
        c = self.counts
        return (
            f"{c['read']} baris dibaca dari lembar '{self.sheet}': {c[OK]} dapat diimpor, "
            f"{c[EXISTS]} sudah ada, {c[SKIPPED]} dilewati, {c[REJECTED]} ditolak."
        )

    def mapping_lines(self) -> list[str]:
        return [
            f"{col_letter(c)} ({self.headers.get(c) or '-'}) -> {field_label(f)}"
            for c, f in sorted(self.mapping.items())
        ]

    def unmapped_lines(self) -> list[str]:
        return [f"{col_letter(c)} ({h or '-'})" for c, h in sorted(self.unmapped.items())]

    def warning_lines(self, first: int = 3) -> list[str]:
        """Per kind: "12 x no. HP tidak valid (dikosongkan)" and its first lines."""
        lines: list[str] = []
        by_kind: dict[str, list[Problem]] = defaultdict(list)
        for w in self.warnings:
            by_kind[w.rule].append(w)
        for kind, n in self.warning_counts().items():
            lines.append(f"{n} x {WARNING_LABELS.get(kind, kind)}")
            for w in by_kind[kind][:first]:
                lines.append(f"    baris {w.row}, kolom {w.column}, nilai '{w.value}': {w.message}")
        return lines


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
    """The named sheet, or the sheet the content says is the beneficiary list (`sheets.choose`); raises
    `SheetAmbiguous` when two are equally likely."""
    return sh.choose(wb, sheet, is_cancelled).chosen


SheetAmbiguous = sh.SheetAmbiguous


def sheet_choice(
    wb: OpenedWorkbook, sheet: str | None = None, is_cancelled: Callable[[], bool] | None = None
) -> sh.SheetChoice:
    """The sheet to import and what the other sheets hold; raises `SheetAmbiguous` between equals."""
    return sh.choose(wb, sheet, is_cancelled)


def list_sheets(wb: OpenedWorkbook) -> list[sh.SheetScore]:
    """Every sheet with what it holds (`import --list-sheets`)."""
    scores, _grids = sh.score_sheets(wb)
    return scores


def _unmapped(grid: SheetGrid, guess: mp.HeaderGuess) -> dict[int, str]:
    """Columns with a header or data under the header that no field took (the clerk must see them)."""
    out: dict[int, str] = {}
    width = max((len(r) for r in grid.rows[guess.row : guess.row + 2000]), default=0)
    for c in range(width):
        if c in guess.mapping:
            continue
        header = guess.headers.get(c, "")
        if guess.overridden.get(c) == "":
            continue  # the clerk chose to leave it out
        has_data = any(
            c < len(row) and row[c] not in (None, "") for row in grid.rows[guess.row + 1 : guess.row + 2001]
        )
        if has_data or header:
            out[c] = header
    return out


def import_rules(session: Session) -> ImportRules:
    return load_section(session, ImportRules)


@paused_gc()  # thousands of rows built, none garbage until the preview is dropped
def preview_import(
    session: Session,
    path: Path | str,
    *,
    sheet: str | None = None,
    preset: str | None = None,
    mapping: dict[int, str] | None = None,
    header_row: int | None = None,
    overrides: Mapping[str, str] | None = None,
    password: str | None = None,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    workbook: OpenedWorkbook | None = None,
) -> ImportPreview:
    """Read and validate a whole sheet; nothing is stored. `mapping`/`header_row` are the wizard's
    corrections (column index -> field); `overrides` the command line's (header text or column letter ->
    field, "" to leave a column out); otherwise a preset or detection decides."""
    require(session, "import.run")
    started = utcnow()
    wb = workbook or open_workbook(path, password, is_cancelled=is_cancelled)
    choice = sh.choose(wb, sheet, is_cancelled)
    name = choice.chosen
    grid = choice.grid or wb.sheet(name, is_cancelled=is_cancelled)
    preset_data = load_presets(session).get(preset) if preset else None
    if preset and preset_data is None:
        known = ", ".join(sorted(load_presets(session))) or "belum ada"
        raise DomainError("preset_missing", f"Preset '{preset}' tidak ada (preset tersimpan: {known}).")
    unmatched: list[str] = []
    if mapping is not None:
        hr = (
            header_row
            if header_row is not None
            else (guess_mapping(grid, preset_data) or mp.HeaderGuess(0, {}, {})).row
        )
        base = mp.header_at(grid.rows, hr)
        guess = mp.HeaderGuess(
            hr, dict(mapping), base.headers, None, {c: "" for c in base.headers if c not in mapping}
        )
    else:
        g = guess_mapping(grid, preset_data)
        if g is None and overrides:
            found = mp.find_header_by_names(grid.rows, list(overrides))
            if found is not None:
                g = mp.header_at(grid.rows, found)
        if header_row is not None and (g is None or header_row != g.row):
            g = mp.header_at(grid.rows, header_row)
        if g is None:
            raise DomainError(
                "header_not_found",
                f"Baris judul kolom tidak ditemukan di lembar '{name}': tidak ada baris yang memuat kolom NIK "
                'atau NAMA bersama kolom lain. Petakan kolomnya: di baris perintah --map "JUDUL=nik" '
                '(mis. --map "ID PENDUDUK=nik" --map "NAMA IBU=name"), di jendela impor pilih kolomnya.',
            )
        if overrides:
            g, unmatched = mp.apply_overrides(g, overrides)
        guess = g
    fields = set(guess.mapping.values())
    if "nik" not in fields or "name" not in fields:
        missing = [mp.FIELDS[f][0] for f in ("nik", "name") if f not in fields]
        seen = ", ".join(f"{col_letter(c)} ({h})" for c, h in sorted(guess.headers.items()) if h)
        raise DomainError(
            "mapping_incomplete",
            f"Kolom wajib belum dipetakan di lembar '{name}': {', '.join(missing)}. Judul kolom yang ada: "
            f'{seen or "(tidak ada)"}. Petakan dengan --map "JUDUL=nik" / --map "JUDUL=name".',
        )
    office = office_profile(session)
    rows = validate_sheet(
        session,
        grid,
        guess,
        region_scope=office.region_code,
        rules=import_rules(session),
        formula_cells=wb.formula_cells(name),
        progress=progress,
        is_cancelled=is_cancelled,
    )
    return ImportPreview(
        Path(path),
        wb.sha256,
        name,
        wb.sheet_names,
        guess.row,
        guess.mapping,
        guess.headers,
        rows,
        started,
        guess,
        _unmapped(grid, guess),
        choice.notes(),
        unmatched,
    )


@paused_gc()
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
    """Save a confirmed mapping as a preset: header text -> field ("" for a column left out), and the
    header row if fixed. The wizard and the command line save and read the same presets."""
    require(session, "import.run")
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("preset_name", "Nama preset wajib diisi.", field="name")
    if isinstance(preview_or_headers, ImportPreview):
        p = preview_or_headers
        if p.guess is not None:
            columns = mp.preset_columns(p.guess)
        else:
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


# --- the template ----------------------------------------------------------------------------------


def write_template(session: Session, target: Path | str) -> Path:
    """The import template for this office (`imports/template.py`), its drop-downs listing the office's
    sub-districts and villages ("Nama Desa (Kecamatan)" would not import; plain names do, the
    sub-district column settles a name two sub-districts share)."""
    require(session, "import.run")
    office = office_profile(session)
    scope = office.region_code or "64"
    rows = session.execute(
        select(Region.code, Region.name, Region.level).where(Region.level.in_((3, 4)))
    ).all()
    inside = [r for r in rows if r.code == scope or r.code.startswith(scope + ".")]
    districts = sorted({r.name for r in inside if r.level == 3})
    villages = sorted({r.name for r in inside if r.level == 4})
    return _write_template(target, districts, villages, office.agency_name)


# --- the problem report ----------------------------------------------------------------------------


def write_problem_report(preview: ImportPreview, target: Path | str) -> Path:
    """The workbook a clerk reads, prints and fixes the original with (`imports/report.py`)."""
    return _write_report(preview, target)
