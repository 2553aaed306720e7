"""Over-long values (issue 17, finding 9): the schema's text limits are checked by the services, so a
40,000-character name is one refused row with a clear message on both backends (before: stored on
SQLite, and on PostgreSQL the whole import failed), and no message echoes the whole value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from kaltim_desk.core.dto import GroupInput
from kaltim_desk.core.errors import DomainError, ValidationFailed
from kaltim_desk.core.lengths import NOTES_MAX, column_limit, length_problems
from kaltim_desk.domain.text import clip_message, shorten
from kaltim_desk.models.group import KubeGroup
from kaltim_desk.models.person import Person
from kaltim_desk.services.excel import imports
from kaltim_desk.services.registry import groups, people
from tests.factories import VILLAGE, make_person, person_input
from tests.fixtures.excel_corpus import nik

HUGE = "A" * 40_000


def test_shorten_keeps_the_start_and_says_how_long() -> None:
    assert shorten("Siti Aminah") == "Siti Aminah"
    short = shorten(HUGE)
    assert short.startswith("AAAA") and short.endswith("(40.000 karakter)")
    assert len(short) < 90
    assert shorten(None) == ""


def test_clip_message_leaves_normal_messages_alone_and_cuts_pasted_values() -> None:
    normal = "Cadangan gagal ditulis ke /home/operator/Dokumen/Kaltim Desk/backups: disk penuh."
    assert clip_message(normal) == normal
    clipped = clip_message(f"Status perkawinan tidak dikenal: {HUGE}.")
    assert clipped.startswith("Status perkawinan tidak dikenal: AAA") and "40.001 karakter" in clipped
    assert len(clipped) < 260
    many_words = clip_message("kata " * 8000)
    assert len(many_words) <= 1000 + 20 and many_words.endswith("(pesan dipotong)")


def test_every_domain_error_message_is_clipped() -> None:
    exc = DomainError("x", f"Nilai {HUGE} tidak sah.")
    assert len(str(exc)) < 260 and len(exc.message) < 260


def test_the_limits_come_from_the_schema() -> None:
    assert column_limit(Person, "name") == 150
    assert column_limit(KubeGroup, "name") == 120
    assert column_limit(Person, "notes") is None  # TEXT: the service's own NOTES_MAX applies


def test_an_over_long_name_is_refused_with_a_clear_message(session) -> None:
    with pytest.raises(ValidationFailed) as err:
        people.register_person(session, person_input(name=HUGE))
    problem = next(p for p in err.value.problems if p.field == "name")
    assert problem.code == "too_long"
    assert problem.message == "Nama terlalu panjang: 40.000 karakter, paling banyak 150."
    assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_a_name_at_the_limit_is_stored(session) -> None:
    dto = make_person(session, name="B" * 150)
    assert len(dto.name) == 150


def test_other_person_fields_use_the_schema_limits(session) -> None:
    with pytest.raises(ValidationFailed) as err:
        people.register_person(
            session, person_input(street="J" * 201, bank_holder="H" * 151, notes="n" * 4001)
        )
    fields = {p.field: p.message for p in err.value.problems}
    assert set(fields) == {"street", "bank_holder", "notes"}
    assert fields["street"] == "Alamat terlalu panjang: 201 karakter, paling banyak 200."


def test_an_over_long_deactivation_reason_is_refused(session) -> None:
    p = make_person(session)
    with pytest.raises(DomainError, match="Alasan penonaktifan terlalu panjang"):
        people.deactivate_person(session, p.id, "pindah " * 100)
    assert people.get_person(session, p.id).is_active


def test_an_over_long_group_name_is_refused(session) -> None:
    with pytest.raises(ValidationFailed) as err:
        groups.create_group(session, GroupInput(name="KUBE " + "M" * 200, village_code=VILLAGE))
    assert err.value.problems[0].message.startswith("Nama kelompok terlalu panjang: 205 karakter")
    assert session.scalar(select(func.count()).select_from(KubeGroup)) == 0


def _workbook(tmp_path: Path) -> tuple[Path, list[str]]:
    niks = [nik(born=date(1970, 1, k + 1)) for k in range(4)]
    wb = Workbook()
    ws = wb.active
    ws.append(["NIK", "NAMA", "TEMPAT LAHIR", "TGL LAHIR", "DESA", "KECAMATAN", "NAMA KUBE", "JABATAN"])
    ws.append([niks[0], "Ani", "Samarinda", date(1970, 1, 1), "Lempake", "Samarinda Utara", "", ""])
    ws.append([niks[1], HUGE, "Samarinda", date(1970, 1, 2), "Lempake", "Samarinda Utara", "", ""])
    ws.append([niks[2], "Citra", "Samarinda", date(1970, 1, 3), "Lempake", "Samarinda Utara", HUGE, "Ketua"])
    ws.append([niks[3], "Dewi", "Samarinda", date(1970, 1, 4), "Lempake", "Samarinda Utara", "", ""])
    path = tmp_path / "panjang.xlsx"
    wb.save(path)
    return path, niks


def test_an_import_refuses_only_the_rows_with_over_long_values(session, tmp_path: Path) -> None:
    path, niks = _workbook(tmp_path)
    preview = imports.preview_import(session, path)
    by_row = {r.row: r for r in preview.rows}
    assert by_row[2].status == "ok" and by_row[5].status == "ok"
    name_problem = by_row[3].problems[0]
    assert by_row[3].status == "rejected" and name_problem.rule == "too_long"
    # (a cell holds at most 32,767 characters, Excel's own limit, which the reader keeps)
    assert name_problem.message.startswith("Nama terlalu panjang: 32.767 karakter")
    assert name_problem.message.endswith("paling banyak 150.")
    assert name_problem.column.endswith("(NAMA)") and len(name_problem.value) < 90
    group_problem = by_row[4].problems[0]
    assert by_row[4].status == "rejected" and group_problem.rule == "too_long"
    assert "Nama kelompok terlalu panjang" in group_problem.message and len(group_problem.value) < 90
    assert all(len(p.message) < 300 for p in preview.problems)

    result = imports.commit_import(session, preview)

    assert result.imported == 2
    stored = set(session.scalars(select(Person.nik)))
    assert stored == {niks[0], niks[3]}


_FIELDS = [
    "name",
    "sex",
    "street",
    "notes",
    "rt",
    "phone",
    "birth_place",
    "is_household_head",
    "welfare_decile",
]


@given(
    st.permutations(_FIELDS),
    st.lists(
        st.one_of(st.none(), st.integers(0, 4100), st.booleans()),
        min_size=len(_FIELDS),
        max_size=len(_FIELDS),
    ),
)
def test_too_long_values_are_named_in_the_order_of_the_values(order: list[str], sizes: list[object]) -> None:
    """Every text over its limit (the schema's, or the caller's for notes) is one problem, in the order
    the values come in; other types and short texts none."""
    values = {
        key: ("X" * size if isinstance(size, int) and not isinstance(size, bool) else size)
        for key, size in zip(order, sizes, strict=True)
    }
    limits = {key: column_limit(Person, key) for key in _FIELDS} | {"notes": NOTES_MAX}
    expected = [
        key
        for key, value in values.items()
        if isinstance(value, str) and limits[key] is not None and len(value) > limits[key]
    ]
    found = length_problems(Person, values, extra_limits={"notes": NOTES_MAX})
    assert [p.field for p in found] == expected
    assert all(p.code == "too_long" for p in found)
