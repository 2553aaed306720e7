"""The Audit page as an officer sees it: newest first, filters, and the chain check turning red."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from kaltim_desk.core.actor import Actor
from kaltim_desk.services.registry import people
from kaltim_desk.views.pages.audit import Page
from tests.factories import make_person


def _shown(page: Page) -> list[list[str]]:
    m = page.model
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


def _page(ctx: Any, qtbot: Any) -> Page:
    with ctx.db.session(Actor("siti", "clerk")) as s:
        for i in range(3):
            make_person(s, name=f"Warga {i}")
    with ctx.db.session(Actor("budi", "officer")) as s:
        people.deactivate_person(s, 1, "pindah domisili")
    page = Page(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    return page


def test_newest_first_with_readable_details(ctx: Any, qtbot: Any) -> None:
    page = _page(ctx, qtbot)
    rows = _shown(page)
    assert len(rows) == 4
    assert rows[0][2] == "budi" and rows[0][3] == "Nonaktifkan penerima" and rows[0][4] == "Penerima"
    assert "pindah domisili" in rows[0][6]
    assert page.count_label.text() == "4 data ditemukan"
    assert "Rantai audit utuh" in page.chain_label.text()


def test_filters_by_actor_action_and_text(ctx: Any, qtbot: Any) -> None:
    page = _page(ctx, qtbot)
    page.actor.setCurrentIndex(page.actor.findData("siti"))
    assert len(_shown(page)) == 3 and {r[2] for r in _shown(page)} == {"siti"}
    page.actor.setCurrentIndex(0)
    page.action.setCurrentIndex(page.action.findData("person.deactivate"))
    assert [r[3] for r in _shown(page)] == ["Nonaktifkan penerima"]
    page.action.setCurrentIndex(0)
    qtbot.keyClicks(page.search, "domisili")
    page.refresh()
    assert len(_shown(page)) == 1
    page.search.clear()
    page.use_dates.setChecked(True)
    page.date_to.setDate(page.date_to.date().addDays(-5))
    page.date_from.setDate(page.date_to.date().addDays(-10))
    assert _shown(page) == [] and page.count_label.text() == "0 data ditemukan"


@pytest.mark.sqlite_only
def test_tampering_turns_the_chain_check_red(ctx: Any, qtbot: Any) -> None:
    page = _page(ctx, qtbot)
    with ctx.db.session() as s:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        s.execute(text("UPDATE audit_log SET actor = 'orang.lain' WHERE id = 3"))
    qtbot.mouseClick(page.chain_button, Qt.MouseButton.LeftButton)
    assert "PERINGATAN" in page.chain_label.text() and "#3" in page.chain_label.text()
