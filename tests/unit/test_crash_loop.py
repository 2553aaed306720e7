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
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from kaltim_desk.db import Database
from kaltim_desk.services.checks import check_audit_chain

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
