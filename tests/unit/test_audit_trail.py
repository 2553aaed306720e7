"""R19: the audit trail is insert-only in the database, chained by hash, and `kaltim-desk check` names
the first row changed behind the app's back; the audit page's filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from kaltim_desk.cli import main
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import PermissionDenied
from kaltim_desk.db import Database
from kaltim_desk.models.base import utcnow
from kaltim_desk.services.office import audit_query
from kaltim_desk.services.registry import people
from tests.factories import make_person


@pytest.fixture
def trail(db: Database) -> Database:
    with db.session(Actor("siti", "clerk")) as s:
        for i in range(3):
            make_person(s, name=f"Warga {i}")
    with db.session(Actor("budi", "officer")) as s:
        people.deactivate_person(s, 1, "pindah domisili")
    return db


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'orang.lain' WHERE id = 2", "DELETE FROM audit_log WHERE id = 2"],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(trail: Database, statement: str) -> None:
    with pytest.raises(DatabaseError, match="insert-only"), trail.session() as s:
        s.execute(text(statement))
    with trail.read_session() as s:
        assert s.scalar(text("SELECT actor FROM audit_log WHERE id = 2")) == "siti"
        assert s.scalar(text("SELECT count(*) FROM audit_log")) == 4


@pytest.mark.sqlite_only
def test_check_names_the_first_row_changed_after_dropping_the_triggers(
    trail: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--db", str(trail.path)]) == 0
    capsys.readouterr()
    with trail.session() as s:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        s.execute(
            text("UPDATE audit_log SET detail = replace(detail, 'WARGA 1', 'WARGA PALSU') WHERE id = 2")
        )
    trail.dispose()
    assert main(["check", "--db", str(trail.path)]) == 3
    out = capsys.readouterr().out
    assert "GAGAL Jejak audit" in out
    assert "rantai putus pada baris audit #2" in out
    assert "audit_log_no_update" in out  # the missing guard is named too


@pytest.mark.sqlite_only
def test_a_deleted_row_breaks_the_chain_at_the_next_row(
    trail: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with trail.session() as s:
        s.execute(text("DROP TRIGGER audit_log_no_delete"))
        s.execute(text("DELETE FROM audit_log WHERE id = 3"))
    trail.dispose()
    assert main(["check", "--db", str(trail.path)]) == 3
    assert "baris audit #4" in capsys.readouterr().out


def test_person_details_in_the_audit_are_masked(trail: Database) -> None:
    with trail.read_session() as s:
        nik = s.scalar(text("SELECT nik FROM person WHERE id = 1"))
        detail = s.scalar(
            text("SELECT detail FROM audit_log WHERE action = 'person.create' AND entity_id = '1'")
        )
    assert nik not in detail
    assert nik[:6] + "******" + nik[-4:] in detail


def test_filters_of_the_audit_page(trail: Database) -> None:
    officer = Actor("budi", "officer")
    with trail.read_session(officer) as s:
        everything = audit_query.page_entries(s, audit_query.AuditFilter())
        assert [r.action for r in everything][:2] == ["person.deactivate", "person.create"]  # newest first
        assert audit_query.count_entries(s, audit_query.AuditFilter(actor="siti")) == 3
        assert audit_query.count_entries(s, audit_query.AuditFilter(action="person.deactivate")) == 1
        assert audit_query.count_entries(s, audit_query.AuditFilter(action="person.")) == 4
        assert audit_query.count_entries(s, audit_query.AuditFilter(entity="group")) == 0
        today = utcnow().date()
        assert audit_query.count_entries(s, audit_query.AuditFilter(date_from=today, date_to=today)) == 4
        assert audit_query.count_entries(s, audit_query.AuditFilter(date_to=today - timedelta(days=1))) == 0
        assert audit_query.count_entries(s, audit_query.AuditFilter(date_from=date(2999, 1, 1))) == 0
        row = audit_query.page_entries(s, audit_query.AuditFilter(text="domisili"))[0]
        assert row.action_label == "Nonaktifkan penerima" and "pindah domisili" in row.summary
        assert audit_query.distinct_values(s, "actor") == ["budi", "siti"]
        ok, message = audit_query.verify_chain(s)
        assert ok and message.startswith("4 catatan, rantai utuh, bertanda kunci")


def test_clerks_and_trainers_do_not_see_the_audit(trail: Database) -> None:
    for role in ("clerk", "trainer"):
        with pytest.raises(PermissionDenied), trail.read_session(Actor("x", role)) as s:
            audit_query.count_entries(s, audit_query.AuditFilter())
