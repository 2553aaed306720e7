"""Storing many new rows of one table in one statement, at the driver's speed (an import's people,
groups and memberships).

What: `insert_many(session, table, rows)` writes `rows` (dicts with the same keys) through the DBAPI
cursor's `executemany` of plain tuples, inside the session's transaction. The columns' Python-side
defaults (`default=...` in the models: "NONE", True, `utcnow`...) are filled once for the batch, and
every value goes through its column type's bind processor for this dialect, so what is stored is what
`session.execute(insert(table), rows)` stores (a test compares the two, column by column).

Why: SQLAlchemy's executemany builds and processes a parameter dict per row (~15 us a row); for 10,000
imported people that was a fifth of the import. The driver's own executemany of tuples costs what the
database costs. Same code on SQLite (qmark) and PostgreSQL (psycopg's format style); another paramstyle
falls back to SQLAlchemy's insert.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def insert_many(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every dict of `rows` into `table` (one executemany; ids from the table's own sequence).

    All rows must carry the same keys (else ValueError); a column left out gets its model default (evaluated once for the
    batch: the rows of one batch are created at one instant) or the database's."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    mark = _PLACEHOLDER.get(dialect.paramstyle)
    keys = list(rows[0])
    wanted = set(keys)
    if any(r.keys() != wanted for r in rows):
        # SQLAlchemy's executemany would silently drop the keys the first row lacks
        raise ValueError(f"insert_many into {table.name}: every row must have the same keys")
    if mark is None:
        session.execute(insert(table), list(rows))
        return
    defaults: dict[str, Any] = {}
    for col in table.columns:
        d = col.default
        if col.key in wanted or d is None:
            continue
        if getattr(d, "is_scalar", False):
            defaults[col.key] = d.arg  # type: ignore[attr-defined]
        elif getattr(d, "is_callable", False):
            defaults[col.key] = d.arg(None)  # type: ignore[attr-defined]  # SQLAlchemy wraps it to take a context
        else:  # a sequence or SQL expression default: SQLAlchemy's insert knows how
            session.execute(insert(table), list(rows))
            return
    columns = [table.c[k] for k in (*keys, *defaults)]
    procs = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    fixed = tuple(
        p(v) if p is not None and v is not None else v
        for p, v in zip(procs[len(keys) :], defaults.values(), strict=True)
    )
    take = itemgetter(*keys) if len(keys) > 1 else (lambda r: (r[keys[0]],))
    active = [(i, p) for i, p in enumerate(procs[: len(keys)]) if p is not None]
    params: list[tuple[Any, ...]]
    if active:
        # column by column: one comprehension per converted column instead of a loop per row and column
        cols: list[Sequence[Any]] = list(zip(*map(take, rows), strict=True))
        for i, p in active:
            cols[i] = [v if v is None else p(v) for v in cols[i]]
        params = list(zip(*cols, *map(repeat, fixed), strict=False))  # the repeats never end
    else:
        params = [(*take(r), *fixed) for r in rows]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(c.name) for c in columns)}) VALUES ({', '.join([mark] * len(columns))})"
    )
    conn.exec_driver_sql(sql, params)


def rows_where_in(
    session: Session, table: Table, columns: Sequence[str], key: str, values: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """The `columns` of every row of `table` whose `key` is one of `values` (at most 900: under SQLite's
    variable limit), as `session.execute(select(...).where(table.c[key].in_(values)))` returns them.

    Why: SQLAlchemy renders and expands the IN list of 900 parameters on each call (~1 ms); an import
    looks up the holders of its 10,000 NIKs this way twice (preview and commit). The driver's own
    query is what the database costs. A column whose type converts what the driver returns, or another
    paramstyle, goes through SQLAlchemy's select. The session is flushed first when it autoflushes, as
    its own `execute` would."""
    if not values:
        return []
    if session.autoflush:
        session.flush()
    conn = session.connection()
    dialect = conn.dialect
    mark = _PLACEHOLDER.get(dialect.paramstyle)
    wanted = [table.c[c] for c in columns]
    if mark is None or any(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in wanted):
        return [tuple(r) for r in session.execute(select(*wanted).where(table.c[key].in_(values)))]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"SELECT {', '.join(quote(c.name) for c in wanted)} "
        f"FROM {dialect.identifier_preparer.format_table(table)} "
        f"WHERE {quote(table.c[key].name)} IN ({', '.join([mark] * len(values))})"
    )
    return [tuple(r) for r in conn.exec_driver_sql(sql, tuple(values))]
