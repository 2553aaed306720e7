"""Issue 17, finding 4: an insider who can write the database file but not read the office's audit key
can no longer rewrite the audit trail unnoticed. Each attack recomputes whatever an attacker can
recompute without the key (the plain SHA-256 links of the old format), and `kaltim-desk check` must
fail with a message that says what happened. Before the keyed chain, every one of these said
"rantai utuh"."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from kaltim_desk.cli import main
from kaltim_desk.core import audit, audit_anchor
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import DomainError
from kaltim_desk.db import Database, migrate
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.person import Person
from kaltim_desk.services.office import users
from kaltim_desk.services.office.backup import make_backup
from kaltim_desk.services.office.restore import restore_database
from kaltim_desk.services.registry import people
from tests.conftest import ADMIN
from tests.factories import make_person

pytestmark = pytest.mark.sqlite_only  # raw edits of an SQLite file; PostgreSQL: test_audit_roles.py


@pytest.fixture
def trail(db: Database) -> Database:
    with db.session(Actor("siti", "clerk")) as s:
        for i in range(4):
            make_person(s, name=f"Warga {i}")
    with db.session(Actor("budi", "officer")) as s:
        people.deactivate_person(s, 1, "pindah domisili")
    return db


def _raw(db: Database) -> sqlite3.Connection:
    db.dispose()
    assert db.path is not None
    conn = sqlite3.connect(db.path, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    return conn


def _relink_without_key(conn: sqlite3.Connection) -> None:
    """What an attacker without the key can do: recompute every link with the unkeyed formula."""
    prev = audit.GENESIS
    rows = conn.execute(
        "SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log ORDER BY id"
    ).fetchall()
    for rid, at, actor, action, entity, entity_id, detail in rows:
        h = audit.entry_hash(prev, datetime.fromisoformat(at), actor, action, entity, entity_id, detail)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ?, key_id = NULL WHERE id = ?", (prev, h, rid)
        )
        prev = h


def _check(db: Database, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", "--db", str(db.path), *extra])
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "Jejak audit" in x)
    return code, line


def test_an_untouched_keyed_chain_passes(trail: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = _check(trail, capsys)
    assert code == 0, line
    assert "OK" in line and "5 catatan, rantai utuh, bertanda kunci" in line
    assert "berkas jangkar di folder data" in line


def test_an_edited_row_with_the_chain_recomputed_is_found(
    trail: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = _raw(trail)
    conn.execute("UPDATE audit_log SET actor = 'orang.lain' WHERE id = 2")
    _relink_without_key(conn)
    code, line = _check(trail, capsys)
    assert code == 3 and "GAGAL" in line
    # every row is now unkeyed and self-consistent: the anchor outside the database shows it
    assert "tidak sama lagi dengan yang tercatat di berkas jangkar di folder data" in line


def test_an_edited_row_relinked_with_keyed_rows_left_keyed_breaks_at_that_row(
    trail: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = _raw(trail)
    row = conn.execute(
        "SELECT prev_hash, at, actor, action, entity, entity_id, detail FROM audit_log WHERE id = 3"
    ).fetchone()
    forged_detail = (row[6] or "").replace("WARGA 2", "WARGA PALSU")
    h = audit.entry_hash(
        row[0], datetime.fromisoformat(row[1]), row[2], row[3], row[4], row[5], forged_detail
    )
    conn.execute("UPDATE audit_log SET detail = ?, hash = ? WHERE id = 3", (forged_detail, h))
    code, line = _check(trail, capsys)
    assert code == 3 and "rantai putus pada baris audit #3" in line


def test_a_row_deleted_from_the_middle_is_found(trail: Database, capsys: pytest.CaptureFixture[str]) -> None:
    conn = _raw(trail)
    conn.execute("DELETE FROM audit_log WHERE id = 3")
    code, line = _check(trail, capsys)
    assert code == 3 and "rantai putus pada baris audit #4" in line
    _relink_without_key(conn)  # and with every link recomputed
    code, line = _check(trail, capsys)
    assert code == 3 and "tidak sama lagi dengan yang tercatat" in line


def test_rows_deleted_from_the_end_are_found(trail: Database, capsys: pytest.CaptureFixture[str]) -> None:
    conn = _raw(trail)
    conn.execute("DELETE FROM audit_log WHERE id >= 4")
    code, line = _check(trail, capsys)
    assert code == 3
    assert "catatan audit terakhir hilang: berkas jangkar di folder data mencatat baris #5" in line
    assert "jejak kini berakhir di baris #3" in line


def test_every_row_deleted_is_found(trail: Database, capsys: pytest.CaptureFixture[str]) -> None:
    conn = _raw(trail)
    conn.execute("DELETE FROM audit_log")
    code, line = _check(trail, capsys)
    assert code == 3 and "mencatat baris #5, jejak kini kosong" in line
    # ... and still after the app has written new rows onto the emptied table
    conn.close()
    with trail.session(ADMIN) as s:
        make_person(s, name="Warga Baru")
    code, line = _check(trail, capsys)
    assert code == 3 and "diganti tanpa pemulihan cadangan yang tercatat" in line


def test_a_forged_full_export_row_is_found(trail: Database, capsys: pytest.CaptureFixture[str]) -> None:
    conn = _raw(trail)
    prev, kid = conn.execute("SELECT hash, key_id FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    at = utcnow()
    detail = json.dumps({"kind": "bnba", "reason": "permintaan dinas", "rows": 300}, sort_keys=True)
    forged = audit.entry_hash(prev, at, "budi", "export.full", "export", "1", detail)
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, prev_hash, hash, key_id) "
        "VALUES (?, 'budi', 'export.full', 'export', '1', ?, ?, ?, ?)",
        (at.isoformat(sep=" "), detail, prev, forged, kid),
    )
    code, line = _check(trail, capsys)
    assert code == 3 and "rantai putus pada baris audit #6 (export.full" in line


def test_the_newest_backup_anchors_the_head_when_the_anchor_file_is_gone(
    trail: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    make_backup(trail, reason="harian")
    audit_anchor.anchor_path().unlink()
    conn = _raw(trail)
    conn.execute("DELETE FROM audit_log WHERE id = 5")
    code, line = _check(trail, capsys)
    assert code == 3 and "cadangan kaltim" not in line  # named after the test database's backup file
    assert "catatan audit terakhir hilang: cadangan test-" in line and "mencatat baris #5" in line


def test_an_export_given_with_anchor_shows_a_cut_chain(
    trail: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kaltim_desk.services.excel.exports import export_report

    with trail.session(ADMIN) as s:
        export_report(s, "bnba", tmp_path / "bnba.xlsx")
    audit_anchor.anchor_path().unlink()
    code, line = _check(trail, capsys, "--anchor", str(tmp_path / "bnba.xlsx"))
    assert code == 0, line
    conn = _raw(trail)
    # the export's head is its own audit row (#6: audit first, then the file), so deleting just that
    # row is found too
    conn.execute("DELETE FROM audit_log WHERE id >= 6")
    code, line = _check(trail, capsys, "--anchor", str(tmp_path / "bnba.xlsx"))
    assert code == 3 and "ekspor bnba.xlsx mencatat baris #6" in line


def test_a_restore_is_not_taken_for_tampering(trail: Database, capsys: pytest.CaptureFixture[str]) -> None:
    early = make_backup(trail, reason="harian")
    with trail.session(ADMIN) as s:
        make_person(s, name="Sesudah Cadangan")
    restore_database(trail, early.path, ADMIN)
    code, line = _check(trail, capsys)
    assert code == 0, line


def test_the_key_file_is_private_and_outside_the_database(trail: Database) -> None:
    path = audit.key_path()
    assert path.is_file()
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = bytes.fromhex(path.read_text().strip())
    assert trail.path is not None
    assert key.hex().encode() not in trail.path.read_bytes() and key not in trail.path.read_bytes()


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_key_file_others_can_read_fails_the_check(
    trail: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    audit.key_path().chmod(0o644)
    try:
        code, line = _check(trail, capsys)
    finally:
        audit.key_path().chmod(0o600)
    assert code == 3 and "dapat dibaca pengguna lain" in line and "chmod 600" in line


def test_a_pc_without_the_key_refuses_to_write_and_check_says_why(
    trail: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(audit.KEY_FILE_ENV, str(tmp_path / "second-pc" / "audit.key"))
    with (
        pytest.raises(DomainError, match="Kunci audit kantor tidak ada di komputer ini"),
        trail.session(ADMIN) as s,
    ):
        make_person(s, name="Tanpa Kunci")
    with trail.read_session() as s:
        assert s.scalar(select(Person.id).where(Person.name.ilike("tanpa kunci"))) is None
    assert not (tmp_path / "second-pc" / "audit.key").exists()  # no second key forks the chain
    code, line = _check(trail, capsys)
    assert code == 3 and "tidak ada di komputer ini" in line and "pasang berkas kunci audit kantor" in line


def test_an_old_unkeyed_chain_is_sealed_on_upgrade_not_reported_as_tampered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database written by the previous version (schema 0009, plain SHA-256 links) is upgraded: the
    old rows still verify, the first new row seals them under the key, and an old row changed after
    that is found."""
    db = Database(f"sqlite:///{tmp_path / 'lama.db'}")
    migrate(db.engine, "0009_search_name_order")
    conn = sqlite3.connect(tmp_path / "lama.db", isolation_level=None)
    prev = audit.GENESIS
    for i in range(3):
        at = datetime(2025, 1, 2, 3, 4, 5, i)
        h = audit.entry_hash(prev, at, "admin", "settings.edit", "settings", None, f'{{"n": {i}}}')
        conn.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, prev_hash, hash) "
            "VALUES (?, 'admin', 'settings.edit', 'settings', NULL, ?, ?, ?)",
            (at.isoformat(sep=" "), f'{{"n": {i}}}', prev, h),
        )
        prev = h
    conn.close()
    db.dispose()
    code, line = _check(db, capsys)  # `check` migrates, then verifies: nothing written yet
    assert code == 0, line
    assert "3 catatan, rantai utuh (format lama tanpa kunci" in line
    with db.session(ADMIN) as s:
        make_person(s, name="Sesudah Pembaruan")
    code, line = _check(db, capsys)
    assert code == 0, line
    assert "4 catatan, rantai utuh, bertanda kunci; 3 catatan lama tersegel kunci" in line
    conn = _raw(db)
    conn.execute("UPDATE audit_log SET detail = '{\"n\": 9}' WHERE id = 2")
    _relink_without_key(conn)
    conn.execute("DELETE FROM audit_log WHERE id = 4")  # and the sealing row removed
    code, line = _check(db, capsys)
    assert code == 3 and "mencatat baris #4, jejak kini berakhir di baris #3" in line


def test_a_restore_done_outside_the_app_is_accepted_by_an_admin(
    trail: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT staff put an older copy of the file back by hand (or pg_restore on a server): check reports the
    cut until an admin records the restore, with a reason, in the trail itself."""
    import shutil

    assert trail.path is not None
    trail.dispose()
    shutil.copyfile(trail.path, tmp_path / "salinan.db")
    with trail.session(ADMIN) as s:
        make_person(s, name="Sesudah Salinan")
    trail.dispose()
    shutil.copyfile(tmp_path / "salinan.db", trail.path)
    for side in ("-wal", "-shm"):
        Path(str(trail.path) + side).unlink(missing_ok=True)
    code, line = _check(trail, capsys)
    assert code == 3 and "catatan audit terakhir hilang" in line
    with trail.session(ADMIN) as s:
        users.create_user(s, "ani", "Ani Admin", "admin", "kata-sandi-ani-1")
    (tmp_path / "ani.pw").write_text("kata-sandi-ani-1\n")
    monkeypatch.setenv("KALTIM_DESK_PASSWORD_FILE", str(tmp_path / "ani.pw"))
    capsys.readouterr()
    argv = ["accept-restore", "--db", str(trail.path), "--reason", "salinan 5 Des dipasang kembali"]
    assert main(argv) == 2  # an admin's decision
    assert main([*argv, "--user", "ani"]) == 0
    assert "Pemulihan diterima: jejak lama sampai baris #6" in capsys.readouterr().out
    code, line = _check(trail, capsys)
    assert code == 0, line


def test_restoring_the_same_backup_twice_is_not_taken_for_tampering(
    trail: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each restore records the heads the chain it replaces had replaced before, and the two safety
    copies taken within one second are told apart by age, not by name."""
    early = make_backup(trail, reason="harian")
    with trail.session(ADMIN) as s:
        make_person(s, name="Sesudah Cadangan")
    restore_database(trail, early.path, ADMIN)
    restore_database(trail, early.path, ADMIN)
    code, line = _check(trail, capsys)
    assert code == 0, line
