"""Queries whose answers could differ between SQLite and PostgreSQL (case in LIKE, ordering): the same
answers on the backend under test. Runs on both backends."""

from __future__ import annotations

from sqlalchemy import select

from kaltim_desk.core.dto import GroupInput, PageFilter
from kaltim_desk.models.group import KubeGroup
from kaltim_desk.services.registry import groups
from tests.factories import VILLAGE


def test_group_search_ignores_case_on_both_backends(session) -> None:
    groups.create_group(
        session, GroupInput(name="Kube Mawar Sejahtera", village_code=VILLAGE, business_type="Kuliner")
    )
    groups.create_group(
        session, GroupInput(name="KUBE Melati", village_code=VILLAGE, business_type="Kuliner")
    )
    stored = set(session.scalars(select(KubeGroup.name)))
    assert len(stored) == 2
    for typed in ("mawar", "MAWAR", "Mawar Sej"):
        assert groups.count_groups(session, PageFilter(text=typed)) == 1, typed
    assert groups.count_groups(session, PageFilter(text="kube")) == 2


class _Orig(Exception):
    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def test_the_clerk_reads_busy_and_disk_full_for_server_errors_too() -> None:
    from sqlalchemy.exc import OperationalError

    from kaltim_desk.views.prompts import describe_error

    lock_timeout = OperationalError("UPDATE", {}, _Orig("canceling statement due to lock timeout", "55P03"))
    deadlock = OperationalError("UPDATE", {}, _Orig("deadlock detected", "40P01"))
    no_space = OperationalError(
        "INSERT", {}, _Orig("could not extend file: No space left on device", "53100")
    )
    assert "sedang dipakai" in describe_error(lock_timeout)
    assert "sedang dipakai" in describe_error(deadlock)
    assert "Penyimpanan penuh" in describe_error(no_space)
