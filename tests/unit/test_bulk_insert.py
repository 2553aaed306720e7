"""`core.bulk_insert.insert_many` stores what SQLAlchemy's own insert stores, value for value and in the
same stored form (dates, times, booleans), on SQLite and PostgreSQL; the columns left out get the
models' defaults."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from kaltim_desk.core.bulk_insert import insert_many, rows_where_in
from kaltim_desk.models.base import utcnow
from kaltim_desk.models.group import GroupMember, KubeGroup
from kaltim_desk.models.person import Person
from tests.factories import VILLAGE, new_nik

STAMP = datetime(2025, 3, 4, 5, 6, 7, 890123)


def _people(n: int, **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "nik": new_nik(),
            "name": f"ORANG BULK {i}",
            "sex": "P" if i % 2 else "L",
            "birth_date": date(1970 + i, 1 + i % 12, 1 + i % 28) if i % 3 else None,
            "village_code": VILLAGE if i % 2 else None,
            "phone": "+6281234567890" if i % 4 else None,
            "is_household_head": bool(i % 2),
            "welfare_decile": i % 10 + 1,
            "rt": "003",
            **extra,
        }
        for i in range(n)
    ]


def _stored(session: Any, ids: list[int]) -> list[tuple[Any, ...]]:
    """The rows as the database holds them (on SQLite the stored text, not what the ORM makes of it)."""
    cols = [c.name for c in Person.__table__.columns if c.name not in ("id", "nik")]
    if session.get_bind().dialect.name == "sqlite":
        sel = ", ".join(f"{c}, typeof({c})" for c in cols)
    else:
        sel = ", ".join(cols)
    rows = session.execute(
        text(f"SELECT {sel} FROM person WHERE id IN ({', '.join(map(str, ids))}) ORDER BY id")
    )
    return [tuple(r) for r in rows]


def _ids(session: Any, niks: list[str]) -> list[int]:
    return list(session.scalars(select(Person.id).where(Person.nik.in_(niks)).order_by(Person.id)))


def test_rows_are_stored_as_sqlalchemys_insert_stores_them(session):
    a = _people(12, created_at=STAMP, updated_at=STAMP, import_batch_id=7)
    b = [dict(r, nik=new_nik()) for r in a]
    session.execute(insert(Person.__table__), a)
    insert_many(session, Person.__table__, b)
    left = _stored(session, _ids(session, [r["nik"] for r in a]))
    right = _stored(session, _ids(session, [r["nik"] for r in b]))
    assert len(left) == 12 and left == right


def test_columns_left_out_get_the_model_defaults_once_for_the_batch(session):
    rows = _people(5)
    before = utcnow().replace(microsecond=0)
    insert_many(session, Person.__table__, rows)
    made = session.scalars(
        select(Person).where(Person.nik.in_([r["nik"] for r in rows])).order_by(Person.id)
    ).all()
    assert [p.name for p in made] == [r["name"] for r in rows]
    for p in made:
        assert (p.welfare_source, p.is_active, p.version, p.import_batch_id) == ("NONE", True, 1, None)
        assert p.created_at == made[0].created_at >= before
        assert p.updated_at == made[0].updated_at >= before


def test_keys_in_another_order_are_stored_by_name_and_other_keys_refused(session):
    rows = _people(3)
    rows[1] = dict(reversed(list(rows[1].items())))  # same keys, another order
    insert_many(session, Person.__table__, rows)
    got = session.execute(
        select(Person.nik, Person.name, Person.sex).where(Person.nik.in_([r["nik"] for r in rows]))
    ).all()
    assert sorted(got) == sorted((r["nik"], r["name"], r["sex"]) for r in rows)
    odd = [{"nik": new_nik(), "name": "SATU"}, {"nik": new_nik(), "name": "DUA", "rt": "001"}]
    with pytest.raises(ValueError, match="same keys"):  # SQLAlchemy's insert would drop the RT
        insert_many(session, Person.__table__, odd)


def test_groups_and_memberships_too(session):
    insert_many(session, KubeGroup.__table__, [{"name": "KUBE BULK", "village_code": VILLAGE}])
    group = session.scalar(select(KubeGroup).where(KubeGroup.name == "KUBE BULK"))
    assert (group.status, group.version) == ("forming", 1)
    rows = _people(2)
    insert_many(session, Person.__table__, rows)
    ids = _ids(session, [r["nik"] for r in rows])
    insert_many(
        session,
        GroupMember.__table__,
        [
            {"group_id": group.id, "person_id": pid, "role": "ketua", "joined_on": date(2025, 1, 2)}
            for pid in ids
        ],
    )
    got = session.execute(select(GroupMember.person_id, GroupMember.role, GroupMember.joined_on)).all()
    assert sorted(got) == [(pid, "ketua", date(2025, 1, 2)) for pid in ids]


def test_rows_where_in_returns_what_sqlalchemys_select_returns(session):
    rows = _people(6)
    t: Any = Person.__table__
    insert_many(session, t, rows)
    niks = [r["nik"] for r in rows[:4]] + [new_nik(), new_nik()]  # two nobody holds
    # plain columns (the driver's own query), then columns whose type converts (SQLAlchemy's select)
    for cols in (("id", "nik", "name"), ("id", "nik", "birth_date", "is_household_head", "welfare_decile")):
        got = rows_where_in(session, t, cols, "nik", niks)
        want = session.execute(select(*(t.c[c] for c in cols)).where(t.c.nik.in_(niks))).all()
        assert len(want) == 4 and sorted(got) == sorted(tuple(r) for r in want)
        assert all(
            type(a) is type(b)
            for g, w in zip(sorted(got), sorted(want), strict=True)
            for a, b in zip(g, w, strict=True)
        )
    assert rows_where_in(session, t, cols, "nik", []) == []


def test_rows_where_in_sees_what_the_session_has_not_flushed_yet(session):
    person = Person(nik=new_nik(), name="BELUM DISIMPAN", sex="P")
    session.add(person)
    t: Any = Person.__table__
    got = rows_where_in(session, t, ("nik", "name"), "nik", [person.nik])
    assert got == [(person.nik, "BELUM DISIMPAN")]
