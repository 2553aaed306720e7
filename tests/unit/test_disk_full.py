"""R3: a full disk (simulated with `PRAGMA max_page_count` just above the current size) during an
import-sized batch: the error reads plainly, nothing is changed, the file is sound, the app goes on."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from kaltim_desk.db import Database
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.person import Person
from kaltim_desk.views.prompts import describe_error
from tests.factories import make_person

pytestmark = pytest.mark.sqlite_only


def _counts(db: Database) -> tuple[int, int]:
    with db.read_session() as s:
        return (
            int(s.scalar(select(func.count()).select_from(Person)) or 0),
            int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0),
        )


def test_disk_full_during_a_batch_rolls_back_and_says_so(db: Database) -> None:
    with db.session() as s:
        make_person(s, name="Sudah Tersimpan")
    before = _counts(db)
    with db.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    limit = int(pages) + 3

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={limit}")

    event.listen(db.engine, "connect", cap)
    db.engine.dispose()
    with pytest.raises(OperationalError) as err, db.session() as s:
        for i in range(400):  # an import batch: one transaction
            make_person(s, name=f"Impor {i}", notes="baris impor " * 20)
    message = describe_error(err.value)
    assert message.startswith("Penyimpanan penuh: perubahan dibatalkan, tidak ada data yang berubah.")
    assert _counts(db) == before
    with db.read_session() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert s.scalar(select(Person.name)) == "SUDAH TERSIMPAN"  # reading goes on

    # the clerk frees space (the cap goes) and the same app writes again
    event.remove(db.engine, "connect", cap)
    db.engine.dispose()
    with db.session() as s:
        make_person(s, name="Setelah Ruang Kosong")
    assert _counts(db) == (before[0] + 1, before[1] + 1)
