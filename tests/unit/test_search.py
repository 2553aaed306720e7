"""Search by name and NIK: word starts in any order, NIK prefixes, the full-text index kept in sync with
every insert, rename and delete, bulk loads, and the migration that builds (and drops) it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, text, update

from kaltim_desk.core.dto import PageFilter
from kaltim_desk.models.person import Person
from kaltim_desk.services.registry import people, search
from tests.factories import make_person, new_nik


def names(session, typed: str) -> list[str]:
    return sorted(r.name for r in people.page_people(session, PageFilter(text=typed)))


def is_sqlite(session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def fts_ok(session) -> None:
    """FTS5's own check of the index, and its rows are exactly the people, each under its name key."""
    session.execute(text("INSERT INTO person_fts(person_fts) VALUES ('integrity-check')"))
    keys = sorted(session.scalars(text("SELECT rowid FROM person_fts")))
    people_ = session.execute(select(Person.id, Person.name)).all()
    assert keys == sorted(search.name_key(name, pid) for pid, name in people_)


@pytest.fixture
def three(session):
    make_person(session, name="Siti Aminah")
    make_person(session, name="Aminah Rusdi")
    make_person(session, name="Nur'aini Siti Hajar")
    return session


def test_every_typed_word_must_start_a_word_of_the_name_in_any_order(three):
    s = three
    assert names(s, "sit") == ["NUR'AINI SITI HAJAR", "SITI AMINAH"]
    assert names(s, "ami sit") == ["SITI AMINAH"]
    assert names(s, "  SITI   aminah ") == ["SITI AMINAH"]
    assert names(s, "aini") == ["NUR'AINI SITI HAJAR"]  # an apostrophe separates words
    assert names(s, "minah") == []  # the middle of a word is not a word start
    assert people.count_people(s, PageFilter(text="amin")) == 2


def test_typing_that_is_not_a_word_never_breaks_the_search(three):
    for typed in ('"', "sit*", "(siti", "AND", "NEAR(", "siti OR", "-", "'", 'a"b', "%", "_"):
        people.count_people(three, PageFilter(text=typed))  # no syntax error from the index
    assert names(three, "siti OR") == []  # OR is a word to find here, not an operator
    assert names(three, "%") == names(three, "")  # no word typed: no text filter


def test_nik_digits_search_the_nik_index_by_prefix(session):
    a = make_person(session, name="Siti Aminah")
    make_person(session, name="Rusmini Baso")
    spaced = f"{a.nik[:4]} {a.nik[4:6]}.{a.nik[6:12]}"
    assert people.count_people(session, PageFilter(text=spaced)) == 2
    assert [r.id for r in people.page_people(session, PageFilter(text=a.nik))] == [a.id]
    cond = search.person_text_condition("sqlite", a.nik[:6])
    assert "nik" in str(cond) and "person_fts" not in str(cond)


def test_the_index_follows_inserts_renames_and_deletes(session):
    p = make_person(session, name="Siti Aminah")
    assert names(session, "aminah") == ["SITI AMINAH"]
    people.update_person(
        session, p.id, p.version, p.to_input().__class__(**{**p.to_input().__dict__, "name": "Siti Rahmah"})
    )
    assert names(session, "aminah") == []
    assert names(session, "rahm") == ["SITI RAHMAH"]
    # Rows are never deleted by the app, but a delete (e.g. an import batch rolled back) must not
    # leave the index pointing at a row that is gone.
    session.execute(update(Person).where(Person.id == p.id).values(version=Person.version + 1))
    session.execute(text("DELETE FROM person WHERE id = :i"), {"i": p.id})
    assert names(session, "rahm") == []
    if is_sqlite(session):
        fts_ok(session)


def test_bulk_loading_indexes_every_new_row_and_restores_the_trigger(session):
    if not is_sqlite(session):
        pytest.skip("the FTS5 trigger exists on SQLite only")
    make_person(session, name="Siti Lama")
    rows = [
        {
            "nik": f"647203520580{i:04d}",
            "name": f"BULK ORANG {i}",
            "sex": "P",
            "welfare_source": "NONE",
            "is_household_head": False,
            "is_active": True,
            "version": 1,
            "created_at": __import__("datetime").datetime(2025, 1, 1),
            "updated_at": __import__("datetime").datetime(2025, 1, 1),
        }
        for i in range(9000, 9050)
    ]
    with search.bulk_indexing(session):
        session.execute(insert(Person.__table__), rows)
        # Inside the block the trigger is paused: nothing new is indexed yet.
        assert people.count_people(session, PageFilter(text="bulk")) == 0
    assert people.count_people(session, PageFilter(text="bulk orang")) == 50
    assert names(session, "lama") == ["SITI LAMA"]  # rows from before are still indexed once
    fts_ok(session)
    make_person(session, name="Sesudah Bulk")  # the per-row trigger is back
    assert names(session, "sesudah") == ["SESUDAH BULK"]
    triggers = session.scalars(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'person_fts_%'")
    ).all()
    assert sorted(triggers) == ["person_fts_ad", "person_fts_ai", "person_fts_au"]


def test_without_the_index_the_same_answers_come_from_like(three):
    """The fallback (other backends, an unmigrated file) finds what the index finds."""
    s = three
    for typed in ("sit", "ami sit", "aini", "minah", "hajar siti", "s"):
        like = {
            r.id for r in s.execute(select(Person.id).where(search.person_text_condition("other", typed)))
        }
        if is_sqlite(s):  # the FTS5 query only runs on SQLite
            fts = {
                r.id
                for r in s.execute(select(Person.id).where(search.person_text_condition("sqlite", typed)))
            }
            assert fts == like, typed
        assert like == {r.id for r in people.page_people(s, PageFilter(text=typed))}, typed


def test_postgresql_uses_word_start_regexes_the_trigram_index_serves():
    from sqlalchemy.dialects import postgresql

    cond = search.person_text_condition("postgresql", "sit ami")
    sql = str(cond.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    assert sql.count("~*") == 2 and "\\msit" in sql and "\\mami" in sql
    assert search.backend("postgresql") == "trgm" and search.backend("sqlite") == "fts5"


def test_migration_0007_builds_the_index_over_existing_people_and_drops_it(tmp_path):
    from kaltim_desk.core.actor import SYSTEM_ACTOR
    from kaltim_desk.db import Database, downgrade, migrate
    from kaltim_desk.services.office.bootstrap import prepare
    from tests.conftest import ADMIN

    db = Database(f"sqlite:///{tmp_path / 's.db'}")
    prepare(db)
    with db.session(ADMIN) as s:
        make_person(s, name="Siti Aminah")
    downgrade(db.engine, "0006_excel")
    with db.engine.connect() as conn:
        left = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE 'person_fts%'").all()
    assert left == []
    with db.session(SYSTEM_ACTOR) as s:  # while the index is gone, search still answers (LIKE)
        assert people.count_people(s, PageFilter(text="amin")) == 1
    migrate(db.engine)
    with db.session(ADMIN) as s:
        assert names(s, "amin") == ["SITI AMINAH"]  # indexed by the migration's rebuild
        fts_ok(s)
    db.dispose()


def test_migration_0009_builds_the_index_the_search_code_declares() -> None:
    """Migrations carry their own DDL (frozen); the shape they build is the one search.py queries."""
    import importlib.util

    import kaltim_desk.migrations

    path = Path(kaltim_desk.migrations.__file__).parent / "versions" / "0009_search_name_order.py"
    spec = importlib.util.spec_from_file_location("m0009", path)
    assert spec is not None and spec.loader is not None
    m0009 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m0009)
    assert m0009._NEW_SHAPE[: len(search.SQLITE_DDL)] == search.SQLITE_DDL
    assert m0009._NEW_SHAPE[-1] == search.SQLITE_INDEX_PEOPLE


def test_many_matches_walk_the_sort_order_and_find_the_same_page(session, monkeypatch):
    """With thousands of matches the page walks the name index instead of sorting every match; the
    rows and counts must be the same either way (here "many" is forced down to 1)."""
    for name in ("Siti Aminah", "Aminah Siti", "Sri Wahyuni", "Nur Siti", "Rusmini Baso"):
        make_person(session, name=name)
    typed = ["sit", "ami", "s", "siti ami", "64", "6472", "zzz"]

    def snapshot():
        return {
            t: (
                [r.id for r in people.page_people(session, PageFilter(text=t))],
                [r.id for r in people.page_people(session, PageFilter(text=t), sort="nik", descending=True)],
                people.count_people(session, PageFilter(text=t, status="active")),
            )
            for t in typed
        }

    few = snapshot()
    assert few["sit"][2] == 3 and few["64"][2] == 5 and few["zzz"] == ([], [], 0)
    monkeypatch.setattr(people, "MANY_MATCHES", {"name": (0.0, 1), "nik": (0.0, 1)})
    monkeypatch.setattr(people, "COUNT_SCAN_MATCHES", 1)
    assert search.many_matches(session, "sit", 1)
    assert snapshot() == few


def test_a_new_database_plans_the_people_page_as_a_full_one_would(session):
    """Shape statistics (0007): active people sorted by name walk the name index, never sort the table."""
    if not is_sqlite(session):
        pytest.skip("SQLite's planner statistics")
    stats = dict(session.execute(text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'person'")).all())
    assert stats["ix_person_is_active"].split()[0] == "1000000"
    plan = " ".join(
        str(r[-1])
        for r in session.execute(
            text("EXPLAIN QUERY PLAN SELECT id FROM person WHERE is_active = 1 ORDER BY name, id LIMIT 200")
        )
    )
    assert "ix_person_name" in plan and "TEMP B-TREE" not in plan


# --- the name-order key (0009): pages of a name search without sorting every match -------------------

EDGE_NAMES = [
    "SITI AMINAH", "Siti Aminah", "NUR'AINI", "NUR AINI", "NURAINI", "A", "AB", "É", "ÉLISA", "Ünal",
    "ZUL", "zul", "1 NAMA", "~TILDE", "NUR-HAYATI", "NUR  AINI", "NURUL", "NUR", "Nur", "ÑORA",
    "{0", "|", "SITi AMINAH", "NUR'Aini", "AB CDEFGH",
]  # fmt: skip


def test_the_index_key_is_name_key_through_insert_rename_and_delete(session):
    if not is_sqlite(session):
        pytest.skip("the FTS5 index is SQLite's")
    made = [make_person(session, name=n) for n in EDGE_NAMES]
    session.flush()
    fts_ok(session)
    session.execute(update(Person).where(Person.id == made[0].id).values(name="ZAINAB"))
    session.execute(text("DELETE FROM person WHERE id = :i"), {"i": made[1].id})
    fts_ok(session)
    assert names(session, "zai") == ["ZAINAB"]


def test_a_bulk_load_indexes_every_name_as_the_trigger_does(session):
    """The same names stored once row by row (the trigger) and once in a bulk load (keys computed in
    Python): every search finds both copies, and the index holds each under its SQL name key."""
    if not is_sqlite(session):
        pytest.skip("the FTS5 index is SQLite's")
    for n in EDGE_NAMES:
        make_person(session, name=n)
    typed = ["siti", "nur", "aini", "elisa", "zul", "ab", "1", "tilde", "hayati", "ñora", "unal", "a"]
    before = {t: people.count_people(session, PageFilter(text=t)) for t in typed}
    stamp = __import__("datetime").datetime(2025, 1, 1)
    rows = [
        {"nik": new_nik(), "name": n, "sex": "P", "welfare_source": "NONE", "is_active": True,
         "is_household_head": False, "version": 1, "created_at": stamp, "updated_at": stamp}
        for n in EDGE_NAMES
    ]  # fmt: skip
    with search.bulk_indexing(session):
        session.execute(insert(Person.__table__), rows)
    assert {t: people.count_people(session, PageFilter(text=t)) for t in typed} == {
        t: 2 * n for t, n in before.items()
    }
    assert any(before.values())
    fts_ok(session)
    by_sql = session.execute(
        text(f"SELECT {search._key_sql('person')}, name FROM person ORDER BY id")  # the trigger's key
    ).all()
    assert [k for k, _n in by_sql] == [search.name_key(n, k & search.ID_MASK) for k, n in by_sql]


_NEAR = st.text(alphabet="AZ {|0a~\u00c9-'", max_size=8)  # the edges of the shared ranks


@given(st.one_of(st.text(max_size=9), _NEAR), st.one_of(st.text(max_size=9), _NEAR))
def test_the_name_key_never_puts_names_out_of_order(a: str, b: str) -> None:
    """Binary (code point) order of names, as SQLite sorts them: a < b never gives a larger key prefix."""
    ka, kb = search.name_key(a, 7) >> search.ID_BITS, search.name_key(b, 3) >> search.ID_BITS
    if a < b:
        assert ka <= kb
    elif b < a:
        assert kb <= ka
    else:
        assert ka == kb


def _crowd(session) -> list[tuple[str, int, bool]]:
    """300 people whose names share first names and prefixes (many NUR, SITI), a few inactive."""
    firsts = ["NUR", "NURUL", "Nur", "SITI", "SRI", "AISYAH NUR", "ANI", "ÉLISA", "ZUL", "NUR'AINI"]
    lasts = ["AINI", "HALIZAH", "NURHAYATI", "SITI", "AMINAH", "BASO", "nur", "YULIANTI"]
    out = []
    for i in range(300):
        name = f"{firsts[i % len(firsts)]} {lasts[(i * 7) % len(lasts)]}{'' if i % 3 else ' ' + str(i)}"
        p = make_person(session, name=name)
        if i % 11 == 0:
            session.execute(update(Person).where(Person.id == p.id).values(is_active=False))
        out.append((p.name, p.id, i % 11 != 0))
    # a letter beyond U+FFFF right after a six-letter prefix: still one of AISYAH's bucket, in its range
    p = make_person(session, name="AISYAH\U0001d400 NUR")
    out.append((p.name, p.id, True))
    session.flush()
    return out


def test_name_search_pages_equal_a_full_sort_in_both_directions_and_with_filters(session):
    crowd = _crowd(session)
    for typed in ("nur", "n", "siti", "nur ai", "zul", "élisa", "halizah nur", "xyz"):
        ws = search.words(typed)
        expected = sorted(
            (name, pid, active)
            for name, pid, active in crowd
            if all(any(w.startswith(q) for w in search.words(name)) for q in ws)
        )
        for status in ("", "active"):
            want = [(n, i) for n, i, a in expected if a or not status]
            f = PageFilter(text=typed, status=status)
            for desc in (False, True):
                order = list(reversed(want)) if desc else want
                for offset, limit in ((0, 25), (25, 25), (0, 200), (190, 30)):
                    got = people.page_people(session, f, descending=desc, offset=offset, limit=limit)
                    assert [(r.name, r.id) for r in got] == order[offset : offset + limit], (
                        typed,
                        status,
                        desc,
                        offset,
                    )


def test_a_first_page_of_many_matches_sorts_only_a_few_of_them(session):
    if not is_sqlite(session):
        pytest.skip("the FTS5 name-order key is SQLite's")
    _crowd(session)
    ws = search.words("nur")
    total = session.scalar(select(func.count()).select_from(search.fts_ids(ws).subquery()))
    bound = search.name_order_bound(session, "nur", 10)
    assert bound is not None and bound.prefix == "AISYAH"  # the 10th NUR in name order: AISYAH NUR...
    upto = search.fts_ids(ws, below=bound.end)
    sorted_few = session.scalar(select(func.count()).select_from(upto.subquery()))
    assert 10 <= sorted_few < total / 2
    down = search.name_order_bound(session, "nur", 10, descending=True)
    assert down is not None and down.prefix == "ZUL NU"  # from the end: ZUL NURHAYATI...
    assert search.name_order_bound(session, "nur", total + 1) is None  # fewer matches: sort them all
    assert search.name_order_bound(session, "6472", 10) is None  # NIK digits: the NIK index


def test_a_nik_prefix_sorted_by_name_is_planned_on_the_nik_name_index_alone(session):
    """0009: a sub-district's NIK prefix (thousands of women) is sorted by name without reading rows."""
    if not is_sqlite(session):
        pytest.skip("SQLite's planner")
    plan = " ".join(
        str(r[-1])
        for r in session.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT id FROM person WHERE nik >= '647205' AND nik < '647206' "
                "AND is_active = 1 ORDER BY name, id LIMIT 200"
            )
        )
    )
    assert "COVERING INDEX ix_person_nik_name" in plan
