"""Shared fixtures. Qt runs offscreen; every test gets its own database, settings and data folders.

The backend is SQLite by default; `KALTIM_TEST_DATABASE_URL=postgresql+psycopg://...` runs the same
tests against PostgreSQL (each test in a fresh schema).
"""

from __future__ import annotations

import os

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

from kaltim_desk.db import Database  # noqa: E402
from kaltim_desk.services.actor import Actor  # noqa: E402

ADMIN = Actor(username="admin.test", role="admin", display_name="Admin Uji")
CLERK = Actor(username="clerk.test", role="clerk", display_name="Operator Uji")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    from kaltim_desk.services.bootstrap import prepare

    database = Database(db_url)
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

    def info(self, parent: Any, title: str, text: str) -> None:
        self.messages.append(("info", title, text))

    def error(self, parent: Any, title: str, text: str) -> None:
        self.messages.append(("error", title, text))

    def confirm(self, parent: Any, title: str, text: str) -> bool:
        self.messages.append(("confirm", title, text))
        return self.confirm_answer

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
