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
- every accepted file uses the same `KUNCI NIK` key (metadata `nik_key_id`); a file made without the
  province key (or with the old public built-in key) is merged, but said to be left out of the duplicate
  search.

How duplicates are found without full NIKs: district exports are masked by default, so the province
matches women on `KUNCI NIK`, an HMAC-SHA256 fingerprint of the NIK under the province's key
(exports/masking.py). Same fingerprint in two offices: "NIK ganda antarkantor"; in two groups of one
office: "NIK di dua kelompok"; paid in the same budget year in two rows: "bantuan ganda". Each conflict
row shows the office's code and name, the aid and its year, so a woman paid twice is seen at once.
The province workbook is masked like a district's (region digits, birth year), whatever came in. The
province recap is the sum of the districts' own (checksummed) recap sheets; the source sheet totals only
the rows of accepted files. With a province database the consolidation is logged and audited before the
workbook is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desk import dialect
from kaltim_desk.core.errors import DomainError
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.exports import layouts, masking
from kaltim_desk.exports.metadata import checksum_of, parse_meta
from kaltim_desk.exports.workbook import SheetData, TitleBlock, write_report
from kaltim_desk.imports.reader import ReadCancelled, open_workbook
from kaltim_desk.services.excel.exports import READ_ONLY_MESSAGE, delete_on_rollback

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
    office_name: str = ""
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
        if dialect.is_read_only(session):
            raise DomainError("read_only", READ_ONLY_MESSAGE)
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
        src.office_name = df.meta.get("office_name", "")
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
        keyless = kid in ("", masking.LEGACY_PUBLIC_KEY_ID)
        if not keyless:
            if key_id is None:
                key_id = kid
            elif kid != key_id:
                src.reason = f"kunci NIK berbeda dari berkas lain ({kid}, bukan {key_id}); NIK ganda tidak dapat diperiksa"
                continue
        taken.add((df.office, df.sequence))
        src.status = ACCEPTED
        src.reason = (
            "tanpa kunci NIK provinsi: digabung, tetapi tidak ikut pemeriksaan NIK ganda" if keyless else ""
        )
        if keyless:
            df.meta["nik_key_id"] = ""
        accepted.append((src, df))
    for src in sources:
        if src.status != ACCEPTED and src.rows:
            src.reason += f" ({src.rows} baris tidak digabung)"

    bnba_rows, conflicts = _merge_bnba(accepted)
    recaps = {
        layouts.RECAP_REGENCY.sheet_name: _sum_recap(accepted, layouts.RECAP_REGENCY, 1),
        layouts.RECAP_DISTRICT.sheet_name: _sum_recap(accepted, layouts.RECAP_DISTRICT, 2),
        layouts.BUSINESS.sheet_name: _sum_recap(accepted, layouts.BUSINESS, 1),
    }
    if not accepted:
        return ConsolidationResult(None, sources, 0, conflicts)
    source_rows = [
        [
            i,
            s.file,
            s.office,
            s.office_name,
            s.sequence or None,
            s.exported_at,
            s.rows if s.status == ACCEPTED else None,
            s.status,
            s.reason,
        ]
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
            layouts.CONFLICTS,
            [[i, *(c[col.key] for col in layouts.CONFLICTS.columns[1:])] for i, c in enumerate(conflicts, 1)],
            len(conflicts),
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
    log = None
    if session is not None:  # audit first, then the file (the province workbook holds names)
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
        log = ExportLog(
            office_code=office_code,
            sequence=sequence,
            kind="consolidated",
            is_full=False,
            actor=actor,
            row_count=len(bnba_rows),
            checksum="",
            file_name=out.name[:255],
        )
        session.add(log)
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
        session.flush()
    written = write_report(out, sheets, title, meta, progress=progress, is_cancelled=is_cancelled)
    if session is not None and log is not None:
        delete_on_rollback(session, out)
        log.checksum = written.checksum
        session.flush()
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


def _year_of(v: Any) -> int | None:
    """The birth year from a masked file's TAHUN LAHIR or a full file's TANGGAL LAHIR cell."""
    if isinstance(v, datetime | date):
        return v.year
    if isinstance(v, int | float) and 1900 <= v <= 2100:
        return int(v)
    text = _text(v).strip()
    if len(text) >= 4 and text[:4].isdigit() and 1900 <= int(text[:4]) <= 2100:
        return int(text[:4])
    if len(text) >= 4 and text[-4:].isdigit() and 1900 <= int(text[-4:]) <= 2100:
        return int(text[-4:])
    return None


def _merge_bnba(
    accepted: list[tuple[SourceResult, DistrictFile]],
) -> tuple[list[list[Any]], list[dict[str, Any]]]:
    """The province BNBA (masked, whatever came in) and the conflict rows, found by fingerprint."""
    cols = layouts.BNBA.visible_columns(False)
    kinds = [
        "no"
        if c.key == "no"
        else "id"
        if c.key in ("nik", "kk_number")
        else "year"
        if c.key == "birth_year"
        else "num"
        if c.kind in ("money", "int")
        else "date"
        if c.kind == "date"
        else "text"
        for c in cols
    ]
    pos = {c.key: i for i, c in enumerate(cols)}
    out: list[list[Any]] = []
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    n = 0
    for src, df in accepted:
        rows = df.sheets.get(layouts.BNBA.sheet_name, [])
        idx = {h: i for i, h in enumerate(df.headers.get(layouts.BNBA.sheet_name, []))}
        # where each output column comes from in this file (-1: the file has no such column); a full
        # (or older) file's TANGGAL LAHIR gives the birth year
        plan = []
        for c, kind in zip(cols, kinds, strict=True):
            i = idx.get(c.header, -1)
            if kind == "year" and i < 0:
                i = idx.get("TANGGAL LAHIR", -1)
            plan.append((i, kind))
        key_i = idx.get("KUNCI NIK", -1) if df.meta.get("nik_key_id") else -1
        first_row = int(df.meta.get("header_row") or 6) + 1
        office_name = df.meta.get("office_name", "")
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
                elif kind == "id":
                    v = masking.mask_id(_text(v)) if v else ""
                elif kind == "year":
                    v = _year_of(v)
                elif kind == "num":
                    v = int(v) if isinstance(v, int | float) else (v or None)
                elif v == "":  # date
                    v = None
                values.append(v)
            if 0 <= pos["nik_key"] < len(values) and key_i < 0:
                values[pos["nik_key"]] = ""
            out.append(values)
            key = _text(row[key_i]) if 0 <= key_i < width else ""
            if key:
                by_key[key].append(
                    {
                        "nik": values[pos["nik"]],
                        "kind": "",
                        "name": values[pos["name"]],
                        "office": df.office,
                        "office_name": office_name,
                        "group_name": values[pos["group_name"]],
                        "aid_value": values[pos["aid_value"]],
                        "budget_year": values[pos["budget_year"]],
                        "file": src.file,
                        "row": first_row + r_i,
                        "nik_key": key,
                    }
                )
    conflicts: list[dict[str, Any]] = []
    for _key, entries in by_key.items():
        if len(entries) < 2:
            continue
        offices = {e["office"] for e in entries}
        groups_ = {e["group_name"] for e in entries if e["group_name"]}
        labels = []
        if len(offices) > 1:
            labels.append("NIK GANDA ANTARKANTOR")
        if len(groups_) > 1:
            labels.append("NIK DI DUA KELOMPOK")
        if not labels:
            labels.append("NIK GANDA")
        paid_years: dict[str, int] = defaultdict(int)
        for e in entries:
            if isinstance(e["aid_value"], int) and e["aid_value"] > 0:
                for y in {y.strip() for y in str(e["budget_year"] or "").split(",") if y.strip()}:
                    paid_years[y] += 1
        twice = sorted(y for y, k in paid_years.items() if k > 1)
        if twice:
            labels.append("BANTUAN GANDA " + ", ".join(twice))
        for e in entries:
            e["kind"] = " + ".join(labels)
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
