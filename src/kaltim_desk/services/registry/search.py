"""Finding a person by name or NIK fast enough to search as the clerk types, at province scale.

What: `person_text_condition(dialect, text)` turns what was typed into a SQL condition on `person`:
- digits (a NIK or its start, spaces and dots allowed): a range on the unique NIK index
  (`nik >= '6472' AND nik < '6472\\uffff'`), which SQLite and PostgreSQL both answer from the index;
- anything else: every typed word must start a word of the name ("sit ami" finds SITI AMINAH and
  AMINAH SITI, in any order), answered by a full-text index.

Why: a `LIKE '%siti%'` reads all 1,000,000 names on every keystroke (~0.3 s on the office PCs);
an index answers in milliseconds. Word starts are what clerks type (first name, family name), and
the same rule holds on both backends.

The index per backend (`dialect.search_backend` picks it by database):
- SQLite: an FTS5 table `person_fts` over `person.name`, kept in sync by three triggers on `person`
  (insert, delete, update of name); migrations 0007/0009 create them and fill the index. FTS5's prefix
  indexes (`prefix='1 2 3'`) make the first letters cheap. The table is contentless (it stores only
  the index) and its rowid is not the person id alone but a *name-order key*: the first six characters
  of the name, coarsened (5 bits each), above the 32-bit person id (`name_key`). FTS5 returns matches
  in rowid order, so the first matches it returns are (nearly) the first in name order: the people
  page finds its first 200 rows of "nur" among 150,000 matches without sorting them all
  (`name_order_bound`). `rowid & ID_MASK` is the person id.
- PostgreSQL: a pg_trgm GIN index on `person.name`; each typed word becomes `name ~* '\\mword'`
  (a regular expression anchored at a word start), which pg_trgm's GIN index accelerates. If the
  pg_trgm extension can not be created (it needs a privileged role on some servers), migration 0007
  falls back to a plain btree, and the same query still gives the same answers, only by a scan.
- Any other backend (or a SQLite database whose FTS5 table is missing): `LIKE` on each word, same
  answers, no index.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, bindparam, column, func, or_, select, table, text
from sqlalchemy.sql.elements import ColumnElement

from kaltim_desk import dialect
from kaltim_desk.domain.nik import normalize_nik
from kaltim_desk.models.person import Person

FTS_TABLE = "person_fts"
# The FTS5 shadow tables SQLite creates beside the virtual table: not part of `Base.metadata`, so a
# schema comparison (migrations vs. models) must skip them (`is_search_table`).
FTS_SHADOW_SUFFIXES = ("", "_data", "_idx", "_content", "_docsize", "_config")
PG_TRGM_INDEX = "ix_person_name_trgm"

# Tokens: what FTS5's unicode61 tokenizer treats as a word (letters and digits; an apostrophe, a dot
# or a hyphen separates words: "NUR'AINI" is "nur" + "aini").
_WORD = re.compile(r"\w+", re.UNICODE)
_SEPARATORS = (" ", "'", "-", ".", ",", "(", "/", "`")

# The name-order key: six characters of the name, 5 bits each, above 32 bits of person id.
KEY_CHARS, KEY_CHAR_BITS, ID_BITS = 6, 5, 32
ID_MASK = (1 << ID_BITS) - 1


def _char_rank(c: int) -> int:
    """A character's code point coarsened to 0-31, never out of order (a <= b gives rank(a) <= rank(b)).
    Space and the capitals A-Z keep a rank each; every other character shares one with its neighbours."""
    if c < 32:
        return 0
    if c == 32:
        return 1
    if c < 65:  # digits and ' - . ,
        return 2
    if c <= 90:  # A-Z
        return c - 62
    if c < 97:
        return 29
    if c <= 122:  # a-z (names keep the case typed; most are in capitals)
        return 30
    return 31


def _own_rank(ch: str) -> bool:
    return ch == " " or "A" <= ch <= "Z"


def name_key(name: str, person_id: int) -> int:
    """The FTS rowid of a person: ordered like (name, id) up to the first six characters of the name
    (the same value `_key_sql` computes in the triggers; a test checks both agree).

    After a character that shares its rank (anything but a capital or a space) the key stops: two names
    that share that rank may differ there, and what follows would then say nothing about their order.
    So every name a <= b (in code point order, as SQLite sorts) has key(a) <= key(b) in its top bits."""
    return (_name_prefix(name[:KEY_CHARS]) << ID_BITS) | person_id


@functools.lru_cache(maxsize=65_536)
def _name_prefix(head: str) -> int:
    """The top bits of `name_key` from a name's first KEY_CHARS characters (remembered: a bulk load
    indexes thousands of names that start alike)."""
    prefix, open_ = 0, True
    for i in range(KEY_CHARS):
        rank = 0
        if open_ and i < len(head):
            rank = _char_rank(ord(head[i]))
            open_ = _own_rank(head[i])
        prefix = (prefix << KEY_CHAR_BITS) | rank
    return prefix


def _key_sql(row: str) -> str:
    """`name_key` in SQL, for `row` ("new", "old" or a table name) in a trigger or a SELECT."""
    terms = []
    for i in range(1, KEY_CHARS + 1):
        c = f"coalesce(unicode(substr({row}.name, {i}, 1)), 0)"
        rank = (
            f"CASE WHEN {c} < 32 THEN 0 WHEN {c} = 32 THEN 1 WHEN {c} < 65 THEN 2 WHEN {c} <= 90 "
            f"THEN {c} - 62 WHEN {c} < 97 THEN 29 WHEN {c} <= 122 THEN 30 ELSE 31 END"
        )
        if i > 1:  # only while every character before has a rank of its own
            rank = f"CASE WHEN substr({row}.name, 1, {i - 1}) GLOB '*[^A-Z ]*' THEN 0 ELSE {rank} END"
        # in brackets: SQLite gives << and | the same precedence
        terms.append(f"(({rank}) << {KEY_CHAR_BITS * (KEY_CHARS - i) + ID_BITS})")
    return "(" + " | ".join([*terms, f"{row}.id"]) + ")"


SQLITE_DDL = (
    # remove_diacritics 2: "Aisyah" finds "AISYAH" and "ÁISYAH"; prefix indexes for 1-3 letters make
    # the first keystrokes cheap (they are the ones with the most matches). content='': the index
    # only; the names stay in `person`.
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
    SQLITE_INSERT_TRIGGER := (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON person BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES ({_key_sql('new')}, new.name); END"
    ),
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON person BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name) VALUES ('delete', {_key_sql('old')}, old.name); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF name ON person BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name) VALUES ('delete', {_key_sql('old')}, old.name); "
    f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES ({_key_sql('new')}, new.name); END",
)
BULK_INDEX_SLICE = 50_000
SQLITE_INDEX_PEOPLE = f"INSERT INTO {FTS_TABLE}(rowid, name) SELECT {_key_sql('person')}, name FROM person"


def is_search_table(name: str) -> bool:
    """True for the FTS5 table and its shadow tables (they live outside `Base.metadata`)."""
    return any(name == FTS_TABLE + s for s in FTS_SHADOW_SUFFIXES)


def backend(dialect_name: str) -> str:
    """The search index of this database: "fts5", "trgm" or "like" (chosen by `dialect.search_backend`)."""
    return dialect.search_backend(dialect_name)


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
        return Person.id.in_(fts_ids(ws))
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


def fts_ids(ws: list[str], *, below: int | None = None, from_: int | None = None) -> Any:
    """The person ids whose names match the words, from the FTS5 index; `below` / `from_` keep only
    name-order keys under / from a bound (see `name_order_bound`)."""
    # unique bind names: a page's query holds this subquery up to twice, with different bounds
    sql = f"SELECT rowid & {ID_MASK} AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :person_fts_q"
    params: list[Any] = [bindparam("person_fts_q", fts_query(ws), unique=True)]
    if below is not None:
        sql += " AND rowid < :person_fts_below"
        params.append(bindparam("person_fts_below", below, unique=True))
    if from_ is not None:
        sql += " AND rowid >= :person_fts_from"
        params.append(bindparam("person_fts_from", from_, unique=True))
    return text(sql).bindparams(*params).columns(column("id", Integer))


@dataclass(frozen=True)
class NameOrderBound:
    """Where the first `need` matches of a name search end, in name-order keys (`name_order_bound`).

    `start`/`end`: the keys of the six-character bucket that holds the `need`-th match (every key of
    that bucket is >= start and < end). `prefix`: when the bucket is exactly "names that start with
    these six capitals/spaces", that prefix: the bucket's matches can then be read in name order from
    the name index instead of sorted (a first name like YULIANA has 20,000 people in one bucket)."""

    start: int
    end: int
    prefix: str | None


def name_order_bound(
    session: Any,
    typed: str,
    need: int,
    *,
    descending: bool = False,
    restrict: Callable[[Any], Any] | None = None,
) -> NameOrderBound | None:
    """The first `need` people in name order among the matches of a name search, found without sorting
    every match: FTS5 hands out matches in name-order-key order, so the `need`-th match's key bounds
    them. Every match in a later bucket (six-character prefix) also sorts after all `need` of them by
    name, so only the matches before and in that bucket can be on the page (descending: in and after).
    None when fewer than `need` people match (sort them all). `restrict(stmt)` adds the page's other
    filters (region, status) on `Person`. SQLite with the FTS5 table only; None elsewhere."""

    ws = words(typed)
    if not ws or nik_prefix(typed) is not None or need < 1:
        return None
    if backend(session.get_bind().dialect.name) != "fts5" or not fts_available(session):
        return None
    fts = table(FTS_TABLE, column("rowid", Integer))
    stmt = select(fts.c.rowid).where(
        text(f"{FTS_TABLE} MATCH :person_fts_q").bindparams(person_fts_q=fts_query(ws))
    )
    if restrict is not None:
        stmt = restrict(stmt.join_from(fts, Person, Person.id == fts.c.rowid.op("&")(ID_MASK)))
    stmt = stmt.order_by(fts.c.rowid.desc() if descending else fts.c.rowid).offset(need - 1).limit(1)
    key = session.scalar(stmt)
    if key is None:
        return None
    bucket = key >> ID_BITS
    ranks = [
        (bucket >> (KEY_CHAR_BITS * (KEY_CHARS - 1 - i))) & ((1 << KEY_CHAR_BITS) - 1)
        for i in range(KEY_CHARS)
    ]
    exact = all(r == 1 or 3 <= r <= 28 for r in ranks)  # six own-rank characters: space or A-Z
    prefix = "".join(" " if r == 1 else chr(r + 62) for r in ranks) if exact else None
    return NameOrderBound(bucket << ID_BITS, (bucket + 1) << ID_BITS, prefix)


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
    index the new rows at the end in one executemany, their name keys computed here (`name_key`, the
    value the trigger's SQL computes; tests check they agree). 10,000 people: ~0.38 s by the trigger,
    ~0.07 s by one INSERT .. SELECT of the key's SQL (most of it the key), ~0.04 s this way.

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
        last = before
        while True:  # in slices, so a million new people are never all in memory at once
            rows = conn.exec_driver_sql(
                "SELECT id, name FROM person WHERE id > ? ORDER BY id LIMIT ?", (last, BULK_INDEX_SLICE)
            ).all()
            if not rows:
                break
            conn.exec_driver_sql(
                f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES (?, ?)",
                [(name_key(name, pid), name) for pid, name in rows],
            )
            last = rows[-1][0]
        conn.exec_driver_sql(SQLITE_INSERT_TRIGGER)


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

    nik = nik_prefix(typed)
    if nik is not None:
        return func.substr(Person.nik, 1, len(nik)) == nik
    return person_text_condition("", typed)
