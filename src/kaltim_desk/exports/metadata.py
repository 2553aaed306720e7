"""The hidden metadata sheet of an exported workbook and the checksum over its data rows.

The `_META` sheet (hidden) holds key/value rows: schema version, office and region code, export
sequence number, report kind, masked or full, exported by, time, row counts per sheet, the header row,
the id of the key used for the `KUNCI NIK` column, and a SHA-256 checksum over every data row of every
data sheet. The consolidating office recomputes the checksum from the cells it reads: a changed, added or
removed data row makes it differ (a tampered or damaged file is refused). The checksum is not a
signature: someone who edits the data *and* recomputes it is not stopped by it; the export sequence and
the seen-export record stop replays, and the sender's e-mail is the remaining trust anchor.

Values are canonicalised the same way on writing and on reading (a number cell read back as 5000000.0
is "5000000", a date cell read back as a datetime at midnight is "2024-08-17"), so any reader that
returns the cached cell values agrees with the writer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from kaltim_desk.exports.layouts import SCHEMA_VERSION

META_KEYS = (
    "schema_version",
    "office_code",
    "office_name",
    "region_code",
    "sequence",
    "kind",
    "mode",
    "year",
    "exported_by",
    "exported_at",
    "row_count",
    "header_row",
    "nik_key_id",
    "app_version",
    "audit_head",  # the office's audit chain head at export time ("<row id>:<MAC>"): `check --anchor`
    "checksum",
)


def canon(value: Any) -> str:
    """One cell value as the checksum sees it, whatever reader produced it."""
    t = type(value)
    if t is str:  # the common case first: this runs for every cell of a 100,000-row export
        return value  # type: ignore[no-any-return]
    if t is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def canon_row(values: Sequence[Any]) -> str:
    """A row as the checksum sees it; trailing empty cells do not count (readers pad rows differently)."""
    return "\x1f".join([v if type(v) is str else canon(v) for v in values]).rstrip("\x1f")


class RowHasher:
    """SHA-256 over the data rows of the data sheets, in order; sheet names are part of it."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def sheet(self, name: str) -> None:
        self._h.update(b"\x1d" + name.encode("utf-8") + b"\x1e")

    def row(self, values: Sequence[Any]) -> None:
        self._h.update(canon_row(values).encode("utf-8") + b"\x1e")

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def checksum_of(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> str:
    hasher = RowHasher()
    for name, rows in sheets:
        hasher.sheet(name)
        for row in rows:
            hasher.row(row)
    return hasher.hexdigest()


def meta_rows(values: dict[str, Any], sheet_rows: dict[str, int]) -> list[tuple[str, str]]:
    """Key/value rows for the hidden sheet, in a stable order; every value written as text."""
    out = [("schema_version", SCHEMA_VERSION)]
    for key in META_KEYS[1:]:
        if key in values:
            out.append((key, canon(values[key])))
    for name, n in sheet_rows.items():
        out.append((f"rows:{name}", str(n)))
    return out


def parse_meta(rows: Iterable[Sequence[Any]]) -> dict[str, str]:
    """The metadata sheet's rows (as any reader gives them) back into a dict of text values."""
    out: dict[str, str] = {}
    for row in rows:
        if len(row) >= 2 and row[0] not in (None, ""):
            out[str(row[0])] = canon(row[1])
    return out
