"""Merging district (regency/city) BNBA exports into the province workbook. Nothing is silently
overwritten: every input is either accepted or refused with its reason (sheet "Sumber"), every row of an
accepted file is kept, and every NIK found twice is listed (sheet "Konflik").

Checks on each input, before anything is merged:
- it opens through the import guards (hostile files end in a message, never a crash) and, when it is a
  full export, decrypts with the password given;
- its hidden `_META` sheet has our schema version and kind "bnba";
- the checksum recomputed from the data rows equals the one written at export: a file changed after
  export (or damaged) is refused;
- its export sequence is newer than any sequence of the same office seen before: in this run (two files
  of one office: only the newest is taken, the other is refused as older) and, with a province database,
  in every earlier run (`SeenExport`), so a replayed or older file is refused;
- every accepted file uses the same `KUNCI NIK` key (metadata `nik_key_id`).

How duplicates are found without full NIKs: district exports are masked by default, so the province
matches women on `KUNCI NIK`, a keyed BLAKE2b MAC of the NIK under the province's exchange key (see
services/excel/exports.py). Same key in two offices: "NIK ganda antarkantor"; in two groups of one office:
"NIK di dua kelompok". The province recap is the sum of the districts' own (checksummed) recap sheets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desk.core.errors import DomainError
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.domain.nik import mask_kk, mask_nik
from kaltim_desk.exports import layouts
from kaltim_desk.exports.metadata import checksum_of, parse_meta
from kaltim_desk.exports.workbook import SheetData, TitleBlock, write_report
from kaltim_desk.imports.reader import ReadCancelled, open_workbook

ACCEPTED, REFUSED = "DITERIMA", "DITOLAK"


@dataclass
class DistrictFile:
    path: Path
    meta: dict[str, str]
    office: str
    sequence: int
    sheets: dict[str, list[list[Any]]]  # sheet name -> data rows (cells as read)
    headers: dict[str, list[str]]


@dataclass
class SourceResult:
    file: str
    office: str = ""
    sequence: int = 0
    exported_at: str = ""
    rows: int = 0
    status: str = REFUSED
    reason: str = ""


@dataclass
class ConsolidationResult:
    out: Path | None
    sources: list[SourceResult]
    rows: int
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> list[SourceResult]:
        return [s for s in self.sources if s.status == ACCEPTED]

    @property
    def refused(self) -> list[SourceResult]:
        return [s for s in self.sources if s.status == REFUSED]


def read_district(
    path: Path | str, password: str | None = None, is_cancelled: Callable[[], bool] | None = None
) -> DistrictFile:
    """Open one district export and check its metadata and checksum; raises DomainError with the reason."""
    path = Path(path)
    wb = open_workbook(path, password, is_cancelled=is_cancelled)
    if layouts.META_SHEET not in wb.sheet_names:
        raise DomainError("no_meta", "bukan ekspor Kaltim Desk (lembar metadata tidak ada)")
    meta = parse_meta(wb.sheet(layouts.META_SHEET, is_cancelled=is_cancelled).rows)
    if meta.get("schema_version") != layouts.SCHEMA_VERSION:
        raise DomainError("schema", f"versi format {meta.get('schema_version') or '?'} tidak dikenal")
    if meta.get("kind") != "bnba":
        raise DomainError("kind", f"berkas berisi laporan '{meta.get('kind')}', bukan BNBA")
    header_row = int(meta.get("header_row") or 6)
    sheets: dict[str, list[list[Any]]] = {}
    headers: dict[str, list[str]] = {}
    for key, value in meta.items():
        if not key.startswith("rows:"):
            continue
        name, n = key[5:], int(value or 0)
        if name not in wb.sheet_names:
            raise DomainError("sheet_missing", f"lembar '{name}' hilang dari berkas")
        grid = wb.sheet(name, is_cancelled=is_cancelled)
        headers[name] = [str(v) for v in (grid.rows[header_row - 1] if len(grid.rows) >= header_row else [])]
        data = grid.rows[header_row : header_row + n]
        if len(data) != n:
            raise DomainError("rows", f"lembar '{name}' berisi {len(data)} baris data, metadata menyebut {n}")
        sheets[name] = data
    if checksum_of(sheets.items()) != meta.get("checksum"):
        raise DomainError(
            "checksum", "checksum tidak cocok: isi berkas berubah setelah diekspor (atau berkas rusak)"
        )
    try:
        sequence = int(meta.get("sequence") or "")
    except ValueError as exc:
        raise DomainError("sequence", "nomor urut ekspor tidak terbaca") from exc
    return DistrictFile(path, meta, meta.get("office_code", ""), sequence, sheets, headers)


def _seen_max(session: Session | None, office: str) -> tuple[int, set[str]]:
    if session is None:
        return 0, set()
    from kaltim_desk.models.import_batch import SeenExport

    last = session.scalar(select(func.max(SeenExport.sequence)).where(SeenExport.office_code == office))
    sums = set(session.scalars(select(SeenExport.checksum).where(SeenExport.office_code == office)))
    return int(last or 0), sums


def consolidate(
    inputs: Sequence[Path | str],
    out: Path | str,
    *,
    session: Session | None = None,
    password: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ConsolidationResult:
    """Check, merge and write the province workbook; with `session` (the province database) the accepted
    sequences are remembered and the export is logged."""
    if session is not None:
        from kaltim_desk.core.permissions import require

        require(session, "consolidate.run")
    out = Path(out)
    sources: list[SourceResult] = []
    files: list[tuple[SourceResult, DistrictFile]] = []
    for i, p in enumerate(inputs):
        p = Path(p)
        src = SourceResult(p.name)
        sources.append(src)
        if progress:
            progress(i, len(inputs), p.name)
        try:
            df = read_district(p, password, is_cancelled)
        except ReadCancelled:
            raise  # the user stopped the whole run, not this file
        except DomainError as exc:
            src.reason = exc.message
            continue
        src.office, src.sequence = df.office, df.sequence
        src.exported_at = df.meta.get("exported_at", "")
        src.rows = len(df.sheets.get(layouts.BNBA.sheet_name, []))
        files.append((src, df))

    # sequences: the newest file of each office in this run, and newer than anything seen before
    newest: dict[str, int] = {}
    for _src, df in files:
        newest[df.office] = max(newest.get(df.office, 0), df.sequence)
    accepted: list[tuple[SourceResult, DistrictFile]] = []
    taken: set[tuple[str, int]] = set()
    key_id: str | None = None
    for src, df in files:
        seen, _sums = _seen_max(session, df.office)
        if session is not None and df.sequence <= seen:
            src.reason = (
                f"ekspor #{df.sequence} kantor {df.office} sudah pernah digabung (ulangan)"
                if df.sequence == seen
                else f"ekspor #{df.sequence} lebih lama dari ekspor #{seen} kantor {df.office} yang sudah digabung"
            )
            continue
        if df.sequence < newest[df.office]:
            src.reason = (
                f"lebih lama dari ekspor #{newest[df.office]} kantor {df.office} dalam penggabungan ini"
            )
            continue
        if (df.office, df.sequence) in taken:
            src.reason = f"ekspor #{df.sequence} kantor {df.office} diberikan dua kali"
            continue
        kid = df.meta.get("nik_key_id", "")
        if key_id is None:
            key_id = kid
        elif kid != key_id:
            src.reason = "kunci NIK berbeda dari berkas lain; NIK ganda tidak dapat diperiksa"
            continue
        taken.add((df.office, df.sequence))
        src.status, src.reason = ACCEPTED, ""
        accepted.append((src, df))

    bnba_rows, conflicts = _merge_bnba(accepted)
    recaps = {
        layouts.RECAP_REGENCY.sheet_name: _sum_recap(accepted, layouts.RECAP_REGENCY, 1),
        layouts.RECAP_DISTRICT.sheet_name: _sum_recap(accepted, layouts.RECAP_DISTRICT, 2),
        layouts.BUSINESS.sheet_name: _sum_recap(accepted, layouts.BUSINESS, 1),
    }
    if not accepted:
        return ConsolidationResult(None, sources, 0, conflicts)
    source_rows = [
        [i, s.file, s.office, s.sequence or None, s.exported_at, s.rows, s.status, s.reason]
        for i, s in enumerate(sources, start=1)
    ]
    office_code, office_name, sequence, actor = "64", "DINAS SOSIAL PROVINSI KALIMANTAN TIMUR", 0, "cli"
    if session is not None:
        from kaltim_desk.core.actor import current_actor
        from kaltim_desk.core.settings import office_profile
        from kaltim_desk.services.excel.exports import next_sequence

        prof = office_profile(session)
        office_code, sequence, actor = (
            prof.region_code,
            next_sequence(session, prof.region_code),
            current_actor(session).username,
        )
        office_name = prof.agency_name.upper()
    sheets = [
        SheetData(layouts.BNBA, bnba_rows, len(bnba_rows)),
        SheetData(layouts.RECAP_REGENCY, recaps[layouts.RECAP_REGENCY.sheet_name], 10),
        SheetData(layouts.RECAP_DISTRICT, recaps[layouts.RECAP_DISTRICT.sheet_name], 100),
        SheetData(layouts.BUSINESS, recaps[layouts.BUSINESS.sheet_name], 10),
        SheetData(
            layouts.CONFLICTS, [[i, *c.values()] for i, c in enumerate(conflicts, start=1)], len(conflicts)
        ),
        SheetData(layouts.SOURCES, source_rows, len(source_rows)),
    ]
    title = TitleBlock(office_name, "Gabungan kabupaten/kota", format_date_id(date.today()))
    from kaltim_desk.models.base import utcnow

    meta = {
        "office_code": office_code,
        "office_name": office_name,
        "region_code": office_code,
        "sequence": sequence,
        "kind": "consolidated",
        "mode": "masked",
        "exported_by": actor,
        "exported_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "nik_key_id": key_id or "",
    }
    written = write_report(out, sheets, title, meta, progress=progress, is_cancelled=is_cancelled)
    if session is not None:
        from kaltim_desk.core import audit
        from kaltim_desk.models.import_batch import ExportLog, SeenExport

        for src, df in accepted:
            session.add(
                SeenExport(
                    office_code=df.office,
                    sequence=df.sequence,
                    kind="bnba",
                    checksum=df.meta.get("checksum", ""),
                    file_name=src.file[:255],
                )
            )
        session.add(
            ExportLog(
                office_code=office_code,
                sequence=sequence,
                kind="consolidated",
                is_full=False,
                actor=actor,
                row_count=len(bnba_rows),
                checksum=written.checksum,
                file_name=out.name,
            )
        )
        session.flush()
        audit.record(
            session,
            "consolidate.run",
            "export",
            sequence,
            accepted=len(accepted),
            refused=len(sources) - len(accepted),
            conflicts=len(conflicts),
            file=out.name,
        )
    return ConsolidationResult(out, sources, len(bnba_rows), conflicts)


def _cell(row: list[Any], idx: dict[str, int], header: str) -> Any:
    i = idx.get(header)
    return row[i] if i is not None and i < len(row) else None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _merge_bnba(
    accepted: list[tuple[SourceResult, DistrictFile]],
) -> tuple[list[list[Any]], list[dict[str, Any]]]:
    cols = layouts.BNBA.visible_columns(False)
    kinds = [
        "no"
        if c.key == "no"
        else "nik"
        if c.key == "nik"
        else "kk"
        if c.key == "kk_number"
        else "num"
        if c.kind in ("money", "int")
        else "date"
        if c.kind == "date"
        else "text"
        for c in cols
    ]
    out: list[list[Any]] = []
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    n = 0
    for src, df in accepted:
        rows = df.sheets.get(layouts.BNBA.sheet_name, [])
        idx = {h: i for i, h in enumerate(df.headers.get(layouts.BNBA.sheet_name, []))}
        # where each output column comes from in this file (-1: the file has no such column)
        plan = [(idx.get(c.header, -1), kind) for c, kind in zip(cols, kinds, strict=True)]
        key_i, name_i, group_i = (idx.get(h, -1) for h in ("KUNCI NIK", "NAMA", "NAMA KUBE"))
        nik_pos = kinds.index("nik")
        first_row = int(df.meta.get("header_row") or 6) + 1
        for r_i, row in enumerate(rows):
            n += 1
            width = len(row)
            values: list[Any] = []
            for i, kind in plan:
                v = row[i] if 0 <= i < width else None
                if kind == "text":
                    v = v if type(v) is str else _text(v)
                elif kind == "no":
                    v = n
                elif kind == "nik":
                    v = mask_nik(_text(v)) if v else ""
                elif kind == "kk":
                    v = mask_kk(_text(v)) if v else ""
                elif kind == "num":
                    v = int(v) if isinstance(v, int | float) else (v or None)
                elif v == "":  # date
                    v = None
                values.append(v)
            out.append(values)
            key = _text(row[key_i]) if 0 <= key_i < width else ""
            if key:
                by_key[key].append(
                    {
                        "nik": values[nik_pos],
                        "nik_key": key,
                        "kind": "",
                        "name": _text(row[name_i]) if 0 <= name_i < width else "",
                        "office": df.office,
                        "group_name": _text(row[group_i]) if 0 <= group_i < width else "",
                        "file": src.file,
                        "row": first_row + r_i,
                    }
                )
    conflicts: list[dict[str, Any]] = []
    for _key, entries in by_key.items():
        if len(entries) < 2:
            continue
        offices = {e["office"] for e in entries}
        groups_ = {e["group_name"] for e in entries if e["group_name"]}
        kinds = []
        if len(offices) > 1:
            kinds.append("NIK GANDA ANTARKANTOR")
        if len(groups_) > 1:
            kinds.append("NIK DI DUA KELOMPOK")
        if not kinds:
            kinds.append("NIK GANDA")
        for e in entries:
            e["kind"] = " + ".join(kinds)
            conflicts.append(e)
    return out, conflicts


def _sum_recap(
    accepted: list[tuple[SourceResult, DistrictFile]], layout: layouts.SheetLayout, key_cols: int
) -> list[list[Any]]:
    """Sum the districts' own recap rows by their label columns (regency, sub-district, business type)."""
    totals: dict[tuple[str, ...], list[int]] = {}
    measures = [c for c in layout.columns if c.total]
    for _src, df in accepted:
        rows = df.sheets.get(layout.sheet_name, [])
        idx = {h: i for i, h in enumerate(df.headers.get(layout.sheet_name, []))}
        label_cols = layout.columns[1 : 1 + key_cols]
        for row in rows:
            key = tuple(_text(_cell(row, idx, c.header)) for c in label_cols)
            acc = totals.setdefault(key, [0] * len(measures))
            for j, c in enumerate(measures):
                v = _cell(row, idx, c.header)
                acc[j] += int(v) if isinstance(v, int | float) else 0
    return [[i, *key, *vals] for i, (key, vals) in enumerate(sorted(totals.items()), start=1)]
