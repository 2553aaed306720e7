"""R17: every (role, action) pair of the permission table, exercised against the services.

For each action of the registry and safety features a probe calls the real service function as that
role: allowed roles succeed, the others get PermissionDenied and nothing is saved. Actions whose
services belong to features without a probe here are exercised through `require()`, the same check
their services call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kaltim_desk.core.actor import ROLES, SYSTEM_ACTOR, Actor
from kaltim_desk.core.dto import GroupInput, PageFilter
from kaltim_desk.core.errors import DomainError, PermissionDenied
from kaltim_desk.core.permissions import PERMISSIONS, allowed, require
from kaltim_desk.core.settings import RegistryRules, load_section, save_section
from kaltim_desk.db import Database
from kaltim_desk.models.audit import AuditEntry
from kaltim_desk.services.office import audit_query, users
from kaltim_desk.services.registry import groups, people, regions
from tests.factories import VILLAGE, make_person, person_input


@dataclasses.dataclass
class World:
    db: Database
    tmp: Path
    person_id: int
    person_version: int
    forming_group: int
    active_group: int
    group_version: int
    backup_file: Path


@pytest.fixture(scope="module")
def world(template_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One prepared office for the whole module, on the backend under test; each probe runs in a unit of
    work that is rolled back (or, for the database-level actions, leaves the office as it was)."""
    import contextlib
    import shutil

    from argon2 import PasswordHasher

    from kaltim_desk.services.office import auth, backup
    from kaltim_desk.services.office.bootstrap import prepare
    from tests.conftest import ON_POSTGRES, pg_test_database
    from tests.factories import make_active_group

    tmp = tmp_path_factory.mktemp("matrix")
    with contextlib.ExitStack() as stack:
        if ON_POSTGRES:
            db = Database(stack.enter_context(pg_test_database()))
            prepare(db)
        else:
            shutil.copyfile(template_db_file, tmp / "office.db")
            db = Database(f"sqlite:///{tmp / 'office.db'}")
        stack.callback(db.dispose)
        saved = auth.HASHER
        auth.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        stack.callback(setattr, auth, "HASHER", saved)
        with db.session(SYSTEM_ACTOR) as s:
            users.create_user(s, "admin", "Admin", "admin", "kantor-dinsos-2026")
            p = make_person(s)
            forming = groups.create_group(s, GroupInput(name="KUBE Melati", village_code=VILLAGE))
            for i, role in enumerate(["ketua", "sekretaris", "bendahara", "anggota", "anggota"]):
                groups.add_member(s, forming.id, make_person(s, name=f"Melati {i}").id, role)
            active = make_active_group(s, name="KUBE Anggrek")
            version = groups.get_group(s, forming.id).version
        # PostgreSQL: the server's own backups (pg_dump); the backup services refuse, after the role check
        backup_file = (
            tmp / "tidak-ada.db"
            if ON_POSTGRES
            else backup.make_backup(db, tmp / "cadangan", reason="uji").path
        )
        yield World(db, tmp, p.id, p.version, forming.id, active.id, version, backup_file)


def _csv(w: World) -> Path:
    path = w.tmp / "wilayah.csv"
    path.write_text("kode,nama\n64.72.03.1001,Teluk Lerong Ilir\n", encoding="utf-8")
    return path


# action -> probe(world, session) calling the real service; probes that need no session take db themselves
SessionProbe = Callable[[World, Any], object]
PROBES: dict[str, SessionProbe] = {
    "person.view": lambda w, s: people.count_people(s, PageFilter()),
    "person.create": lambda w, s: people.register_person(s, person_input(name="Baru Sekali")),
    "person.edit": lambda w, s: people.update_person(
        s, w.person_id, w.person_version, dataclasses.replace(_input_of(s, w.person_id), rt="7")
    ),
    "person.deactivate": lambda w, s: people.deactivate_person(s, w.person_id, "pindah"),
    "group.view": lambda w, s: groups.count_groups(s, PageFilter()),
    "group.create": lambda w, s: groups.create_group(s, GroupInput(name="KUBE Baru", village_code=VILLAGE)),
    "group.edit": lambda w, s: groups.update_group(
        s, w.forming_group, w.group_version, GroupInput(name="KUBE Melati Indah", village_code=VILLAGE)
    ),
    "group.activate": lambda w, s: groups.activate_group(s, w.forming_group),
    "group.deactivate": lambda w, s: groups.deactivate_group(s, w.active_group, "bubar"),
    "region.update": lambda w, s: regions.load_region_file(s, _csv(w)),
    "settings.edit": lambda w, s: save_section(
        s, dataclasses.replace(load_section(s, RegistryRules), warn_male_nik=False)
    ),
    "user.manage": lambda w, s: users.list_users(s),
    "audit.view": lambda w, s: audit_query.count_entries(s, audit_query.AuditFilter()),
}


def _input_of(session: Any, person_id: int) -> Any:
    from kaltim_desk.core.dto import PersonInput

    p = people.get_person(session, person_id)
    return PersonInput(
        nik=p.nik, name=p.name, sex=p.sex, birth_date=p.birth_date, village_code=p.village_code, rt=p.rt or ""
    )


def _db_probe(action: str, w: World, actor: Actor) -> object:
    """Safety actions whose services take the database (they open their own units of work)."""
    from kaltim_desk.services.office import backup, dblock, restore

    try:
        if action == "backup.create":
            return backup.create_backup(w.db, actor, w.tmp / f"usb-{actor.role}")
        if action == "backup.restore":
            return restore.restore_database(w.db, w.backup_file, actor)
    except DomainError as exc:
        # on PostgreSQL the role was let through and the backend then said why it can not
        if exc.code == "backup_not_sqlite" and not w.db.is_sqlite:
            return exc
        raise
    if action == "lock.takeover":
        lock = dblock.WriterLock(w.db, actor.username)
        try:
            return lock.take_over(actor)  # a free lock: a live one can not be taken over by anyone
        finally:
            lock.release()  # the next role's probe finds it free again
    raise KeyError(action)


DB_PROBES = {"backup.create", "backup.restore", "lock.takeover"}
PAIRS = [(role, action) for action in sorted(PERMISSIONS) for role in ROLES]


def _audit_count(db: Database) -> int:
    with db.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@pytest.mark.database
@pytest.mark.parametrize(("role", "action"), PAIRS, ids=[f"{r}-{a}" for r, a in PAIRS])
def test_role_action(role: str, action: str, request: pytest.FixtureRequest) -> None:
    actor = Actor(username=f"uji.{role}", role=role)
    expected = allowed(role, action)
    w: World = request.getfixturevalue("world")
    if action not in PROBES and action not in DB_PROBES:
        # Another feature's action: its services call this same check.
        with w.db.read_session(actor) as s:
            if expected:
                require(s, action)
            else:
                with pytest.raises(PermissionDenied):
                    require(s, action)
        return
    before = _audit_count(w.db)
    if action in DB_PROBES:
        if expected:
            _db_probe(action, w, actor)
        else:
            with pytest.raises(PermissionDenied):
                _db_probe(action, w, actor)
    else:
        # the service runs for real; its unit of work is rolled back so the next probe finds the same office
        with w.db.read_session(actor) as s:
            if expected:
                PROBES[action](w, s)
            else:
                with pytest.raises(PermissionDenied):
                    PROBES[action](w, s)
    after = _audit_count(w.db)
    if not expected:
        assert after == before, "a refused action must change nothing"


def test_every_role_is_in_the_table_and_every_action_names_known_roles() -> None:
    for action, roles in PERMISSIONS.items():
        assert roles <= set(ROLES), action
    assert {r for roles in PERMISSIONS.values() for r in roles} == set(ROLES)


def test_unknown_action_is_a_programming_error(db: Database) -> None:
    with pytest.raises(KeyError), db.session() as s:
        require(s, "no.such.action")
