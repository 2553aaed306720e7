"""Search by name and NIK: word starts in any order, NIK prefixes, the full-text index kept in sync with
every insert, rename and delete, bulk loads, and the migration that builds (and drops) it."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text, update

from kaltim_desk.models.person import Person
from kaltim_desk.services import people, search
from kaltim_desk.services.dto import PageFilter
from tests.factories import make_person


def names(session, typed: str) -> list[str]:
    return sorted(r.name for r in people.page_people(session, PageFilter(text=typed)))


def is_sqlite(session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def fts_ok(session) -> None:
    """FTS5's own check: the index holds exactly the names of `person` (raises if not)."""
    session.execute(text("INSERT INTO person_fts(person_fts) VALUES ('integrity-check')"))


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
    from kaltim_desk.db import Database, downgrade, migrate
    from kaltim_desk.services.actor import SYSTEM_ACTOR
    from kaltim_desk.services.bootstrap import prepare
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
