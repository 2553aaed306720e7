"""The dialect layer: each function answers for the backend under test (SQLite, or PostgreSQL when
KALTIM_TEST_DATABASE_URL names one), and its pure parts for both."""

from __future__ import annotations

import pytest
from sqlalchemy import column, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from kaltim_desk import dialect
from kaltim_desk.models.person import Person
from tests.conftest import ON_POSTGRES


def test_name_from_urls_engines_sessions_and_databases(db, session) -> None:
    assert dialect.name("sqlite:////tmp/x.db") == "sqlite"
    assert dialect.name("postgresql+psycopg://u:p@127.0.0.1:5432/k") == "postgresql"
    assert dialect.name("postgresql") == "postgresql"
    expected = "postgresql" if ON_POSTGRES else "sqlite"
    for bind in (db, db.engine, session, session.connection()):
        assert dialect.name(bind) == expected
    assert dialect.is_sqlite(db) is (not ON_POSTGRES)
    assert dialect.is_postgresql(db) is ON_POSTGRES
    assert dialect.is_server(db) is ON_POSTGRES
    assert db.is_sqlite is (not ON_POSTGRES)


def test_backup_is_the_apps_job_for_a_file_and_pg_dumps_for_a_server(db) -> None:
    assert dialect.supports_file_backup("sqlite:////tmp/office.db")
    assert not dialect.supports_file_backup("sqlite://")  # in memory: nothing to back up
    assert not dialect.supports_file_backup("postgresql+psycopg://u@h/k")
    assert dialect.backup_refusal("sqlite:////tmp/office.db") is None
    assert "pg_dump" in (dialect.backup_refusal("postgresql+psycopg://u@h/k") or "")
    assert dialect.supports_file_backup(db) is (not ON_POSTGRES)
    assert dialect.uses_file_lock(db) is (not ON_POSTGRES)


def test_connection_settings_per_backend(db) -> None:
    assert dialect.engine_options("sqlite:////tmp/x.db") == {}
    opts = dialect.engine_options("postgresql+psycopg://u@127.0.0.1/k")
    assert "lock_timeout=10000" in opts["connect_args"]["options"]
    custom = dialect.engine_options("postgresql+psycopg://u@h/k?options=-c%20statement_timeout%3D5000")
    assert custom["connect_args"]["options"].endswith("-c statement_timeout=5000")
    with db.engine.connect() as conn:
        if ON_POSTGRES:
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "10s"
            assert conn.execute(text("SHOW application_name")).scalar() == "kaltim-desk"
        else:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == dialect.LOCK_TIMEOUT_MS
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert "query_only" in dialect.read_only_statement("sqlite")
    assert "READ ONLY" in dialect.read_only_statement("postgresql")


def test_integrity_and_foreign_key_checks_pass_on_a_fresh_database(db) -> None:
    from kaltim_desk.db import integrity_ok

    with db.engine.connect() as conn:
        assert dialect.integrity_check(conn) == (True, "ok")
        assert dialect.integrity_check(conn, quick=True) == (True, "ok")
        assert dialect.foreign_key_violations(conn) == []
    assert integrity_ok(db.engine) == (True, "ok")


@pytest.mark.sqlite_only
def test_sqlite_foreign_key_check_names_an_orphan(db) -> None:
    import sqlite3

    raw = sqlite3.connect(db.path)  # another tool, foreign keys off (SQLite's default)
    raw.execute("INSERT INTO group_member (group_id, person_id, role) VALUES (999, 999, 'anggota')")
    raw.commit()
    raw.close()
    with db.engine.connect() as conn:
        rows = dialect.foreign_key_violations(conn)
    assert rows and rows[0][0] == "group_member"


@pytest.mark.postgres
def test_postgres_integrity_check_names_an_unvalidated_constraint(db) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            text("ALTER TABLE person ADD CONSTRAINT ck_probe CHECK (rt IS NULL OR rt <> '') NOT VALID")
        )
        ok, message = dialect.integrity_check(conn)
    assert not ok and "ck_probe" in message


class _FakeOrig(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def test_busy_and_disk_full_errors_are_recognised_on_both() -> None:
    locked = OperationalError("INSERT", {}, _FakeOrig("database is locked"))
    pg_lock = OperationalError("UPDATE", {}, _FakeOrig("canceling statement due to lock timeout", "55P03"))
    deadlock = OperationalError("UPDATE", {}, _FakeOrig("deadlock detected", "40P01"))
    full = OperationalError("INSERT", {}, _FakeOrig("database or disk is full"))
    pg_full = OperationalError("INSERT", {}, _FakeOrig("could not extend file", "53100"))
    other = OperationalError("SELECT", {}, _FakeOrig("syntax error", "42601"))
    for exc in (locked, pg_lock, deadlock):
        assert dialect.is_busy_error(exc)
        assert dialect.describe_db_error(exc) == dialect.BUSY_MESSAGE
    for exc in (full, pg_full):
        assert dialect.is_disk_full_error(exc) and not dialect.is_busy_error(exc)
        assert dialect.describe_db_error(exc) == dialect.DISK_FULL_MESSAGE
    assert dialect.describe_db_error(other) is None


def test_case_insensitive_matching_renders_per_backend_and_escapes_wildcards() -> None:
    cond = dialect.icontains(column("name"), "50%_a")
    pg = str(cond.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    lite = str(cond.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    assert "ILIKE" in pg and "\\_a" in pg
    assert "lower(" in lite


def test_case_insensitive_matching_finds_the_same_people(session) -> None:
    from tests.factories import make_person

    make_person(session, name="Siti Aminah")
    make_person(session, name="Nur Aini")
    session.flush()
    found = session.scalars(select(Person.name).where(dialect.icontains(Person.name, "amin"))).all()
    assert found == ["SITI AMINAH"]
    found = session.scalars(select(Person.name).where(dialect.istartswith(Person.name, "nur"))).all()
    assert found == ["NUR AINI"]
    assert session.scalars(select(Person.name).where(dialect.icontains(Person.name, "%"))).all() == []


def test_search_backend_is_the_search_services_choice(db) -> None:
    assert dialect.search_backend("sqlite") == "fts5"
    assert dialect.search_backend("postgresql") == "trgm"
    assert dialect.search_backend(db) == ("trgm" if ON_POSTGRES else "fts5")


def test_serialize_writers_is_harmless_in_one_session(session) -> None:
    dialect.serialize_writers(session, "audit_log")
    dialect.serialize_writers(session, "audit_log")  # re-entrant within a transaction


def test_reset_sequences_moves_past_explicit_ids(db) -> None:
    from kaltim_desk.models import Base

    insert = text(
        "INSERT INTO kube_group (id, name, status, created_at, updated_at, version) "
        "VALUES (:id, :name, 'forming', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
    )
    with db.engine.begin() as conn:
        conn.execute(insert, {"id": 500, "name": "KUBE Salin"})
        done = dialect.reset_sequences(conn, Base.metadata.sorted_tables)
        new_id = conn.execute(
            text(
                "INSERT INTO kube_group (name, status, created_at, updated_at, version) "
                "VALUES ('KUBE Baru', 'forming', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1) RETURNING id"
            )
        ).scalar()
    assert new_id == 501
    if ON_POSTGRES:
        assert any("kube_group_id_seq" in s for s in done)
        assert not any("setting" in s for s in done)  # a text key has no sequence
    else:
        assert done == []


def test_trigger_names_include_the_audit_guard(db) -> None:
    with db.engine.connect() as conn:
        assert "audit_log_no_update" in dialect.trigger_names(conn)
