"""A hypothesis state machine over add / edit / import batch / backup / restore: after every step the
file is sound, the audit chain is whole, and the people are exactly what the steps left (R1, R6, R19)."""

from __future__ import annotations

import dataclasses
import itertools
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import text

from kaltim_desk.core.actor import Actor
from kaltim_desk.core.dto import PersonInput
from kaltim_desk.core.errors import DomainError
from kaltim_desk.db import Database
from kaltim_desk.domain.nik import encode_nik
from kaltim_desk.services.checks import check_audit_chain
from kaltim_desk.services.office import backup, restore
from kaltim_desk.services.registry import people
from tests.factories import DISTRICT, VILLAGE

pytestmark = pytest.mark.sqlite_only
ADMIN = Actor("admin.uji", "admin")
CLERK = Actor("siti", "clerk")


def test_state_machine(template_db_file: Path) -> None:
    serials = itertools.count(1)

    class Office(RuleBasedStateMachine):
        backups = Bundle("backups")

        def __init__(self) -> None:
            super().__init__()
            self.dir = Path(tempfile.mkdtemp(prefix="kaltim-sm-"))
            shutil.copyfile(template_db_file, self.dir / "office.db")
            self.db = Database(f"sqlite:///{self.dir / 'office.db'}")
            self.model: dict[str, str] = {}  # NIK -> RT

        def _new_input(self, rt: str) -> PersonInput:
            born = date(1970, 1, 1)
            nik = encode_nik(DISTRICT, born, "P", next(serials))
            return PersonInput(nik=nik, name="Warga Uji", birth_date=born, village_code=VILLAGE, rt=rt)

        @rule(rt=st.sampled_from(["001", "002", "003"]))
        def add(self, rt: str) -> None:
            data = self._new_input(rt)
            with self.db.session(CLERK) as s:
                people.register_person(s, data)
            self.model[data.nik] = rt

        @rule(rt=st.sampled_from(["004", "005"]), pick=st.integers(min_value=0))
        def edit(self, rt: str, pick: int) -> None:
            if not self.model:
                return
            nik = sorted(self.model)[pick % len(self.model)]
            with self.db.session(CLERK) as s:
                p = people.find_by_nik(s, nik)
                assert p is not None
                data = PersonInput(
                    nik=p.nik, name=p.name, birth_date=p.birth_date, village_code=VILLAGE, rt=rt
                )
                people.update_person(s, p.id, p.version, data)
            self.model[nik] = rt

        @rule(
            size=st.integers(min_value=1, max_value=6),
            bad_at=st.none() | st.integers(min_value=0, max_value=5),
        )
        def import_batch(self, size: int, bad_at: int | None) -> None:
            """An import batch: all rows in one transaction; a bad row refuses the whole batch."""
            rows = [self._new_input("009") for _ in range(size)]
            if bad_at is not None and bad_at < size:
                rows[bad_at] = dataclasses.replace(rows[bad_at], nik="0000")
            try:
                with self.db.session(CLERK) as s:
                    for row in rows:
                        people.register_person(s, row)
            except DomainError:
                assert bad_at is not None and bad_at < size
                return
            for row in rows:
                self.model[row.nik] = "009"

        @rule(target=backups)
        def take_backup(self) -> tuple[Path, dict[str, str]]:
            info = backup.make_backup(self.db, self.dir / "usb", reason="uji")
            return info.path, dict(self.model)

        @rule(snapshot=backups)
        def restore(self, snapshot: tuple[Path, dict[str, str]]) -> None:
            path, model = snapshot
            restore.restore_database(self.db, path, ADMIN)
            self.model = dict(model)

        @invariant()
        def sound_and_as_expected(self) -> None:
            with self.db.read_session() as s:
                assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                chain = check_audit_chain(s)
                assert chain.ok, chain.message
                stored = dict(s.execute(text("SELECT nik, rt FROM person")).all())
            assert stored == self.model

        def teardown(self) -> None:
            self.db.dispose()
            shutil.rmtree(self.dir, ignore_errors=True)

    run_state_machine_as_test(
        Office,
        settings=settings(
            max_examples=6,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
