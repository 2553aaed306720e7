"""Moving an office's SQLite database onto the shared server (`kaltim-desk migrate-to URL --db PATH`).

What: every table of the data model is copied from the office's file into the target database (normally
PostgreSQL), in foreign-key order (`Base.metadata.sorted_tables`; rows of a table that points at itself,
like regions, parents first), with Core bulk inserts in chunks, keeping every id so that references, the
audit hash chain and issued numbers stay exactly as they were. The target's id sequences are then moved
past the copied ids. The whole copy is one transaction on the target: it lands completely or not at all.

Idempotent: rows are matched by primary key. A row the target already has with the same content is
skipped, so running the command again adds nothing (and after the office went on working in its file,
only the new rows are added). A row the target has under the same key with different content, or a row
that would take a natural key (a NIK, a user name, a letter number...) already held by another row, is a
conflict: nothing is copied and the message names the rows, because merging two versions of a person is
a person's decision, not a program's.

Checked: at the end each table's rows are read back from the target and compared with the source by row
count and by a checksum (SHA-256 over the sorted digests of the rows, so it does not depend on either
database's collation or row order). Any difference rolls the copy back.

Why not a dump/restore: the two databases speak different SQL (types, triggers, FTS5 vs pg_trgm); the
data model in `models/` is what both share, so the copy goes through it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, String, Table, UniqueConstraint, inspect, select
from sqlalchemy.exc import DBAPIError

import kaltim_desk.models  # noqa: F401  registers every table
from kaltim_desk import dialect
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.progress import Progress
from kaltim_desk.db import Database, head_revision, migrate
from kaltim_desk.domain.nik import mask_kk, mask_nik
from kaltim_desk.models.base import Base
from kaltim_desk.services.office.backup import before_migration

log = logging.getLogger(__name__)


CHUNK_SIZE = 1000
MAX_CONFLICTS_SHOWN = 5

# Columns whose values are personal IDs: masked in every message (DEVELOPING.md, Audit).
_MASK = {"nik": mask_nik, "kk_number": mask_kk}


@dataclass(frozen=True)
class TableCopy:
    """One table's result: rows in the source, in the target before and after, rows inserted now,
    and the two checksums (over the source's rows, and over the same keys read back from the target)."""

    table: str
    source_rows: int
    target_before: int
    inserted: int
    target_after: int
    source_checksum: str
    target_checksum: str

    @property
    def ok(self) -> bool:
        return self.source_checksum == self.target_checksum


@dataclass(frozen=True)
class MigrationReport:
    source: str
    target: str
    tables: tuple[TableCopy, ...]
    sequences: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    @property
    def inserted(self) -> int:
        return sum(t.inserted for t in self.tables)

    @property
    def source_rows(self) -> int:
        return sum(t.source_rows for t in self.tables)


class MigrationConflict(DomainError):
    """The target already holds different data under the same keys; nothing was copied."""

    def __init__(self, conflicts: list[str], total: int) -> None:
        more = f" (dan {total - len(conflicts)} lainnya)" if total > len(conflicts) else ""
        super().__init__(
            "migrate_conflict",
            "Basis data tujuan sudah berisi data lain dengan kunci yang sama, jadi tidak ada yang disalin: "
            + "; ".join(conflicts)
            + more
            + ". migrate-to hanya menyalin ke basis data kosong atau yang dulu diisi dari berkas yang sama; "
            "periksa dan satukan data tersebut dulu.",
        )
        self.conflicts = conflicts
        self.total = total


# --- canonical rows -------------------------------------------------------------------------------


def canonical(value: Any) -> Any:
    """A value as both databases give it back: dates and times as ISO text (aware ones in UTC),
    decimals without trailing zeros, bytes as hex; JSON-serialisable."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return str(value)


def row_digest(values: Sequence[Any]) -> bytes:
    payload = json.dumps([canonical(v) for v in values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).digest()


def table_checksum(digests: Iterable[bytes]) -> str:
    """Order-free checksum of a table: SHA-256 over its rows' digests, sorted."""
    h = hashlib.sha256()
    for d in sorted(digests):
        h.update(d)
    return h.hexdigest()


# --- the copy -------------------------------------------------------------------------------------


def copied_tables() -> list[Table]:
    """Every table of the data model, parents before children."""
    return list(Base.metadata.sorted_tables)


def _pk(table: Table, row: Any) -> tuple[Any, ...]:
    return tuple(canonical(row._mapping[c]) for c in table.primary_key.columns)


def _describe_key(table: Table, key: tuple[Any, ...]) -> str:
    cols = [c.name for c in table.primary_key.columns]
    return ", ".join(f"{c}={v}" for c, v in zip(cols, key, strict=False))


def _show(column: str, value: Any) -> str:
    if isinstance(value, str) and column in _MASK and value:
        return _MASK[column](value)
    return str(value)


def _unique_keys(table: Table) -> list[tuple[str, ...]]:
    """Natural keys: the table's unique constraints and unique indexes other than the primary key."""
    keys: list[tuple[str, ...]] = []
    for cons in table.constraints:
        if isinstance(cons, UniqueConstraint):
            keys.append(tuple(c.name for c in cons.columns))
    for col in table.columns:
        if col.unique and (col.name,) not in keys:
            keys.append((col.name,))
    for index in table.indexes:
        if index.unique:
            cols = tuple(c.name for c in index.columns)
            if cols and cols not in keys:
                keys.append(cols)
    pk = tuple(c.name for c in table.primary_key.columns)
    return [k for k in keys if k != pk]


def _self_parents(table: Table) -> list[tuple[str, str]]:
    """(child column, parent column) of foreign keys from `table` to itself."""
    return [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a self-referencing table ordered so that each row's parent comes before it."""
    links = _self_parents(table)
    if not links:
        return rows
    placed: set[tuple[str, Any]] = set()
    ordered: list[dict[str, Any]] = []
    pending = rows
    while pending:
        rest: list[dict[str, Any]] = []
        for row in pending:
            ready = all(row[child] is None or (parent, row[child]) in placed for child, parent in links)
            (ordered if ready else rest).append(row)
            if ready:
                placed.update((parent, row[parent]) for _child, parent in links)
        if len(rest) == len(pending):  # a parent that is not in this table's rows: let the database say
            ordered.extend(rest)
            break
        pending = rest
    return ordered


def _check_lengths(table: Table, row: dict[str, Any], problems: list[str]) -> None:
    """SQLite keeps text longer than a column's declared length; PostgreSQL refuses it."""
    for col in table.columns:
        length = getattr(col.type, "length", None)
        value = row.get(col.name)
        if isinstance(col.type, String) and length and isinstance(value, str) and len(value) > length:
            key = ", ".join(f"{c.name}={row[c.name]}" for c in table.primary_key.columns)
            problems.append(
                f"tabel {table.name} ({key}): kolom {col.name} berisi {len(value)} karakter, "
                f"paling banyak {length}"
            )


def _scan_target(conn: Connection, table: Table) -> tuple[dict[tuple[Any, ...], bytes], dict[Any, Any]]:
    """The target's rows as key -> digest, and each natural key -> (primary key, row) of the holder."""
    by_pk: dict[tuple[Any, ...], bytes] = {}
    natural: dict[Any, Any] = {}
    ukeys = _unique_keys(table)
    cols = list(table.columns)
    for row in conn.execute(select(table)):
        key = _pk(table, row)
        by_pk[key] = row_digest([row._mapping[c] for c in cols])
        for uk in ukeys:
            val = tuple(canonical(row._mapping[c]) for c in uk)
            if None not in val:
                natural[(uk, val)] = (key, {c: row._mapping[c] for c in ("id", "name") if c in row._mapping})
    return by_pk, natural


def _conflict_text(table: Table, uk: tuple[str, ...], source: dict[str, Any], holder: dict[str, Any]) -> str:
    shown = ", ".join(f"{c} {_show(c, source[c])}" for c in uk)
    if table.name == "person":
        return (
            f"NIK {_show('nik', source['nik'])} di server milik {holder.get('name')} (penerima #{holder.get('id')}), "
            f"di berkas kantor milik {source.get('name')} (penerima #{source.get('id')})"
        )
    return f"tabel {table.name}: {shown} di server sudah dipakai baris lain"


def _differs_text(dst: Connection, table: Table, key: tuple[Any, ...], source: dict[str, Any]) -> str:
    target_row = dst.execute(
        select(table).where(*(c == source[c.name] for c in table.primary_key.columns))
    ).one()
    changed = [
        c.name for c in table.columns if canonical(source[c.name]) != canonical(target_row._mapping[c])
    ]
    if table.name == "person":
        return (
            f"penerima #{source.get('id')} di server {target_row._mapping['name']}, di berkas kantor "
            f"{source.get('name')} (kolom berbeda: {', '.join(changed[:4])})"
        )
    who = f" ({source.get('name')})" if source.get("name") else ""
    return (
        f"tabel {table.name}, {_describe_key(table, key)}{who}: isinya berbeda "
        f"(kolom {', '.join(changed[:4])})"
    )


def migrate_database(
    source: Database,
    target: Database,
    *,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> MigrationReport:
    """Copy `source` (an office's SQLite database) into `target` (normally PostgreSQL); see the module doc.

    Both are brought to the newest schema first (the source's own migration is preceded by its backup,
    as always). Raises MigrationConflict (nothing copied) when the target holds other data under the
    same keys, DomainError for anything else the target refuses; returns the per-table report.
    """
    if source.url == target.url:
        raise DomainError("migrate_same", "Basis data sumber dan tujuan sama.")
    migrate(source.engine, before_change=before_migration)
    migrate(target.engine, before_change=before_migration)
    if head_revision(target.engine) != head_revision(source.engine):  # pragma: no cover - same code
        raise DomainError("migrate_schema", "Struktur basis data sumber dan tujuan berbeda.")

    tables = copied_tables()
    source_tables = set(inspect(source.engine).get_table_names())
    missing = [t.name for t in tables if t.name not in source_tables]
    if missing:
        raise DomainError(
            "migrate_source",
            f"Berkas sumber bukan basis data Kaltim Desk yang lengkap (tak ada tabel {missing[0]}).",
        )
    total = len(tables) * 2
    step = 0

    def tick(label: str) -> None:
        nonlocal step
        step += 1
        if progress is not None:
            progress(step, total, label)

    results: list[TableCopy] = []
    # One read transaction on the source (a consistent snapshot of the file), one write transaction on
    # the target (all or nothing).
    with source.engine.connect() as src, target.engine.begin() as dst:
        conflicts: list[tuple[int, str]] = []  # (0 for people, who are shown first; text)
        n_conflicts = 0

        def conflict(table: Table, describe: Callable[[], str]) -> None:
            nonlocal n_conflicts
            n_conflicts += 1
            if len(conflicts) < 50:
                conflicts.append((0 if table.name == "person" else 1, describe()))

        plans: list[tuple[Table, list[dict[str, Any]], list[bytes], int, set[tuple[Any, ...]]]] = []
        for table in tables:
            tick(f"memeriksa {table.name}")
            cols = list(table.columns)
            target_rows, natural = _scan_target(dst, table)
            ukeys = _unique_keys(table)
            to_insert: list[dict[str, Any]] = []
            digests: list[bytes] = []
            keys: set[tuple[Any, ...]] = set()
            for row in src.execute(select(table)):
                values = dict(row._mapping)
                key = _pk(table, row)
                digest = row_digest([row._mapping[c] for c in cols])
                digests.append(digest)
                keys.add(key)
                have = target_rows.get(key)
                if have == digest:
                    continue  # already copied
                clash = None
                for uk in ukeys:
                    val = tuple(canonical(values[c]) for c in uk)
                    held = natural.get((uk, val)) if None not in val else None
                    if held is not None and held[0] != key:
                        clash = _conflict_text(table, uk, values, held[1])
                        break
                if clash is not None:
                    conflict(table, functools.partial(str, clash))
                    continue
                if have is not None:
                    conflict(table, functools.partial(_differs_text, dst, table, key, values))
                    continue
                if dialect.is_postgresql(dst):
                    problems: list[str] = []
                    _check_lengths(table, values, problems)
                    if problems:
                        raise DomainError(
                            "migrate_value",
                            "Data di berkas tidak muat di server, jadi tidak ada yang disalin: "
                            + problems[0]
                            + ". Perbaiki data itu di aplikasi (di berkas kantor), lalu ulangi.",
                        )
                to_insert.append(values)
            plans.append((table, to_insert, digests, len(target_rows), keys))
        if conflicts:
            shown = [text for _prio, text in sorted(conflicts, key=lambda c: c[0])][:MAX_CONFLICTS_SHOWN]
            raise MigrationConflict(shown, n_conflicts)

        for table, to_insert, digests, before, _keys in plans:
            tick(f"menyalin {table.name}")
            rows = _parents_first(table, to_insert)
            for start in range(0, len(rows), chunk_size):
                chunk = rows[start : start + chunk_size]
                try:
                    dst.execute(table.insert(), chunk)
                except DBAPIError as exc:
                    raise DomainError(
                        "migrate_insert",
                        f"Server menolak baris tabel {table.name}, jadi tidak ada yang disalin: "
                        f"{str(exc.orig).splitlines()[0] if exc.orig else exc}",
                    ) from exc
            results.append(
                TableCopy(
                    table=table.name,
                    source_rows=len(digests),
                    target_before=before,
                    inserted=len(rows),
                    target_after=0,
                    source_checksum=table_checksum(digests),
                    target_checksum="",
                )
            )
        sequences = dialect.reset_sequences(dst, tables)

        # Read everything back from the target and compare.
        verified: list[TableCopy] = []
        for (table, _ins, _dig, _before, keys), res in zip(plans, results, strict=True):
            cols = list(table.columns)
            count = 0
            back: list[bytes] = []
            for row in dst.execute(select(table)):
                count += 1
                if _pk(table, row) in keys:
                    back.append(row_digest([row._mapping[c] for c in cols]))
            verified.append(
                TableCopy(
                    table=res.table,
                    source_rows=res.source_rows,
                    target_before=res.target_before,
                    inserted=res.inserted,
                    target_after=count,
                    source_checksum=res.source_checksum,
                    target_checksum=table_checksum(back),
                )
            )
        bad = [t for t in verified if not t.ok]
        if bad:
            raise DomainError(
                "migrate_verify",
                f"Pemeriksaan setelah menyalin gagal untuk tabel {', '.join(t.table for t in bad[:5])}: "
                "checksum berbeda. Penyalinan dibatalkan; tidak ada yang berubah di server.",
            )
    report = MigrationReport(
        source=_safe_url(source.url),
        target=_safe_url(target.url),
        tables=tuple(verified),
        sequences=tuple(sequences),
    )
    log.info(
        "migrate-to %s -> %s: %d rows in source, %d inserted",
        report.source,
        report.target,
        report.source_rows,
        report.inserted,
    )
    return report


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def format_report(report: MigrationReport) -> Iterator[str]:
    """The report as text lines (the command prints them)."""
    width = max([len(t.table) for t in report.tables] + [5])
    yield f"{'tabel'.ljust(width)}  {'sumber':>8}  {'tujuan':>8}  {'disalin':>8}  checksum"
    for t in report.tables:
        mark = "OK" if t.ok else "BEDA"
        yield (
            f"{t.table.ljust(width)}  {t.source_rows:>8}  {t.target_after:>8}  {t.inserted:>8}  "
            f"{t.source_checksum[:16]} {mark}"
        )
    yield (
        f"{len(report.tables)} tabel, {report.source_rows} baris di sumber, {report.inserted} baris baru "
        f"disalin ke {report.target}; jumlah baris dan checksum "
        + ("cocok." if report.ok else "TIDAK cocok.")
    )
