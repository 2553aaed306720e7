"""Several PCs open the same PostgreSQL database: none is pushed into read-only by the one-writer lock
that guards an SQLite file (services/office/dblock.py); both save. Needs the PostgreSQL test server."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from kaltim_desk import dialect
from kaltim_desk.app import AppContext
from kaltim_desk.core.actor import Actor
from kaltim_desk.models.person import Person
from kaltim_desk.tasks import SyncTaskRunner
from kaltim_desk.user_settings import UserSettings
from tests.conftest import FakePrompts
from tests.factories import make_person

pytestmark = pytest.mark.postgres


def test_two_pcs_start_read_write_on_a_server(db: Any, tmp_path: Any, qtbot: Any) -> None:
    from kaltim_desk.views.startup import start_guards, stop_guards

    assert not dialect.uses_file_lock(db)
    pcs = []
    for i, name in enumerate(("ani", "budi")):
        prompts = FakePrompts()
        ctx = AppContext(
            db=db,
            tasks=SyncTaskRunner(),
            prompts=prompts,
            user_settings=UserSettings.load(tmp_path / f"settings-{i}.json"),
            actor=Actor(username=name, role="clerk"),
        )
        window = QWidget()
        qtbot.addWidget(window)
        window.setWindowTitle("Kaltim Desk")
        start_guards(ctx, window, remote=False)
        pcs.append((ctx, window, prompts))
    try:
        for ctx, window, prompts in pcs:
            assert prompts.messages == []
            assert not ctx.extras.get("read_only") and "[hanya-baca]" not in window.windowTitle()
            with ctx.db.session(ctx.actor) as s:
                make_person(s, name=f"Didaftar oleh {ctx.actor.username}")
        with db.read_session() as s:
            assert s.query(Person).count() == 2
    finally:
        for ctx, window, _prompts in pcs:
            window.idle_lock.stop()  # type: ignore[attr-defined]
            stop_guards(ctx)
