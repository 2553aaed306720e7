"""Finding a person by name or NIK fast enough to search as the clerk types, at province scale.

What: `person_text_condition(dialect, text)` turns what was typed into a SQL condition on `person`:
- digits (a NIK or its start, spaces and dots allowed): a range on the unique NIK index
  (`nik >= '6472' AND nik < '6472\\uffff'`), which SQLite and PostgreSQL both answer from the index;
- anything else: every typed word must start a word of the name ("sit ami" finds SITI AMINAH and
  AMINAH SITI, in any order), answered by a full-text index.

Why: a `LIKE '%siti%'` reads all 1,000,000 names on every keystroke (~0.3 s on the office PCs);
an index answers in milliseconds. Word starts are what clerks type (first name, family name), and
the same rule holds on both backends.

The index per backend; the dialect is chosen here and only here (`backend(dialect_name)`):
- SQLite: an FTS5 table `person_fts` over `person.name` (external content: it stores only the index,
  not a second copy of the names), kept in sync by three triggers on `person` (insert, delete, update
  of name); migration 0007 creates them and fills the index. FTS5's prefix indexes (`prefix='1 2 3'`)
  make the first letters cheap.
- PostgreSQL: a pg_trgm GIN index on `person.name`; each typed word becomes `name ~* '\\mword'`
  (a regular expression anchored at a word start), which pg_trgm's GIN index accelerates. If the
  pg_trgm extension can not be created (it needs a privileged role on some servers), migration 0007
  falls back to a plain btree, and the same query still gives the same answers, only by a scan.
- Any other backend (or a SQLite database whose FTS5 table is missing): `LIKE` on each word, same
  answers, no index.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Integer, and_, column, or_, text
from sqlalchemy.sql.elements import ColumnElement

from kaltim_desk.domain.nik import normalize_nik

FTS_TABLE = "person_fts"
# The FTS5 shadow tables SQLite creates beside the virtual table: not part of `Base.metadata`, so a
# schema comparison (migrations vs. models) must skip them (`is_search_table`).
FTS_SHADOW_SUFFIXES = ("", "_data", "_idx", "_content", "_docsize", "_config")
PG_TRGM_INDEX = "ix_person_name_trgm"

# Tokens: what FTS5's unicode61 tokenizer treats as a word (letters and digits; an apostrophe, a dot
# or a hyphen separates words: "NUR'AINI" is "nur" + "aini").
_WORD = re.compile(r"\w+", re.UNICODE)
_SEPARATORS = (" ", "'", "-", ".", ",", "(", "/", "`")

SQLITE_DDL = (
    # remove_diacritics 2: "Aisyah" finds "AISYAH" and "ÁISYAH"; prefix indexes for 1-3 letters make
    # the first keystrokes cheap (they are the ones with the most matches).
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, content='person', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
    SQLITE_INSERT_TRIGGER := (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON person BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES (new.id, new.name); END"
    ),
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON person BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name) VALUES ('delete', old.id, old.name); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF name ON person BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name) VALUES ('delete', old.id, old.name); "
    f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES (new.id, new.name); END",
)
SQLITE_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


def is_search_table(name: str) -> bool:
    """True for the FTS5 table and its shadow tables (they live outside `Base.metadata`)."""
    return any(name == FTS_TABLE + s for s in FTS_SHADOW_SUFFIXES)


def backend(dialect_name: str) -> str:
    """The one place that picks the search index by database: "fts5", "trgm" or "like"."""
    if dialect_name == "sqlite":
        return "fts5"
    if dialect_name == "postgresql":
        return "trgm"
    return "like"


def words(typed: str) -> list[str]:
    """The words of a name query, lower-cased, in the order typed, duplicates dropped."""
    out: list[str] = []
    for w in _WORD.findall(typed.casefold()):
        w = w.replace("_", "")
        if w and w not in out:
            out.append(w)
    return out


def nik_prefix(typed: str) -> str | None:
    """The digits of a NIK (or its start) if that is what was typed: 2 digits or more."""
    digits = normalize_nik(typed.strip())
    return digits if digits.isdigit() and len(digits) >= 2 else None


def fts_query(ws: list[str]) -> str:
    """An FTS5 query: every word, as a quoted prefix ("sit"* "ami"*), all required."""
    return " ".join('"' + w.replace('"', '""') + '"*' for w in ws)


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_range(column: Any, prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range so that the column's btree index answers it."""
    return and_(column >= prefix, column < prefix + "\uffff")


def person_text_condition(
    dialect_name: str, typed: str, *, fts_ready: bool = True
) -> ColumnElement[bool] | None:
    """The condition on `person` for what was typed in a search box; None when nothing was typed.

    `fts_ready=False` (SQLite without the FTS5 table, e.g. a database not yet migrated) uses LIKE.
    """
    from kaltim_desk.models.person import Person

    if not typed.strip():
        return None
    nik = nik_prefix(typed)
    if nik is not None:
        return prefix_range(Person.nik, nik)
    ws = words(typed)
    if not ws:
        return None
    kind = backend(dialect_name)
    if kind == "fts5" and fts_ready:
        matches = (
            text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :person_fts_q")
            .bindparams(person_fts_q=fts_query(ws))
            .columns(column("rowid", Integer))
        )
        return Person.id.in_(matches)
    if kind == "trgm":
        # \m: start of a word; the word is a literal (re-escaped). pg_trgm's GIN index serves ~*.
        return and_(*(Person.name.op("~*")(r"\m" + re.escape(w)) for w in ws))
    # Word start without an index: at the start of the name or after a separator a name can hold.
    conds = []
    for w in ws:
        up = _like_escape(w.upper())
        starts = [up + "%"] + ["%" + sep + up + "%" for sep in _SEPARATORS]
        conds.append(or_(*(Person.name.like(p, escape="\\") for p in starts)))
    return and_(*conds)


def fts_available(session: Any) -> bool:
    """Whether this SQLite database has the FTS5 index (a positive answer is cached per engine)."""
    engine = session.get_bind().engine
    if _FTS_READY.get(id(engine)) is engine:
        return True
    ok = (
        session.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": FTS_TABLE}
        ).first()
        is not None
    )
    if ok:  # only a positive answer is kept: a migration may add the table later
        _FTS_READY[id(engine)] = engine
    return ok


_FTS_READY: dict[int, Any] = {}


def condition_for_session(session: Any, typed: str) -> ColumnElement[bool] | None:
    """`person_text_condition` for the database `session` is bound to."""
    dialect = session.get_bind().dialect.name
    ready = fts_available(session) if backend(dialect) == "fts5" and not nik_prefix(typed) else True
    return person_text_condition(dialect, typed, fts_ready=ready)


@contextlib.contextmanager
def bulk_indexing(session: Any) -> Iterator[None]:
    """Around a bulk insert of people (demo office, big imports): pause the per-row FTS5 trigger and
    index the new rows in one statement at the end, which is about 4x faster (50 vs 13 us a row).

    Safe inside the caller's transaction: SQLite's DDL is transactional and the transaction holds the
    write lock, so no other connection ever sees `person` without its trigger. Rows are indexed and
    the trigger restored even if the block raises (the caller may still commit what it inserted).
    Elsewhere (PostgreSQL keeps its GIN index itself) this does nothing.
    """
    if backend(session.get_bind().dialect.name) != "fts5" or not fts_available(session):
        yield
        return
    conn = session.connection()
    before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM person").scalar() or 0
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai")
    try:
        yield
    finally:
        session.flush()
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, name) SELECT id, name FROM person WHERE id > ?", (before,)
        )
        conn.exec_driver_sql(SQLITE_INSERT_TRIGGER)


# --- schema (used by migration 0007) ---------------------------------------------------------------


def create_index(op_or_conn: Any, dialect_name: str) -> str:
    """Create the search index for this backend; returns what was made ("fts5", "trgm", "btree")."""
    execute = _executor(op_or_conn)
    kind = backend(dialect_name)
    if kind == "fts5":
        for stmt in SQLITE_DDL:
            execute(stmt)
        execute(SQLITE_REBUILD)
        write_shape_statistics(op_or_conn)
        return "fts5"
    if kind == "trgm":
        # CREATE EXTENSION may need a privileged role; a savepoint keeps the migration's transaction
        # usable when it is refused, and the plain name index (from 0001) then stays the only one.
        execute("SAVEPOINT search_trgm")
        try:
            execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            execute(f"CREATE INDEX IF NOT EXISTS {PG_TRGM_INDEX} ON person USING gin (name gin_trgm_ops)")
        except Exception:
            execute("ROLLBACK TO SAVEPOINT search_trgm")
            return "btree"
        execute("RELEASE SAVEPOINT search_trgm")
        return "trgm"
    return "btree"


# --- many matches: walk the sort order instead ------------------------------------------------------
#
# An index finds the matches, but the page shows them sorted (by name): with 400,000 matches ("s",
# or the NIK prefix "64" that every Kaltim NIK has) sorting them all costs seconds. When matches are
# that dense, the first 200 in name order are found fastest by walking the name index and testing each
# row, which reads about 200 / density rows. `many_matches` tells the two cases apart by counting at
# most `threshold` matches in the index; `residual_condition` gives the same answers in a form no index
# serves, so the planner walks the sort order (tests check both forms agree).


def many_matches(session: Any, typed: str, threshold: int) -> bool:
    """Whether what was typed matches at least `threshold` people (counted in the index, capped)."""
    from sqlalchemy import func, select

    from kaltim_desk.models.person import Person

    nik = nik_prefix(typed)
    ws = words(typed)
    if nik is None and not ws:
        return False
    if nik is None and backend(session.get_bind().dialect.name) == "fts5" and fts_available(session):
        probe: Any = (
            text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q LIMIT :n")
            .bindparams(q=fts_query(ws), n=threshold)
            .columns(column("rowid", Integer))
            .subquery()
        )
    else:
        cond = condition_for_session(session, typed)
        if cond is None:
            return False
        probe = select(Person.id).where(cond).limit(threshold).subquery()
    return int(session.scalar(select(func.count()).select_from(probe)) or 0) >= threshold


def residual_condition(typed: str) -> ColumnElement[bool] | None:
    """`person_text_condition`'s answers, written so that no index can serve it (tested per row)."""
    from sqlalchemy import func

    from kaltim_desk.models.person import Person

    nik = nik_prefix(typed)
    if nik is not None:
        return func.substr(Person.nik, 1, len(nik)) == nik
    return person_text_condition("", typed)


# How many rows of `person` share one value of each indexed column, in a province-scale database
# (1,000,000 people). Without statistics SQLite guesses that an equality on any index is selective,
# so it answers "active people sorted by name" through the is_active index and sorts the whole table
# (seconds at 1,000,000) instead of walking the name index (milliseconds). Nothing in the app runs
# ANALYZE, so 0007 writes these shape statistics once; a later ANALYZE replaces them with real ones.
PERSON_SHAPE_ROWS = 1_000_000
PERSON_SHAPE = {
    "nik": 1,
    "name": 3,
    "kk_number": 2,
    "village_code": 1_000,
    "business_type": 100_000,
    "is_active": 500_000,
    "import_batch_id": 10_000,
}


def write_shape_statistics(op_or_conn: Any) -> int:
    """Give SQLite's planner province-scale statistics for `person`'s single-column indexes, unless it
    already has statistics for the table. Returns how many index rows were written."""
    execute = _executor(op_or_conn)
    execute("ANALYZE sqlite_schema")  # creates sqlite_stat1 if missing, analyses nothing big
    if execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'person'").scalar():
        return 0
    written = 0
    for _seq, index, *_rest in execute("PRAGMA index_list(person)").all():
        cols = [r[2] for r in execute(f"PRAGMA index_info({index})").all()]
        if len(cols) == 1 and cols[0] in PERSON_SHAPE:
            name, stat = index.replace("'", ""), f"{PERSON_SHAPE_ROWS} {PERSON_SHAPE[cols[0]]}"
            execute(f"INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('person', '{name}', '{stat}')")
            written += 1
    execute("ANALYZE sqlite_schema")  # makes SQLite read the statistics again
    return written


def drop_index(op_or_conn: Any, dialect_name: str) -> None:
    execute = _executor(op_or_conn)
    kind = backend(dialect_name)
    if kind == "fts5":
        for stmt in SQLITE_DROP:
            execute(stmt)
    elif kind == "trgm":
        execute(f"DROP INDEX IF EXISTS {PG_TRGM_INDEX}")


def _executor(op_or_conn: Any) -> Any:
    if hasattr(op_or_conn, "exec_driver_sql"):
        return op_or_conn.exec_driver_sql
    return lambda sql: op_or_conn.execute(text(sql))
