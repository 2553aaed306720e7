"""RELIABILITY R1/R2: a writer killed at random never leaves a half batch or a damaged file.

A helper process imports the app once and then forks a fresh writer for every round (so a round costs
milliseconds, not an interpreter start). Each writer opens the database through `kaltim_desk.db`, and
commits batches of K people through `people.register_person` (each with its audit row), one transaction
per batch; once its first batch is in, the test SIGKILLs it after a random 0-100 ms. Afterwards the file must pass
`PRAGMA integrity_check`, every batch must be all there or not at all, and the audit chain must be whole.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from kaltim_desk.db import Database
from kaltim_desk.services.checks import check_audit_chain
from kaltim_desk.services.excel.import_staging import check_import_batches
from kaltim_desk.services.office import backup
from tests.factories import make_person

K = 4  # people per batch
KILLS = int(os.environ.get("KALTIM_CRASH_KILLS", "200"))

WRITER = textwrap.dedent(
    """
    import os, sys
    from datetime import date, timedelta
    from kaltim_desk.db import Database
    from kaltim_desk.domain.nik import encode_nik
    from kaltim_desk.services.registry import people
    from kaltim_desk.core.actor import Actor
    from kaltim_desk.core.dto import PersonInput

    URL, K = sys.argv[1], int(sys.argv[2])
    ACTOR = Actor(username="crash.writer", role="clerk")

    def batch_of(batch: int) -> list[PersonInput]:
        born = date(1960, 1, 1) + timedelta(days=batch)
        return [
            PersonInput(nik=encode_nik("647203", born, "P", k + 1), name=f"Uji B{batch}", birth_date=born,
                        village_code="64.72.03.1001", rt="1")
            for k in range(K)
        ]

    DB = Database(URL)
    # Warm up once (mappers, compiled statements, caches) in a transaction that is rolled back, then close
    # every connection before forking: a child never inherits an open SQLite connection.
    with DB.read_session(ACTOR) as s:
        for p in batch_of(0):
            people.register_person(s, p)
    DB.engine.dispose()

    def write(child: int) -> None:
        db = DB
        db.engine.dispose(close=False)  # a fresh pool in the child (SQLAlchemy's fork recipe)
        for j in range(40):
            batch = child * 40 + j
            with db.session(ACTOR) as s:
                for p in batch_of(batch):
                    people.register_person(s, p)
            print(f"committed {batch}", file=sys.stderr, flush=True)
            if j == 0:
                print("writing", flush=True)  # warmed up: the test now kills at a random moment

    for line in sys.stdin:
        child = int(line)
        pid = os.fork()
        if pid == 0:
            try:
                write(child)
            except BaseException:
                import traceback
                traceback.print_exc()
                print("failed", flush=True)
            finally:
                os._exit(0)
        print(pid, flush=True)
        os.waitpid(pid, 0)  # reaped once the test has killed it
        print("reaped", flush=True)
    """
)


@pytest.mark.sqlite_only
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill loop forks writers (POSIX)")
def test_killed_writers_leave_whole_batches_and_a_sound_file(db: Database, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    db.dispose()
    proc = subprocess.Popen(
        [sys.executable, str(script), db.url, str(K)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    rng = random.Random(7)
    started = time.perf_counter()
    assert proc.stdin and proc.stdout
    try:
        for child in range(KILLS):
            proc.stdin.write(f"{child}\n")
            proc.stdin.flush()
            pid = int(proc.stdout.readline())
            assert proc.stdout.readline().strip() == "writing"
            time.sleep(rng.uniform(0.0, 0.1))
            os.kill(pid, signal.SIGKILL)
            assert proc.stdout.readline().strip() == "reaped"
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    elapsed = time.perf_counter() - started
    log = proc.stderr.read() if proc.stderr else ""
    assert "Traceback" not in log, log[-2000:]
    committed_lines = log.count("committed")

    fresh = Database(db.url)
    with fresh.read_session() as s:
        assert [r[0] for r in s.execute(text("PRAGMA integrity_check"))] == ["ok"]
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []
        counts = dict(
            s.execute(text("SELECT name, count(*) FROM person WHERE name LIKE 'UJI B%' GROUP BY name")).all()
        )
        audits = s.scalar(text("SELECT count(*) FROM audit_log WHERE actor = 'crash.writer'"))
        chain = check_audit_chain(s)
    fresh.dispose()
    partial = {name: n for name, n in counts.items() if n != K}
    assert partial == {}, f"half-written batches: {partial}"
    # Every batch a writer reported as committed is there (durability), and nothing else half-way.
    assert len(counts) >= committed_lines
    assert audits == K * len(counts)
    assert chain.ok, chain.message
    # Every round committed its first batch before the kill, so the kills came in the middle of writing.
    assert len(counts) >= KILLS
    print(f"{KILLS} kills in {elapsed:.1f}s, {len(counts)} whole batches")


@pytest.mark.sqlite_only
def test_every_connection_is_durable_and_checks_foreign_keys(db: Database) -> None:
    """R2: read the settings back from a pooled connection; an orphan row is refused."""
    from sqlalchemy.exc import IntegrityError

    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(
            text("INSERT INTO group_member (group_id, person_id, role) VALUES (999999, 999999, 'anggota')")
        )


def test_a_failed_batch_leaves_nothing(db: Database) -> None:
    """R1 in-process: an error in the middle of a batch rolls back the people already added in it."""
    from datetime import date

    from kaltim_desk.core.dto import PersonInput
    from kaltim_desk.core.errors import DomainError
    from kaltim_desk.domain.nik import encode_nik
    from kaltim_desk.services.registry import people

    born = date(1975, 3, 3)
    with pytest.raises(DomainError), db.session() as s:
        for k in range(3):
            people.register_person(
                s,
                PersonInput(
                    nik=encode_nik("647203", born, "P", k + 1),
                    name="Batal",
                    birth_date=born,
                    village_code="64.72.03.1001",
                ),
            )
        people.register_person(s, PersonInput(nik="123", name="Salah", village_code="64.72.03.1001"))
    with db.read_session() as s:
        assert s.scalar(text("SELECT count(*) FROM person WHERE name = 'BATAL'")) == 0
        assert s.scalar(text("SELECT count(*) FROM audit_log")) == 0


MIXED = textwrap.dedent(
    """
    import os, sys
    from datetime import date, timedelta
    from pathlib import Path
    from openpyxl import Workbook
    from kaltim_desk.db import Database
    from kaltim_desk.domain.nik import encode_nik
    from kaltim_desk.services.excel import imports
    from kaltim_desk.services.office import backup
    from kaltim_desk.services.office.restore import restore_database
    from kaltim_desk.core.actor import Actor

    URL, SOURCE, USB, WORK = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    K = int(sys.argv[5])
    ADMIN = Actor(username="crash.admin", role="admin")
    DB = Database(URL)

    def workbook(n: int) -> Path:
        born = date(1950, 1, 1) + timedelta(days=n)
        wb = Workbook()
        ws = wb.active
        ws.append(["NIK", "NAMA", "TEMPAT LAHIR", "TGL LAHIR", "DESA", "KECAMATAN"])
        for k in range(K):
            nik = encode_nik("647205", born, "P", k + 1)
            ws.append([nik, f"Impor B{n}", "Samarinda", born, "Lempake", "Samarinda Utara"])
        path = WORK / f"impor-{n}.xlsx"
        wb.save(path)
        return path

    def do_import(n: int) -> None:
        path = workbook(n)  # a clerk's file, written before the work starts
        with DB.session(ADMIN) as s:  # what `kaltim-desk import --commit` does
            preview = imports.preview_import(s, path)
            assert preview.counts["ok"] == K, preview.summary()
            backup.backup_before(DB, "impor")
            imports.commit_import(s, preview)

    def do_restore(n: int) -> None:
        restore_database(DB, SOURCE, ADMIN)  # what `kaltim-desk restore` does

    def do_backup(n: int) -> None:
        backup.create_backup(DB, ADMIN, USB)  # what `kaltim-desk backup --to` does

    OPS = {"import": do_import, "restore": do_restore, "backup": do_backup}
    # Every path once (imports, mappers, compiled statements, openpyxl), then close every connection
    # before forking: a child never inherits an open SQLite connection.
    for op in OPS.values():
        op(-1)
    DB.engine.dispose()

    def say(word: str) -> None:
        # One write per line: with PYTHONUNBUFFERED print writes the word and its newline apart, and a
        # kill between the two left "done" glued to the server's next "reaped".
        os.write(1, f"{word}\\n".encode())

    for line in sys.stdin:
        kind, child = line.split()
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.read(go_r, 1)  # the server announces this child's pid first
                DB.engine.dispose(close=False)  # a fresh pool in the child (SQLAlchemy's fork recipe)
                say("working")
                for j in range(40):
                    OPS[kind](int(child) * 40 + j)
                    say("done")
            except BaseException:
                import traceback
                traceback.print_exc()
                say("failed")
            finally:
                os._exit(0)
        print(pid, flush=True)
        os.write(go_w, b"g")
        os.close(go_r)
        os.close(go_w)
        os.waitpid(pid, 0)
        print("reaped", flush=True)
    """
)


def _batches_after_kill(path: Path) -> tuple[bool, set[str], list[object]]:
    """quick_check of the file, the committed import batches that are whole (named by their people's
    name, "IMPOR B<n>": ids recur after a restore), and any that are not, or people of a batch that is
    not committed."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        ok = [r[0] for r in conn.execute("PRAGMA quick_check")] == ["ok"]
        rows = conn.execute(
            "SELECT (SELECT min(name) FROM person p WHERE p.import_batch_id = b.id), b.rows_imported, "
            "(SELECT count(*) FROM person p WHERE p.import_batch_id = b.id) "
            "FROM import_batch b WHERE b.status = 'committed'"
        ).fetchall()
        orphans = conn.execute(
            "SELECT count(*) FROM person WHERE import_batch_id IS NOT NULL AND import_batch_id NOT IN "
            "(SELECT id FROM import_batch WHERE status = 'committed')"
        ).fetchone()[0]
    finally:
        conn.close()
    broken: list[object] = [r for r in rows if r[1] != r[2]] + ([f"{orphans} orphans"] if orphans else [])
    return ok, {r[0] for r in rows if r[1] == r[2]}, broken


@pytest.mark.slow
@pytest.mark.sqlite_only
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill loop forks workers (POSIX)")
def test_killed_imports_restores_and_backups_leave_sound_files_and_whole_batches(
    db: Database, tmp_path: Path
) -> None:
    """Issue 17: SIGKILLs at random moments of `import --commit` (with its backup first), `restore` (with
    its safety copy) and `backup`, in turn. After every kill the file passes quick_check and every
    import batch is all there or not at all; at the end integrity_check, the audit chain and every
    finished-looking backup verify, and the next backup leaves no `.part` behind."""
    usb, work = tmp_path / "usb", tmp_path / "work"
    work.mkdir()
    with db.session() as s:
        make_person(s, name="Sudah Ada")
    source = backup.make_backup(db, tmp_path / "sumber", reason="manual").path
    db.dispose()
    assert db.path is not None
    script = tmp_path / "mixed.py"
    script.write_text(MIXED)
    proc = subprocess.Popen(
        [sys.executable, str(script), db.url, str(source), str(usb), str(work), str(K)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    rng = random.Random(17)
    kinds = ("restore", "import", "backup", "import")
    took: dict[str, float] = {}  # one operation in a worker on this machine, measured in its first round
    done = dict.fromkeys(kinds, 0)
    partial: list[object] = []
    batches_seen: set[str] = set()
    started = time.perf_counter()
    assert proc.stdin and proc.stdout
    try:
        for child in range(KILLS):
            kind = kinds[child % len(kinds)]
            proc.stdin.write(f"{kind} {child}\n")
            proc.stdin.flush()
            pid = int(proc.stdout.readline())
            assert proc.stdout.readline().strip() == "working"
            began = time.perf_counter()
            if kind not in took:
                assert proc.stdout.readline().strip() == "done"
                took[kind] = time.perf_counter() - began
                done[kind] += 1
            time.sleep(rng.uniform(0.0, 1.5 * took[kind]))  # so that most kills land inside an operation
            os.kill(pid, signal.SIGKILL)
            while (line := proc.stdout.readline().strip()) != "reaped":
                assert line == "done", line
                done[kind] += 1
            ok, whole, broken = _batches_after_kill(db.path)  # before the next round writes
            assert ok, f"damaged file after kill {child} ({kind})"
            batches_seen |= whole
            partial += broken
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    elapsed = time.perf_counter() - started
    log = proc.stderr.read() if proc.stderr else ""
    assert "Traceback" not in log, log[-3000:]
    print(f"{KILLS} kills (import/restore/backup) in {elapsed:.1f}s, ops done {done}, one op takes {took}")

    fresh = Database(db.url)
    with fresh.read_session() as s:
        assert [r[0] for r in s.execute(text("PRAGMA integrity_check"))] == ["ok"]
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []
        batch_ok, batch_message = check_import_batches(s)
        # Every link recomputes under the audit key, and the head matches its copies outside (the anchor
        # file, the newest backup): a killed restore never leaves a shorter trail without its record.
        chain = check_audit_chain(s)
    assert partial == [], f"half-written import batches: {partial}"
    assert batch_ok, batch_message
    assert chain.ok, chain.message
    # Every finished-looking backup (before import, before restore, manual) verifies: 0 corrupt files.
    finished = backup.list_backups(usb) + backup.list_backups(db.path.parent / "backups")
    corrupt = [b.path.name for b in finished if not backup.verify_backup(b.path).ok]
    assert corrupt == []
    assert {b.reason for b in finished} >= {"manual", "impor", "sebelum-pulih"}
    # The next backup clears what the killed ones left, at once (their processes are dead).
    backup.make_backup(fresh, usb, reason="uji")
    fresh.dispose()
    assert [p.name for p in usb.iterdir() if ".part" in p.name] == []
    # The kills came while work was going on: imports committed between them, restores and backups ran.
    assert len(batches_seen) >= KILLS // 40, batches_seen
    assert min(done.values()) > 0, done
    print(f"{len(batches_seen)} whole import batches seen between kills, {len(finished)} backups verified")
