"""The one small layer that knows which database is underneath: SQLite (one office PC) or PostgreSQL (a
shared provincial or multi-office server).

What: small functions, each with a SQLite and a PostgreSQL branch, for the things the two do
differently: connection settings (SQLite's pragmas; PostgreSQL's lock and statement timeouts),
the integrity and foreign-key checks, whether the application can back the database up itself (SQLite's
online backup API) or the server's tools must (`pg_dump`), recognising "busy" and "disk full" errors,
making a session read-only, case-insensitive matching, the search index (delegated to
`services.registry.search`, which owns its SQL) and serialising a chain of writes (the audit hash chain).

Why here: the rest of the code asks "can I back this up?" or "is this error a lock timeout?" instead of
testing `dialect.name == "sqlite"` in many places, so a third backend, or a change of driver, is one
file's work. Anything passed as `bind` may be an Engine, a Connection, a Session, a `db.Database`, a
URL string, or a dialect name.

This module imports nothing of the application at import time (db.py imports it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, text

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

# How long a writer waits for another one before giving up with a "busy" error; both backends alike.
LOCK_TIMEOUT_MS = 10_000

BACKUP_WITH_PG_DUMP = (
    "Basis data ini ada di server PostgreSQL; aplikasi tidak mencadangkannya sendiri. Cadangkan di server "
    "dengan pg_dump, misalnya `pg_dump -Fc -f kaltim-desk.dump NAMA_DB`, dan pulihkan dengan pg_restore "
    "(lihat docs/POSTGRES.md)."
)
BUSY_MESSAGE = (
    "Basis data sedang dipakai menyimpan oleh pengguna lain dan tidak selesai tepat waktu. "
    "Tunggu sebentar lalu ulangi; tidak ada yang tersimpan."
)
DISK_FULL_MESSAGE = (
    "Ruang penyimpanan basis data penuh, jadi tidak ada yang tersimpan. Kosongkan ruang disk "
    "(atau hubungi pengelola server), lalu ulangi."
)


# --- which backend ----------------------------------------------------------------------------------


def name(bind: Any) -> str:
    """The dialect name ("sqlite", "postgresql", ...) of whatever `bind` is."""
    if isinstance(bind, str):
        if "://" not in bind:
            return bind  # already a dialect name
        from sqlalchemy.engine import make_url

        return make_url(bind).get_backend_name()
    if hasattr(bind, "get_bind"):  # Session
        bind = bind.get_bind()
    if hasattr(bind, "engine") and not hasattr(bind, "dialect"):  # db.Database
        bind = bind.engine
    dialect = getattr(bind, "dialect", None)
    if dialect is None:
        raise TypeError(f"cannot tell the database of {bind!r}")
    return str(dialect.name)


def is_sqlite(bind: Any) -> bool:
    return name(bind) == SQLITE


def is_postgresql(bind: Any) -> bool:
    return name(bind) == POSTGRESQL


def is_server(bind: Any) -> bool:
    """A database server shared by several PCs (anything but an SQLite file)."""
    return not is_sqlite(bind)


# --- connections ----------------------------------------------------------------------------------


def engine_options(url: str) -> dict[str, Any]:
    """Extra `create_engine` arguments for this backend.

    PostgreSQL: every connection waits at most LOCK_TIMEOUT_MS for a row or table lock (SQLite's
    busy_timeout counterpart: a clerk sees "busy, try again" instead of a frozen window), names itself
    in `pg_stat_activity`, and the pool checks a connection before use (servers restart, networks drop).
    """
    if name(url) != POSTGRESQL:
        return {}
    from sqlalchemy.engine import make_url

    query = make_url(url).query
    ours = f"-c lock_timeout={LOCK_TIMEOUT_MS} -c idle_in_transaction_session_timeout=3600000"
    given = query.get("options")  # the URL's own ?options=... come last, so they win
    given_text = " ".join(given) if isinstance(given, tuple) else (given or "")
    return {
        "pool_pre_ping": True,
        "connect_args": {
            "application_name": query.get("application_name") or "kaltim-desk",
            "options": f"{ours} {given_text}".strip(),
        },
    }


SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS}",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
)


def configure_engine(engine: Any) -> None:
    """Per-connection settings (RELIABILITY R1, R2). SQLite: foreign keys on, busy timeout, WAL,
    synchronous FULL, and SQLAlchemy emits BEGIN itself (pysqlite's implicit transactions off) so that
    a save is one real transaction. PostgreSQL: everything is in `engine_options`; the server enforces
    foreign keys and is durable by its own configuration."""
    if name(engine) != SQLITE:
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (R1)
        cur = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cur.execute(pragma)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def read_only_statement(bind: Any) -> str:
    """The statement that makes a connection refuse writes (run on connect)."""
    if is_sqlite(bind):
        return "PRAGMA query_only=ON"
    return "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"


def is_read_only(conn: Any) -> bool:
    """Does this connection or session refuse writes (made read-only by `read_only_statement`)?"""
    if is_sqlite(conn):
        return bool(conn.execute(text("PRAGMA query_only")).scalar())
    if is_postgresql(conn):
        return str(conn.execute(text("SHOW transaction_read_only")).scalar()).lower() == "on"
    return False


# --- checks ---------------------------------------------------------------------------------------


def integrity_check(conn: Any, *, quick: bool = False) -> tuple[bool, str]:
    """Is the database itself sound? Returns (ok, message); `conn` is a Connection or Session.

    SQLite: `PRAGMA integrity_check` (or `quick_check`). PostgreSQL keeps its own pages consistent;
    what can be wrong there is an index left invalid by a failed concurrent build, or a constraint
    added NOT VALID and never validated: both are listed.
    """
    if is_sqlite(conn):
        pragma = "quick_check" if quick else "integrity_check"
        rows = [str(r[0]) for r in conn.execute(text(f"PRAGMA {pragma}"))]
        return rows == ["ok"], "ok" if rows == ["ok"] else "; ".join(rows[:5])
    if is_postgresql(conn):
        bad = [
            f"indeks {r[0]} tidak sah"
            for r in conn.execute(
                text(
                    "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)"
                )
            )
        ]
        bad += [
            f"batasan {r[0]} belum divalidasi"
            for r in conn.execute(
                text(
                    "SELECT c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                    "WHERE n.nspname = current_schema() AND NOT c.convalidated"
                )
            )
        ]
        return not bad, "ok" if not bad else "; ".join(bad[:5])
    return True, "ok"


def foreign_key_violations(conn: Any) -> list[tuple[str, Any]]:
    """Rows pointing at nothing, as (table, rowid). SQLite can hold them (foreign keys are a connection
    setting there, and a file can be edited by other tools): `PRAGMA foreign_key_check`. PostgreSQL
    refuses them at write time for every validated constraint (see `integrity_check`)."""
    if is_sqlite(conn):
        return [(str(r[0]), r[1]) for r in conn.execute(text("PRAGMA foreign_key_check"))]
    return []


def trigger_names(conn: Any) -> set[str]:
    """The names of the user-defined triggers in the database (e.g. the audit table's guards)."""
    if is_sqlite(conn):
        return {
            str(r[0]) for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        }
    if is_postgresql(conn):
        return {
            str(r[0])
            for r in conn.execute(
                text(
                    "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND n.nspname = current_schema()"
                )
            )
        }
    return set()


def audit_table_powers(conn: Any) -> list[str]:
    """What the connected role could do to the audit table beyond reading and appending: on PostgreSQL,
    "superuser", "owner" (may drop the table or its guard trigger, or disable it), "UPDATE", "DELETE",
    "TRUNCATE" (privileges granted). Empty when the role is the application role of docs/POSTGRES.md.
    SQLite has no roles: whoever can write the file can do anything, which the keyed chain answers."""
    if not is_postgresql(conn):
        return []
    row = conn.execute(
        text(
            "SELECT r.rolsuper, pg_has_role(current_user, c.relowner, 'USAGE'), "
            "has_table_privilege(current_user, c.oid, 'UPDATE'), "
            "has_table_privilege(current_user, c.oid, 'DELETE'), "
            "has_table_privilege(current_user, c.oid, 'TRUNCATE') "
            "FROM pg_class c JOIN pg_roles r ON r.rolname = current_user "
            "WHERE c.oid = to_regclass('audit_log')"
        )
    ).first()
    if row is None:
        return []
    names = ("superuser", "owner", "UPDATE", "DELETE", "TRUNCATE")
    return [name for name, has in zip(names, row, strict=True) if has]


def current_role(conn: Any) -> str:
    return str(conn.execute(text("SELECT current_user")).scalar()) if is_postgresql(conn) else ""


# --- backups --------------------------------------------------------------------------------------


def supports_file_backup(bind: Any) -> bool:
    """Can the application back this database up itself (SQLite's online backup API into a file)?
    No for a server: PostgreSQL is backed up on the server with `pg_dump` (BACKUP_WITH_PG_DUMP)."""
    if isinstance(bind, str) and "://" in bind:
        from kaltim_desk.config import sqlite_path

        return sqlite_path(bind) is not None
    if hasattr(bind, "path") and hasattr(bind, "engine"):  # db.Database
        return is_sqlite(bind) and bind.path is not None
    return is_sqlite(bind)


def backup_refusal(bind: Any) -> str | None:
    """None when the app can back `bind` up; otherwise the message saying how to (pg_dump)."""
    return None if supports_file_backup(bind) else BACKUP_WITH_PG_DUMP


def uses_file_lock(bind: Any) -> bool:
    """Does this database need the app's one-writer lock record (services/office/dblock.py, RELIABILITY R5)?
    An SQLite file does: it is one PC's database. A server serves several clerks at once by design;
    there, row versions (optimistic concurrency) and the server's row locks keep edits apart."""
    return is_sqlite(bind)


# --- errors ---------------------------------------------------------------------------------------

# PostgreSQL SQLSTATEs: lock_not_available, serialization_failure, deadlock_detected, query_canceled
# (statement_timeout).
_PG_BUSY = {"55P03", "40001", "40P01", "57014"}
_PG_DISK_FULL = {"53100"}


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE of a database error (None on SQLite)."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def is_busy_error(exc: BaseException) -> bool:
    """Another writer held the lock too long (SQLite "database is locked"; PostgreSQL lock timeout,
    serialization failure, deadlock). Safe to retry the whole unit of work."""
    state = sqlstate(exc)
    if state:
        return state in _PG_BUSY
    msg = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in msg or "database is busy" in msg or "database table is locked" in msg


def is_disk_full_error(exc: BaseException) -> bool:
    state = sqlstate(exc)
    if state:
        return state in _PG_DISK_FULL
    msg = str(getattr(exc, "orig", exc)).lower()
    return "database or disk is full" in msg or "disk i/o error" in msg


def describe_db_error(exc: BaseException) -> str | None:
    """An Indonesian sentence for a busy or disk-full error; None for anything else."""
    if is_busy_error(exc):
        return BUSY_MESSAGE
    if is_disk_full_error(exc):
        return DISK_FULL_MESSAGE
    return None


# --- queries --------------------------------------------------------------------------------------


def like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def icontains(column: Any, typed: str) -> ColumnElement[bool]:
    """`column` contains `typed`, ignoring case, wildcards in `typed` taken literally. (SQLite's LIKE
    ignores ASCII case, PostgreSQL's does not: `ilike` renders ILIKE there and lower() LIKE lower()
    on SQLite, so both answer the same.)"""
    return column.ilike(f"%{like_escape(typed)}%", escape="\\")  # type: ignore[no-any-return]


def istartswith(column: Any, typed: str) -> ColumnElement[bool]:
    return column.ilike(f"{like_escape(typed)}%", escape="\\")  # type: ignore[no-any-return]


def search_backend(bind: Any) -> str:
    """The person-name search index for this database: "fts5" (SQLite), "trgm" (PostgreSQL's pg_trgm)
    or "like"; the SQL lives in `services/registry/search.py`."""
    kind = name(bind)
    if kind == "sqlite":
        return "fts5"
    if kind == "postgresql":
        return "trgm"
    return "like"


# --- serialising writers --------------------------------------------------------------------------


def serialize_writers(session: Any, key: str) -> None:
    """Make concurrent transactions that call this with the same `key` run one after the other from
    here to their commit. Needed where each write depends on the previous one (the audit hash chain
    reads the last hash, then appends).

    SQLite has one writer at a time already (a second one waits for, or fails on, the write lock).
    PostgreSQL: a transaction-scoped advisory lock on a hash of `key`, released at commit or rollback.
    """
    if is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"kaltim-desk:{key}"})


# --- sequences after explicit ids -----------------------------------------------------------------


def reset_sequences(conn: Any, tables: Any) -> list[str]:
    """After rows were inserted with explicit ids (copying a database), move each table's id sequence
    past the largest id, so that the next insert does not collide. SQLite's rowids need nothing.
    Returns the sequences set."""
    if not is_postgresql(conn):
        return []
    done = []
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        col = pk[0]
        seq = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": col.name}
        ).scalar()
        if not seq:
            continue
        conn.execute(
            text(
                f'SELECT setval(:s, coalesce((SELECT max("{col.name}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"s": seq},
        )
        done.append(str(seq))
    return done
