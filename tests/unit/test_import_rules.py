"""The small rules an import leans on: header wordings, roles, dates as clerks write them, and the office
setting that makes more fields required."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from kaltim_desk.core.settings import save_section
from kaltim_desk.domain.dates import DateParseError, parse_date_flexible, parse_place_and_date
from kaltim_desk.imports.headers import classify, field_from_user, normalize_header
from kaltim_desk.services.excel import imports
from kaltim_desk.services.excel.import_cells import EMPTY_MARKS, is_empty_mark, role_of
from kaltim_desk.services.excel.import_validate import ImportRules
from tests.fixtures import excel_corpus as ec


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("No. Induk Kependudukan", "nik"),
        ("Nama Lengkap Penerima", "name"),
        ("Jabatan dlm KUBE", "role"),
        ("Kel/Desa", "village"),
        ("Tgl Lahir", "birth_date"),
        ("No HP/WA", "phone"),
        ("Tempat, Tgl Lahir", "ttl"),
        ("KECEMATAN", "district"),  # misspelt: fuzzy
        ("Besar Bantuan (Rp)", "aid_value"),
        ("No. Rek", "bank_account"),
        ("Nama Ibu Kandung", None),  # the mother's name is not ours
        ("Pekerjaan", None),
    ],
)
def test_headers_as_offices_word_them(header, field):
    assert classify(header) == field


def test_group_headers_over_two_rows_settle_the_lower_cell():
    assert classify("NAMA", "KUBE") == "group_name"
    assert classify("TANGGAL", "TEMPAT/TGL LAHIR") == "birth_date"
    assert classify("TEMPAT", "TEMPAT/TGL LAHIR") == "birth_place"
    assert field_from_user("jabatan") == "role" and field_from_user("-") == ""


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Sekr.", "sekretaris"),
        ("Bend.", "bendahara"),
        ("KETUA KUBE", "ketua"),
        ("Ketua Kelompok", "ketua"),
        ("SEKERTARIS", "sekretaris"),
        ("Bendahari", "bendahara"),
        ("", "anggota"),
        ("Angg.", "anggota"),
        ("Wakil Ketua", None),
        ("Penasehat", None),
    ],
)
def test_roles_as_clerks_write_them(text, role):
    assert role_of(text) == role


def test_dates_as_clerks_write_them():
    born = date(1986, 3, 24)
    assert parse_date_flexible("24/3/86", century_from=born) == born
    assert parse_date_flexible("24-Mar-86", century_from=born) == born
    assert parse_date_flexible("24/3/05", century_from=date(2005, 3, 24)) == date(2005, 3, 24)
    assert parse_date_flexible(31495, excel_serials=True) == born
    assert parse_date_flexible("31495", excel_serials=True) == born
    assert parse_date_flexible(31495.0, excel_serials=True) == born
    assert parse_date_flexible(datetime(1986, 3, 24, 0, 0)) == born
    assert parse_date_flexible("Senin, 24 Maret 1986") == born
    assert parse_date_flexible("24 Mrt 1986") == born and parse_date_flexible("24 Agst 1986") == date(
        1986, 8, 24
    )
    assert parse_place_and_date("Samarinda, 24/3/86", century_from=born) == ("Samarinda", born)
    with pytest.raises(DateParseError, match="4 digit"):
        parse_date_flexible("24/3/86")  # without the NIK, a two-digit year is not guessed
    with pytest.raises(DateParseError) as err:
        parse_date_flexible(25709.0)
    assert "25709" in str(err.value) and "25709.0" not in str(err.value)


def _sheet(tmp_path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["NIK", "NAMA", "TGL LAHIR", "DESA", "KECAMATAN", "NO HP"])
    for r in rows:
        ws.append(r)
    path = tmp_path / "wajib.xlsx"
    wb.save(path)
    return path


def test_office_setting_makes_fields_required(session, tmp_path):
    full, bare = ec.nik(), ec.nik()
    path = _sheet(
        tmp_path,
        [
            [full, "Siti Lengkap", "12-05-1980", "Lempake", "Samarinda Utara", "081234567890"],
            [bare, "Siti Kurang", "", "Kampung Antah", "", "-"],
        ],
    )
    # by default only NIK and name refuse a row: the bare row imports with warnings
    preview = imports.preview_import(session, path)
    assert preview.counts["ok"] == 2
    bare_row = next(r for r in preview.rows if r.nik == bare)
    assert {w.rule for w in bare_row.warnings} == {"village_unknown", "phone_invalid"}
    assert bare_row.person.birth_date == date(1980, 5, 12)  # from the NIK
    save_section(session, ImportRules(required_fields=("village", "phone")))
    preview = imports.preview_import(session, path)
    assert preview.counts["ok"] == 1 and preview.counts["rejected"] == 1
    refused = next(r for r in preview.rows if r.status == "rejected")
    assert refused.row == 3 and refused.person.nik == bare
    assert {p.rule for p in refused.problems} == {"required_missing"}
    assert "wajib diisi (pengaturan kantor)" in refused.reason


@given(
    st.one_of(
        st.text(alphabet="0123456789-.() ATIDKNHLtidaknhl\u2014", max_size=14),
        st.sampled_from(
            ["-", "0", " 0 ", "(1) 0", "0 (123)", "Tidak Ada", "N/A", "081234", "—", "0.", "(-)"]
        ),
    )
)
def test_an_empty_mark_is_told_from_a_value_as_by_its_normalised_text(text: str) -> None:
    """ "-", "0", "tidak ada"... say "nothing"; the digit shortcut never changes the answer."""
    expected = len(text) <= 12 and (text.strip() in EMPTY_MARKS or normalize_header(text) in EMPTY_MARKS)
    assert is_empty_mark(text) == expected
