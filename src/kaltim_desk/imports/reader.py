"""Reading a workbook someone sent us, without trusting it (RELIABILITY R11).

Guards, in order, each ending in a clear Indonesian message (`ReadError`), never a crash or a hang:
1. the file exists and is not larger than `MAX_FILE_BYTES`;
2. its first bytes say what it is: an OLE2 container is either an encrypted .xlsx (msoffcrypto-tool
   decrypts it with the password, or we ask for one) or an old .xls (refused: "save it as .xlsx");
   anything that is not a zip is "not an Excel workbook" (random bytes, a CSV or HTML renamed);
3. the zip directory is checked *before* anything is decompressed: number of entries, declared
   uncompressed sizes (in total and each), compression ratio; a truncated zip is reported as damaged;
4. every XML part is then decompressed in a bounded stream (a part that inflates past its declared size,
   i.e. a lying zip bomb, is stopped); a DOCTYPE or ENTITY declaration anywhere is refused (entity
   expansion tricks); the workbook's own small XML parts are parsed with defusedxml;
5. in the same pass, sheet XML that contains formulas is scanned for formula cells without a cached
   value (python-calamine returns cached values only, so such a cell would look empty: it is reported
   instead, R11) and for merged ranges;
6. values are read with python-calamine (fast, values only), with a cap on rows and columns.

Measured on this kind of machine (bench/bench_excel.py, a 10,000-row clerk sheet, CPU seconds): guarded
open + read 0.34 s against calamine alone 0.23 s. The guards inflate every XML part once more (bounded),
scanning it with bytes searches; only parts that contain formulas get a regex pass. Validation, not
reading, is where an import spends its time (9.6 s for the same sheet). (openpyxl's
read-only mode was not used: calamine gives cached formula values itself and reads ~10x faster.)
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kaltim_desk.core.errors import DomainError

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 5_000
MAX_TOTAL_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_ENTRY_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200  # declared uncompressed / compressed, for entries above 1 MiB
MAX_ROWS = 200_000
MAX_COLS = 300

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024
_CELL_RE = re.compile(rb"<c\s[^>]*?r=\"([A-Z]+)(\d+)\"[^>]*?(?:/>|>(.*?)</c>)", re.DOTALL)
_V_RE = re.compile(rb"<v>([^<]*)</v>")
_MERGE_RE = re.compile(rb"<mergeCell\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


class ReadError(DomainError):
    """The file can not be read as a workbook; nothing was imported."""


def col_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def col_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class SheetGrid:
    name: str
    rows: list[list[Any]]  # 0-based [row][col]; merged ranges filled with their top-left value
    formula_no_value: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 (inclusive)

    def value(self, r: int, c: int) -> Any:
        row = self.rows[r] if r < len(self.rows) else []
        return row[c] if c < len(row) else None


@dataclass
class OpenedWorkbook:
    path: Path
    sha256: str
    sheet_names: list[str]
    data: bytes = field(repr=False)
    _formulas: dict[str, set[tuple[int, int]]] = field(default_factory=dict, repr=False)
    _merges: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict, repr=False)
    encrypted: bool = False

    def sheet(self, name: str, *, max_rows: int = MAX_ROWS) -> SheetGrid:
        from python_calamine import CalamineWorkbook

        if name not in self.sheet_names:
            raise ReadError("sheet_missing", f"Lembar '{name}' tidak ada di berkas {self.path.name}.")
        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(self.data))
            sh = wb.get_sheet_by_name(name)
            if sh.height > max_rows:
                raise ReadError(
                    "too_many_rows",
                    f"Lembar '{name}' berisi {sh.height:,} baris; paling banyak {max_rows:,} baris sekali impor. "
                    "Bagi berkasnya menjadi beberapa bagian.".replace(",", "."),
                )
            if sh.width > MAX_COLS:
                raise ReadError(
                    "too_many_cols", f"Lembar '{name}' berisi {sh.width} kolom; paling banyak {MAX_COLS}."
                )
            rows = sh.to_python(skip_empty_area=False)
        except ReadError:
            raise
        except Exception as exc:  # calamine's own errors: damaged XML, unsupported content
            raise ReadError(
                "corrupt", f"Lembar '{name}' rusak dan tidak dapat dibaca ({type(exc).__name__})."
            ) from exc
        merged = self._merges.get(name, [])
        for r0, c0, r1, c1 in merged:
            if r0 >= len(rows) or r1 - r0 > 1000:
                continue
            top = rows[r0][c0] if c0 < len(rows[r0]) else ""
            for r in range(r0, min(r1, len(rows) - 1) + 1):
                row = rows[r]
                for c in range(c0, c1 + 1):
                    if c < len(row) and (r, c) != (r0, c0) and row[c] in ("", None):
                        row[c] = top
        return SheetGrid(name, rows, set(self._formulas.get(name, set())), list(merged))


def _refuse(code: str, message: str) -> ReadError:
    return ReadError(code, message)


def _decrypt(data: bytes, name: str, password: str | None) -> bytes:
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
    except (FileFormatError, Exception) as exc:
        raise _refuse(
            "legacy_xls",
            f"{name} adalah berkas Excel lama (.xls) atau dokumen Office lain, bukan .xlsx. "
            "Buka di Excel lalu Simpan Sebagai 'Buku Kerja Excel (.xlsx)'.",
        ) from exc
    fmt = getattr(office, "format", "")
    if fmt != "ooxml":
        raise _refuse(
            "legacy_xls",
            f"{name} adalah berkas Excel lama (.xls), bukan .xlsx. Buka di Excel lalu Simpan Sebagai "
            "'Buku Kerja Excel (.xlsx)'.",
        )
    if not password:
        raise _refuse(
            "encrypted",
            f"{name} dilindungi kata sandi. Masukkan kata sandinya (ekspor lengkap selalu terenkripsi).",
        )
    out = io.BytesIO()
    try:
        office.load_key(password=password)
        office.decrypt(out)
    except (InvalidKeyError, DecryptionError) as exc:
        raise _refuse("wrong_password", f"Kata sandi untuk {name} salah.") from exc
    except Exception as exc:
        raise _refuse("corrupt", f"{name} terenkripsi tetapi rusak ({type(exc).__name__}).") from exc
    return out.getvalue()


def _check_zip(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise _refuse(
            "corrupt",
            f"{name} rusak atau terpotong (mungkin unduhan/salinan belum selesai). Minta kirim ulang berkasnya.",
        ) from exc
    if len(infos) > MAX_ENTRIES:
        raise _refuse(
            "zip_bomb", f"{name} berisi {len(infos)} bagian; berkas Excel wajar jauh lebih sedikit."
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_ENTRY_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED:
            raise _refuse(
                "zip_bomb", f"{name} mengembang terlalu besar bila dibuka; berkas ditolak demi keamanan."
            )
        if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(
                "zip_bomb", f"{name} memiliki rasio kompresi mencurigakan (bom zip); berkas ditolak."
            )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(
            "not_xlsx",
            f"{name} bukan buku kerja Excel .xlsx (mungkin dokumen Word/ODS atau arsip zip lain yang diganti namanya).",
        )
    return zf


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, keep: bool) -> tuple[bytes, bool]:
    """Decompress one part in a bounded stream; refuse DTDs. Returns (data if kept or small, has_formula)."""
    limit = info.file_size
    got = 0
    chunks: list[bytes] = []
    has_formula = False
    head = True
    tail = b""
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                got += len(chunk)
                if got > limit + 1024:
                    raise _refuse(
                        "zip_bomb",
                        f"{name}: bagian {info.filename} lebih besar dari yang dinyatakan (bom zip).",
                    )
                window = tail + chunk
                if head and (b"<!DOCTYPE" in window[:4096] or b"<!ENTITY" in window[:4096]):
                    raise _refuse(
                        "xml_entity",
                        f"{name} memuat deklarasi DOCTYPE/ENTITY di {info.filename}; berkas Excel asli tidak "
                        "memakainya. Berkas ditolak demi keamanan.",
                    )
                if b"<!ENTITY" in window:
                    raise _refuse(
                        "xml_entity", f"{name} memuat deklarasi ENTITY; berkas ditolak demi keamanan."
                    )
                head = False
                if b"<f" in window:
                    has_formula = True
                if keep or has_formula:
                    chunks.append(chunk)
                tail = chunk[-16:]
    except ReadError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise _refuse("corrupt", f"{name} rusak atau terpotong ({info.filename}).") from exc
    except Exception as exc:  # zlib.error and friends
        raise _refuse("corrupt", f"{name} rusak: bagian {info.filename} tidak dapat dibuka.") from exc
    return b"".join(chunks), has_formula


def _sheet_parts(zf: zipfile.ZipFile, name: str) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order, parsed with defusedxml."""
    from defusedxml import ElementTree as DET
    from defusedxml.common import DefusedXmlException

    try:
        wb_xml = DET.fromstring(zf.read("xl/workbook.xml"))
        rels_xml = DET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except DefusedXmlException as exc:
        raise _refuse("xml_entity", f"{name} memuat trik entitas XML; berkas ditolak demi keamanan.") from exc
    except KeyError as exc:
        raise _refuse("not_xlsx", f"{name} tidak lengkap: daftar lembarnya hilang.") from exc
    except Exception as exc:
        raise _refuse("corrupt", f"{name} rusak: daftar lembarnya tidak dapat dibaca.") from exc
    rels = {}
    for rel in rels_xml:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        rels[rel.get("Id")] = path
    out = []
    for el in wb_xml.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            out.append((el.get("name", ""), rels.get(rid, "")))
    return out


def _formula_cells(xml: bytes) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for m in _CELL_RE.finditer(xml):
        body = m.group(3) or b""
        if b"<f" not in body:
            continue
        v = _V_RE.search(body)
        if v is None or not v.group(1).strip():
            out.add((int(m.group(2)) - 1, col_index(m.group(1))))
    return out


def _merges(xml: bytes) -> list[tuple[int, int, int, int]]:
    idx = xml.rfind(b"<mergeCells")
    if idx < 0:
        return []
    out = []
    for m in _MERGE_RE.finditer(xml, idx):
        c0, r0 = col_index(m.group(1)), int(m.group(2)) - 1
        c1 = col_index(m.group(3)) if m.group(3) else c0
        r1 = int(m.group(4)) - 1 if m.group(4) else r0
        out.append((r0, c0, r1, c1))
    return out


def open_workbook(path: Path | str, password: str | None = None) -> OpenedWorkbook:
    """Open `path` through every guard above; the sheets are read on demand with `.sheet(name)`."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _refuse("file_missing", f"Berkas {path} tidak ditemukan atau tidak dapat dibaca.") from exc
    if path.is_dir():
        raise _refuse("file_missing", f"{path} adalah folder, bukan berkas.")
    if size == 0:
        raise _refuse("empty", f"{name} kosong (0 byte).")
    if size > MAX_FILE_BYTES:
        raise _refuse(
            "too_big",
            f"{name} berukuran {size // (1024 * 1024)} MB; paling besar {MAX_FILE_BYTES // (1024 * 1024)} MB.",
        )
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    encrypted = False
    if data.startswith(OLE_MAGIC):
        data = _decrypt(data, name, password)
        encrypted = True
    if not data.startswith(ZIP_MAGIC):
        raise _refuse(
            "not_xlsx",
            f"{name} bukan buku kerja Excel .xlsx (isi berkas tidak dikenali; mungkin CSV, HTML atau berkas lain "
            "yang diganti namanya).",
        )
    zf = _check_zip(data, name)
    parts = _sheet_parts(zf, name)
    part_of = {p: s for s, p in parts}
    formulas: dict[str, set[tuple[int, int]]] = {}
    merges: dict[str, list[tuple[int, int, int, int]]] = {}
    for info in zf.infolist():
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        sheet = part_of.get(info.filename)
        xml, has_formula = _read_part(zf, info, name, keep=sheet is not None)
        if sheet is not None:
            if has_formula:
                formulas[sheet] = _formula_cells(xml)
            merges[sheet] = _merges(xml)
    names = [s for s, _p in parts]
    if not names:
        raise _refuse("no_sheets", f"{name} tidak berisi lembar kerja.")
    return OpenedWorkbook(path, sha, names, data, formulas, merges, encrypted)
