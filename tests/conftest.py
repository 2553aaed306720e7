"""Shared fixtures. Qt runs offscreen; every test gets its own database, settings and data folders.

The backend is SQLite by default; `KALTIM_TEST_DATABASE_URL=postgresql+psycopg://...` runs the same
tests against PostgreSQL (each test in a fresh database on that server; docs/POSTGRES.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Per-user folders of the app point into a temporary tree for the whole run.
_run_dir = Path(tempfile.mkdtemp(prefix="kaltim-tests-"))
os.environ["KALTIM_DESK_DATA_DIR"] = str(_run_dir / "data")
os.environ["KALTIM_DESK_CONFIG_DIR"] = str(_run_dir / "config")
os.environ.pop("KALTIM_DESK_DATABASE_URL", None)

from kaltim_desk.core.actor import Actor  # noqa: E402
from kaltim_desk.db import Database  # noqa: E402

ADMIN = Actor(username="admin.test", role="admin", display_name="Admin Uji")
CLERK = Actor(username="clerk.test", role="clerk", display_name="Operator Uji")


# The backend under test: SQLite files by default; a PostgreSQL server when this names one (each test
# then gets its own database on it; see `db_url`). See docs/POSTGRES.md.
TEST_DATABASE_URL = os.environ.get("KALTIM_TEST_DATABASE_URL", "").strip()
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
NO_POSTGRES_REASON = (
    "needs PostgreSQL: set KALTIM_TEST_DATABASE_URL=postgresql+psycopg://... "
    "(.ci/scripts/postgres.sh starts a local test server and prints one)"
)


_EXIT_STATUS = pytest.StashKey[int]()


def pytest_report_header(config: pytest.Config) -> str:
    if ON_POSTGRES:
        from sqlalchemy.engine import make_url

        return f"kaltim-desk backend: postgresql ({make_url(TEST_DATABASE_URL).render_as_string()})"
    return "kaltim-desk backend: sqlite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`sqlite_only` tests (crash loops on a file, the sqlite backup API, corrupt-file fixtures) skip on
    PostgreSQL; `postgres` tests skip without a server."""
    # CI's second pass (.ci/run) sets KALTIM_TEST_DATABASE_ONLY=1: tests that never open the database
    # under test (no `db_url` in their fixtures: domain rules, documents, the installer...) already ran
    # in the SQLite pass, and running them again would only double CI's time.
    database_only = ON_POSTGRES and os.environ.get("KALTIM_TEST_DATABASE_ONLY") == "1"
    for item in items:
        if ON_POSTGRES and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite-only (file database); backend is PostgreSQL"))
        elif (
            database_only
            and "db_url" not in getattr(item, "fixturenames", ())
            and not item.get_closest_marker("postgres")
            and not item.get_closest_marker("database")
        ):
            item.add_marker(pytest.mark.skip(reason="uses no database; ran in the SQLite pass"))
        if not ON_POSTGRES and item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason=NO_POSTGRES_REASON))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """End a test process that loaded Qt without Python's own finalisation, once pytest has reported.

    PySide6 6.12 releases the `True`/`False` objects once too often in some calls: over a long GUI run
    their reference count drains, and the interpreter's last garbage collection, after every test has
    passed and the summary is printed, dies with "Fatal Python error: bool_dealloc" (exit 134; three runs
    of three for tests/gui/test_first_run_wizard.py). The window's process ends the same way
    (views/application.run_gui). Test processes without Qt end normally."""
    status = config.stash.get(_EXIT_STATUS, None)
    if status is None or "PySide6.QtCore" not in sys.modules:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(status)


def _pg_admin_engine() -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@contextlib.contextmanager
def pg_test_database() -> Iterator[str]:
    """A fresh empty database on the test server; its URL; dropped (connections and all) afterwards."""
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"kaltim_test_{uuid.uuid4().hex[:16]}"
    admin = _pg_admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _own_audit_anchor_file(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test remembers its own audit heads: PostgreSQL tests reuse pooled databases (same name, reset
    content) that would otherwise look like a chain cut behind the app's back."""
    monkeypatch.setenv(
        "KALTIM_DESK_AUDIT_ANCHOR_FILE", str(tmp_path_factory.mktemp("anchor") / "audit-anchor.json")
    )


@pytest.fixture
def db_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The test's own database: a SQLite file, or a database on the PostgreSQL test server. Empty,
    unless the test also uses `db`: then, on PostgreSQL, it is already prepared (from a pool that
    tests/pg/server.py keeps in the template's state; SQLite copies `template_db_file` in `db`)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if "db" in request.fixturenames:
        from tests.pg.server import url_for

        template = request.getfixturevalue("template_pg_database")
        name = template.checkout()
        _PG_PREPARED.add(name)
        try:
            yield url_for(TEST_DATABASE_URL, name)
        finally:
            _PG_PREPARED.discard(name)
            template.checkin(name)
        return
    with pg_test_database() as url:
        yield url


_PG_PREPARED: set[str] = set()


@pytest.fixture(scope="session")
def template_db_file() -> Path:
    """One migrated database with the region table, made once per run and copied for each test
    (migrating and loading 1,154 regions for every test would dominate the suite's time)."""
    from kaltim_desk.services.office.bootstrap import prepare

    path = _run_dir / "template.db"
    database = Database(f"sqlite:///{path}")
    prepare(database)
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture(scope="session")
def template_pg_database() -> Iterator[Any]:
    """PostgreSQL's counterpart of `template_db_file` (tests/pg/server.py): a prepared database, and
    the pool of per-test databases copied from it; all dropped at the end of the run."""
    from kaltim_desk.services.office.bootstrap import prepare
    from tests.pg.server import Template

    def prepare_url(url: str) -> None:
        database = Database(url)
        prepare(database)
        database.dispose()

    template = Template.build(TEST_DATABASE_URL, prepare_url)
    try:
        yield template
    finally:
        template.drop_all()


@pytest.fixture
def db(db_url: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    import shutil

    from sqlalchemy.engine import make_url

    from kaltim_desk.config import sqlite_path
    from kaltim_desk.services.office.bootstrap import prepare

    target = sqlite_path(db_url)
    database = Database(db_url)
    if target is not None:
        # already at head, regions loaded
        shutil.copyfile(request.getfixturevalue("template_db_file"), target)
    elif not (ON_POSTGRES and make_url(db_url).database in _PG_PREPARED):
        prepare(database)
    yield database
    database.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Any]:
    """A session acting as an admin; committed at the end of the test unless it raised."""
    with db.session(ADMIN) as s:
        yield s


class FakePrompts:
    """Answers dialogs for GUI tests and records what the user would have been told."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str]] = []
        self.confirm_answer = True
        self.text_answer: str | None = "alasan uji"
        self.file_answer: Path | None = None
        self.folder_answer: Path | None = None
        self.choice_answer: int | None = None  # index of the button `choose` clicks; None: the default

    def info(self, parent: Any, title: str, text: str) -> None:
        self.messages.append(("info", title, text))

    def error(self, parent: Any, title: str, text: str) -> None:
        self.messages.append(("error", title, text))

    def confirm(self, parent: Any, title: str, text: str) -> bool:
        self.messages.append(("confirm", title, text))
        return self.confirm_answer

    def choose(self, parent: Any, title: str, text: str, buttons: list[str], default: int = 0) -> int:
        self.messages.append(("choose", title, text))
        return default if self.choice_answer is None else self.choice_answer

    def ask_text(self, parent: Any, title: str, label: str, default: str = "") -> str | None:
        return self.text_answer

    def open_file(self, parent: Any, title: str, filters: str) -> Path | None:
        return self.file_answer

    def save_file(self, parent: Any, title: str, suggested: str, filters: str) -> Path | None:
        return self.file_answer

    def choose_folder(self, parent: Any, title: str) -> Path | None:
        return self.folder_answer


@pytest.fixture
def prompts() -> FakePrompts:
    return FakePrompts()


@pytest.fixture
def ctx(db: Database, prompts: FakePrompts, tmp_path: Path) -> Any:
    """An AppContext on the test database, running background tasks synchronously."""
    from kaltim_desk.app import AppContext
    from kaltim_desk.tasks import SyncTaskRunner
    from kaltim_desk.user_settings import UserSettings

    return AppContext(
        db=db,
        tasks=SyncTaskRunner(),
        prompts=prompts,
        user_settings=UserSettings.load(tmp_path / "settings.json"),
        actor=ADMIN,
    )
