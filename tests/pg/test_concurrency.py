"""Several clerks on one PostgreSQL server at once (issue 10): each test runs real sessions in parallel
threads, each with its own connection, against the test server.

- Two clerks save the same person: the second gets the Indonesian conflict message, never a silent
  overwrite (optimistic concurrency: `VersionedMixin`'s version column).
- Letter and certificate numbers issued from many sessions at once: all different, and no number lost
  to a failed save (the sequence row is updated in the same transaction as the number is stored).
- Audited saves from many sessions keep one unbroken audit hash chain.

Skipped unless KALTIM_TEST_DATABASE_URL names a PostgreSQL server (.ci/scripts/postgres.sh).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kaltim_desk.core import numbering
from kaltim_desk.core.actor import Actor
from kaltim_desk.core.errors import ConflictError
from kaltim_desk.db import Database
from kaltim_desk.models import IssuedNumber, Person
from kaltim_desk.services.checks import check_audit_chain
from kaltim_desk.services.registry import people
from tests.conftest import ADMIN
from tests.factories import make_person, person_input

pytestmark = pytest.mark.postgres

CLERK_A = Actor(username="ani", role="clerk", display_name="Ani (Samarinda)")
CLERK_B = Actor(username="budi", role="clerk", display_name="Budi (Balikpapan)")
TIMEOUT = 60


def run_parallel(*jobs: Callable[[], Any]) -> list[Any]:
    """Run each job in its own thread; returns each job's result or the exception it raised."""
    results: list[Any] = [None] * len(jobs)

    def work(i: int, job: Callable[[], Any]) -> None:
        try:
            results[i] = job()
        except BaseException as exc:  # handed back to the test
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a session hung (lock not released?)"
    return results


def _person(db: Database, name: str = "Siti Aminah") -> tuple[int, str]:
    with db.session(ADMIN) as s:
        p = make_person(s, name=name)
    return p.id, p.nik


def test_runs_on_postgresql(db: Database) -> None:
    assert db.engine.dialect.name == "postgresql"


def test_second_clerk_saving_a_stale_form_gets_a_conflict(db: Database) -> None:
    pid, nik = _person(db)
    # Both clerks open the person's form (version 1).
    with db.read_session(CLERK_A) as s:
        seen_a = people.get_person(s, pid)
    with db.read_session(CLERK_B) as s:
        seen_b = people.get_person(s, pid)
    assert seen_a.version == seen_b.version == 1
    # Ani saves first; Budi then saves the form he opened before Ani's change.
    with db.session(CLERK_A) as s:
        people.update_person(
            s, pid, seen_a.version, person_input(nik=nik, name="Siti Aminah", phone="081234567890")
        )
    with pytest.raises(ConflictError) as err, db.session(CLERK_B) as s:
        people.update_person(s, pid, seen_b.version, person_input(nik=nik, name="Siti Aminah Binti Umar"))
    assert err.value.code == "conflict"
    assert "telah diubah oleh pengguna lain sejak dibuka" in err.value.message
    assert "Muat ulang data" in err.value.message
    with db.read_session(ADMIN) as s:
        after = s.get(Person, pid)
        assert after is not None
        assert (after.name, after.phone, after.version) == ("SITI AMINAH", "+6281234567890", 2)


def test_two_clerks_saving_the_same_person_at_the_same_moment(db: Database) -> None:
    """Both saves pass the version check before either writes; the server's row lock lets one UPDATE
    through, and the other, re-checked against the committed row, matches no row: a conflict."""
    pid, nik = _person(db)
    both_checked = threading.Barrier(2, timeout=TIMEOUT)

    def save(actor: Actor, name: str) -> str:
        with db.session(actor) as s:
            waited = []

            @event.listens_for(s, "before_flush")
            def _meet(session: Session, *_args: Any) -> None:
                if not waited:  # the first flush is the UPDATE of the person
                    waited.append(True)
                    both_checked.wait()

            return people.update_person(s, pid, 1, person_input(nik=nik, name=name)).name

    results = run_parallel(lambda: save(CLERK_A, "Siti Ani"), lambda: save(CLERK_B, "Siti Budi"))
    saved = [r for r in results if isinstance(r, str)]
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(saved) == 1 and len(conflicts) == 1, results
    assert "telah diubah oleh pengguna lain" in conflicts[0].message
    with db.read_session(ADMIN) as s:
        after = s.get(Person, pid)
        assert after is not None
        assert after.name == saved[0] and after.version == 2  # the winner's save, once
        assert check_audit_chain(s).ok


def test_numbers_issued_from_many_sessions_at_once_are_unique_without_gaps(db: Database) -> None:
    sessions, per_session = 4, 8
    start = threading.Barrier(sessions, timeout=TIMEOUT)
    when = date(2026, 8, 17)

    def issue(worker: int) -> list[str]:
        start.wait()  # all at once, also racing to create the year's sequence row
        got = []
        for i in range(per_session):
            with db.session(ADMIN) as s:
                got.append(
                    numbering.issue_number(
                        s, "certificate", purpose="certificate", entity_id=worker * 100 + i, when=when
                    )
                )
        return got

    results = run_parallel(*(lambda w=w: issue(w) for w in range(sessions)))
    for r in results:
        assert isinstance(r, list), r
    numbers = [n for r in results for n in r]
    assert len(numbers) == len(set(numbers)) == sessions * per_session
    with db.read_session() as s:
        values = sorted(s.scalars(select(IssuedNumber.value)))
        stored = set(s.scalars(select(IssuedNumber.number)))
    assert values == list(range(1, sessions * per_session + 1))  # 1..32, none skipped
    assert stored == set(numbers)


def test_a_failed_save_gives_its_number_back(db: Database) -> None:
    """A number is taken inside the save's transaction: a save that fails after taking one rolls the
    sequence back with it, so the printed register has no hole."""
    when = date(2026, 8, 17)
    with db.session(ADMIN) as s:
        first = numbering.issue_number(s, "agreement", purpose="agreement", entity_id=1, when=when)
    with pytest.raises(RuntimeError), db.session(ADMIN) as s:
        numbering.issue_number(s, "agreement", purpose="agreement", entity_id=2, when=when)
        raise RuntimeError("printer jammed")
    with db.session(ADMIN) as s:
        again = numbering.issue_number(s, "agreement", purpose="agreement", entity_id=2, when=when)
    assert first.startswith("001/") and again.startswith("002/")


def test_audited_saves_from_many_sessions_keep_one_audit_chain(db: Database) -> None:
    start = threading.Barrier(4, timeout=TIMEOUT)

    def register(worker: int) -> int:
        start.wait()
        for i in range(4):
            with db.session(CLERK_A if worker % 2 else CLERK_B) as s:
                make_person(s, name=f"Peserta {worker} {i}")
        return worker

    results = run_parallel(*(lambda w=w: register(w) for w in range(4)))
    assert results == [0, 1, 2, 3], results
    with db.read_session(ADMIN) as s:
        result = check_audit_chain(s)
        assert result.ok, result.message
        assert len(s.scalars(select(Person.id)).all()) == 16
