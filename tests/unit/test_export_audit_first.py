"""Audit first, then the file (issue 17, finding 5): when the export's audit row can not be written (a
read-only session, a writer racing us, a transaction rolled back) no file with personal data is left on
disk, and a read-only session refuses the export with a clear message. Each of these left a full-NIK
file behind before."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.db import Database
from kaltim_desk.exports import masking
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.models.grant import Grant, Programme
from kaltim_desk.models.import_batch import ExportLog
from kaltim_desk.services.excel import exports
from kaltim_desk.services.excel.consolidation import consolidate
from kaltim_desk.services.office import dblock
from tests.factories import make_person

OFFICER = Actor("officer.x", "officer")
FULL = {"full": True, "reason": "permintaan provinsi", "password": "rahasia123"}


@pytest.fixture
def office(db):
    with db.session(Actor("admin.test", "admin")) as s:
        exports.install_nik_key(s, masking.key_file_text(masking.new_key(), "Provinsi"))
        prog = Programme(name="UEP 2025", budget_year=2025, funding_source="APBD")
        s.add(prog)
        s.flush()
        for i in range(3):
            p = make_person(s, name=f"Penerima {i}")
            s.add(Grant(programme_id=prog.id, person_id=p.id, amount=1_000_000, status="approved"))
    return db


def _counts(db: Database) -> tuple[int, int]:
    with db.read_session() as s:
        logs = s.scalar(select(func.count()).select_from(ExportLog))
        audits = s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("export.%"))
        )
    return int(logs or 0), int(audits or 0)


@pytest.mark.parametrize("mode", [FULL, {}], ids=["full", "masked"])
def test_when_the_audit_write_fails_no_file_is_left(office, tmp_path, monkeypatch, mode):
    def busy(*_a, **_k):  # another PC's import holds the write lock until our timeout
        raise OperationalError("INSERT INTO audit_log ...", {}, Exception("database is locked"))

    monkeypatch.setattr(exports.audit, "record", busy)
    folder = tmp_path / "ekspor"
    folder.mkdir()
    out = folder / "bnba.xlsx"
    with pytest.raises(OperationalError), office.session(OFFICER) as s:
        exports.export_report(s, "bnba", out, **mode)
    assert not out.exists()
    assert list(folder.iterdir()) == []  # no temporary or plain (unencrypted) copy either
    assert _counts(office) == (0, 0)


@pytest.mark.sqlite_only
def test_read_only_mode_refuses_exports_with_a_clear_message_and_writes_nothing(office, tmp_path):
    dblock.make_read_only(office)  # another PC holds the writer lock: this one opened read-only
    out = tmp_path / "bnba-lengkap.xlsx"
    for mode in (FULL, {}):
        with pytest.raises(DomainError) as err, office.session(OFFICER) as s:
            exports.export_report(s, "bnba", out, **mode)
        assert err.value.code == "read_only"
        assert "hanya-baca" in err.value.message and "PC yang sedang menulis" in err.value.message
        assert not out.exists()
    with pytest.raises(DomainError) as err, office.session(OFFICER) as s:
        consolidate([tmp_path / "x.xlsx"], tmp_path / "prov.xlsx", session=s)
    assert err.value.code == "read_only" and not (tmp_path / "prov.xlsx").exists()


def test_a_file_whose_transaction_rolls_back_is_deleted(office, tmp_path):
    out = tmp_path / "bnba.xlsx"

    class CommitFailed(Exception):
        pass

    with pytest.raises(CommitFailed), office.session(OFFICER) as s:
        res = exports.export_report(s, "bnba", out, **FULL)
        assert res.path.exists() and res.rows == 3
        raise CommitFailed  # e.g. the disk filled up before the commit
    assert not out.exists()
    assert _counts(office) == (0, 0)


def test_a_committed_export_keeps_its_file_and_its_record_written_first(office, tmp_path):
    out = tmp_path / "bnba.xlsx"
    with office.session(OFFICER) as s:
        res = exports.export_report(s, "bnba", out, **FULL)
    assert out.exists()
    with office.read_session() as s:
        log = s.scalar(select(ExportLog))
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "export.full"))
        assert log.checksum == res.checksum and log.row_count == 3
        assert entry is not None and str(entry.entity_id) == str(log.id)
    # a second export in a later transaction that rolls back removes only its own file
    other = tmp_path / "other.xlsx"
    with pytest.raises(RuntimeError), office.session(OFFICER) as s:
        exports.export_report(s, "recap", other)
        raise RuntimeError
    assert out.exists() and not other.exists()


def test_cli_read_only_database_refusal_is_a_message_not_a_traceback(office, tmp_path, capsys, monkeypatch):
    from kaltim_desk.cli import main as cli_main

    monkeypatch.setattr(exports.dialect, "is_read_only", lambda _s: True)
    code = cli_main(["export", "bnba", "--db", office.url, "--out", str(tmp_path / "b.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and "hanya-baca" in err and "Traceback" not in err
    assert not (tmp_path / "b.xlsx").exists()


def test_a_savepoint_rolled_back_after_the_export_keeps_the_file(office, tmp_path):
    out = tmp_path / "bnba.xlsx"
    with office.session(OFFICER) as s:
        exports.export_report(s, "bnba", out)
        try:
            with s.begin_nested():
                raise ValueError  # some later step of the same unit of work fails and is undone alone
        except ValueError:
            pass
    assert out.exists() and _counts(office) == (1, 1)
