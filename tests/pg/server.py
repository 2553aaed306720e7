"""Databases on the PostgreSQL test server for the fixtures in tests/conftest.py.

Each test that uses `db` needs a database in the state `prepare()` leaves (migrated, regions loaded).
Creating one per test (`CREATE DATABASE ... TEMPLATE`, 1-3 s on a busy 2-core machine) would dominate
the suite, so a small pool is kept instead: after a test its database is put back into the template's
state in place (rows the test added deleted, the template's rows copied back from a snapshot schema inside
the same database where they changed, sequences set back) in a fraction of that time. A database whose schema the test changed
(a migration test, an added constraint) fails the fingerprint check and is dropped instead.
Tests that use only `db_url` get a fresh, empty database (CREATE DATABASE from template0).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

SNAPSHOT_SCHEMA = "kaltim_test_snapshot"
PREFIX = "kaltim_test_"

# Everything a test could change in the schema: tables, columns and their types, indexes, sequences,
# constraints (and whether validated), triggers (and whether enabled), functions, the Alembic revision.
FINGERPRINT_SQL = """
SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
  SELECT concat_ws(':', c.relname::text, c.relkind::text, a.attname::text,
                   format_type(a.atttypid, a.atttypmod), a.attnotnull::text) AS x
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE n.nspname = 'public'
  UNION ALL
  SELECT concat_ws(':', 'con', co.conname::text, co.convalidated::text) FROM pg_constraint co
  JOIN pg_namespace n ON n.oid = co.connamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT concat_ws(':', 'trg', tg.tgname::text, tg.tgenabled::text) FROM pg_trigger tg
  JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND NOT tg.tgisinternal
  UNION ALL
  SELECT concat_ws(':', 'fn', p.proname::text) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = 'public'
  UNION ALL
  SELECT concat_ws(':', 'snap', c.relname::text) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'kaltim_test_snapshot'
) q
"""

SEQUENCES_SQL = """
SELECT s.relname FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
WHERE s.relkind = 'S' AND n.nspname = 'public' ORDER BY s.relname
"""


def admin_engine(base_url: str) -> Engine:
    return create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def url_for(base_url: str, name: str) -> str:
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def create_database(base_url: str, template: str = "template0") -> str:
    name = f"{PREFIX}{uuid.uuid4().hex[:16]}"
    admin = admin_engine(base_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\''))
    finally:
        admin.dispose()
    return name


def drop_database(base_url: str, name: str) -> None:
    """Drop a test database; a failure (e.g. a role that may not end other connections) leaves it
    behind with a warning rather than failing the test that used it."""
    import time
    import warnings

    admin = admin_engine(base_url)
    try:
        for attempt in range(3):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except Exception as exc:
                if attempt == 2:
                    warnings.warn(f"test database {name} not dropped: {exc}", stacklevel=2)
                time.sleep(0.5)
    finally:
        admin.dispose()


@dataclass
class Template:
    """The prepared database every test database starts as, and what is needed to go back to it."""

    base_url: str
    name: str
    tables: list[str] = field(default_factory=list)  # public tables, parents first
    filled: list[str] = field(default_factory=list)  # those with rows in the template
    guarded: list[str] = field(default_factory=list)  # those with triggers (the insert-only audit table)
    sequences: list[tuple[str, int, bool]] = field(default_factory=list)
    fingerprint: str = ""
    pool: list[str] = field(default_factory=list)  # databases in the template's state
    handed_out: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, base_url: str, prepare: Any) -> Template:
        """Create and prepare the template with `prepare(url)`, then snapshot its rows."""
        from kaltim_desk.models import Base

        name = create_database(base_url)
        prepare(url_for(base_url, name))
        tpl = cls(base_url, name)
        engine = create_engine(url_for(base_url, name), poolclass=NullPool)
        try:
            with engine.begin() as conn:
                public = set(
                    conn.execute(
                        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                    ).scalars()
                ) - {"alembic_version"}
                ordered = [t.name for t in Base.metadata.sorted_tables if t.name in public]
                tpl.tables = ordered + sorted(public - set(ordered))
                conn.execute(text(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}"))
                for t in tpl.tables:
                    if conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM public."{t}")')).scalar():
                        conn.execute(text(f'CREATE TABLE {SNAPSHOT_SCHEMA}."{t}" AS TABLE public."{t}"'))
                        tpl.filled.append(t)
                tpl.guarded = list(
                    conn.execute(
                        text(
                            "SELECT DISTINCT c.relname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid "
                            "JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE n.nspname = 'public' AND NOT tg.tgisinternal"
                        )
                    ).scalars()
                )
                for (seq,) in conn.execute(text(SEQUENCES_SQL)):
                    last, called = conn.execute(
                        text(f'SELECT last_value, is_called FROM public."{seq}"')
                    ).one()
                    tpl.sequences.append((seq, int(last), bool(called)))
                tpl.fingerprint = str(conn.execute(text(FINGERPRINT_SQL)).scalar())
        finally:
            engine.dispose()
        return tpl

    def checkout(self) -> str:
        """A database in the template's state, from the pool or newly copied from the template."""
        name = self.pool.pop() if self.pool else create_database(self.base_url, self.name)
        self.handed_out.add(name)
        return name

    def checkin(self, name: str) -> None:
        """After the test: back into the pool if it can be reset, else dropped."""
        self.handed_out.discard(name)
        if self.reset(name):
            self.pool.append(name)
        else:
            drop_database(self.base_url, name)

    def reset(self, name: str) -> bool:
        admin = admin_engine(self.base_url)
        engine = create_engine(url_for(self.base_url, name), poolclass=NullPool)
        try:
            with admin.connect() as conn:  # connections the test left open (engines not disposed)
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :d AND pid <> pg_backend_pid()"
                    ),
                    {"d": name},
                )
            with engine.begin() as conn:
                if conn.execute(text(FINGERPRINT_SQL)).scalar() != self.fingerprint:
                    return False
                conn.execute(text("SET LOCAL lock_timeout = '5s'"))
                # Only what the test touched: DELETE (no new files, unlike TRUNCATE) from the tables
                # that have rows and should not, and from the template's filled tables that changed.
                used = set(
                    conn.execute(
                        text(
                            " UNION ALL ".join(
                                f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM public.\"{t}\")"
                                for t in self.tables
                                if t not in self.filled
                            )
                        )
                    ).scalars()
                )
                for t in self.filled:
                    same = conn.execute(
                        text(
                            f"SELECT (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) "
                            f"FROM public.\"{t}\" x) = (SELECT md5(coalesce(string_agg(y::text, ',' "
                            f"ORDER BY y::text), '')) FROM {SNAPSHOT_SCHEMA}.\"{t}\" y)"
                        )
                    ).scalar()
                    if not same:
                        used.add(t)
                guarded = [t for t in self.guarded if t in used]
                for t in guarded:  # the audit table refuses DELETE by trigger
                    conn.execute(text(f'ALTER TABLE public."{t}" DISABLE TRIGGER USER'))
                for t in reversed(self.tables):  # children first
                    if t in used:
                        conn.execute(text(f'DELETE FROM public."{t}"'))
                for t in self.tables:  # parents first
                    if t in used and t in self.filled:
                        conn.execute(text(f'INSERT INTO public."{t}" SELECT * FROM {SNAPSHOT_SCHEMA}."{t}"'))
                for t in guarded:
                    conn.execute(text(f'ALTER TABLE public."{t}" ENABLE TRIGGER USER'))
                if self.sequences:
                    conn.execute(
                        text(
                            "SELECT "
                            + ", ".join(
                                f"setval('public.\"{seq}\"', {last}, {'true' if called else 'false'})"
                                for seq, last, called in self.sequences
                            )
                        )
                    )
                return bool(conn.execute(text(FINGERPRINT_SQL)).scalar() == self.fingerprint)
        except Exception:
            return False
        finally:
            engine.dispose()
            admin.dispose()

    def drop_all(self) -> None:
        for name in [*self.pool, *self.handed_out, self.name]:
            drop_database(self.base_url, name)
        self.pool.clear()
        self.handed_out.clear()
