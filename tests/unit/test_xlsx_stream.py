"""The streaming .xlsx writer: what it writes, other readers (openpyxl, python-calamine) read back."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from defusedxml import ElementTree
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from kaltim_desk.exports.xlsx_stream import NUMBER, PLAIN, TEXT, Style, XlsxStream, column_letter


def _book(path: Path, rows: list[list[object]], kinds: list[str]) -> None:
    book = XlsxStream(path)
    ws = book.sheet("Data Ibu", widths=[10] * len(kinds), freeze_row=1, print_title_row=1)
    ws.append_cells([(f"K{i}", ws.style_attr(Style(bold=True))) for i in range(len(kinds))])
    styles = [ws.style_attr(Style(number_format="DD/MM/YYYY")) if k == NUMBER else "" for k in kinds]
    quoted = ws.style_attr(Style(quote_prefix=True, number_format="@"))
    for row in rows:
        ws.append_row(row, kinds, styles, quoted)
    ws.close(autofilter=f"A1:{column_letter(len(kinds))}{len(rows) + 1}")
    meta = book.sheet("_META", hidden=True)
    meta.append_cells([("kunci", ""), ("nilai", "")])
    meta.close()
    book.close()


def test_column_letters() -> None:
    assert [column_letter(i) for i in (1, 26, 27, 52, 53, 702, 703)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_every_part_is_well_formed_xml(tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    _book(out, [["a & b <c>", 1, date(2024, 8, 17)]], [TEXT, PLAIN, NUMBER])
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet2.xml"} <= set(
            names
        )
        for name in names:
            ElementTree.fromstring(z.read(name))  # raises on malformed XML


def test_values_read_back_the_same_in_openpyxl_and_calamine(tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    rows: list[list[object]] = [
        ["Siti & Nur <Aminah>", "6472055708800001", 1, date(1980, 8, 17)],
        ['=HYPERLINK("http://x")', "  spasi di tepi  ", 2, datetime(2024, 1, 31, 12, 0)],
        ["baris\r\nbaru\tdan tab", "", 3.5, None],
        ["kendali\x07hilang", None, True, "bukan tanggal"],
    ]
    _book(out, rows, [TEXT, TEXT, PLAIN, NUMBER])
    wb = load_workbook(out)
    assert wb.sheetnames == ["Data Ibu", "_META"] and wb["_META"].sheet_state == "hidden"
    ws = wb["Data Ibu"]
    got = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_col=4)]
    assert got[0] == ["Siti & Nur <Aminah>", "6472055708800001", 1, datetime(1980, 8, 17)]
    assert got[1][:2] == ['=HYPERLINK("http://x")', "  spasi di tepi  "]
    assert ws["A3"].data_type == "s" and ws["A3"].quotePrefix  # text, never a formula
    assert got[1][3] == datetime(2024, 1, 31, 12, 0)
    assert got[2][:3] == ["baris\r\nbaru\tdan tab", None, 3.5]
    assert got[3] == ["kendalihilang", None, True, "bukan tanggal"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D5"
    assert ws.print_title_rows in ("1:1", "$1:$1")
    assert ws["A4"].number_format == "General" and ws["D2"].number_format == "DD/MM/YYYY"

    cal = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Data Ibu").to_python()
    assert cal[1][0] == "Siti & Nur <Aminah>" and cal[1][1] == "6472055708800001"
    assert cal[2][0] == '=HYPERLINK("http://x")' and cal[3][0] == "baris\r\nbaru\tdan tab"
    assert cal[1][3] == date(1980, 8, 17)


def test_a_second_sheet_waits_for_the_first_and_names_are_unique(tmp_path: Path) -> None:
    book = XlsxStream(tmp_path / "a.xlsx")
    book.sheet("A")
    with pytest.raises(RuntimeError):
        book.sheet("B")
    book.abandon()
    book = XlsxStream(tmp_path / "b.xlsx")
    book.sheet("Rekap").close()
    with pytest.raises(ValueError):
        book.sheet("REKAP")
    book.abandon()


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_text, st.integers(-(10**15), 10**15)), min_size=1, max_size=8))
def test_any_text_and_whole_number_round_trips(tmp_path_factory: pytest.TempPathFactory, rows) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("h") / "a.xlsx"
    _book(out, [[t, n] for t, n in rows], [TEXT, PLAIN])
    ws = load_workbook(out)["Data Ibu"]
    for i, (t, n) in enumerate(rows, start=2):
        expected = "".join(ch for ch in t if ch in "\t\n\r" or (ord(ch) >= 32 and ch not in "\ufffe\uffff"))
        assert (ws.cell(i, 1).value or "") == expected
        assert ws.cell(i, 2).value == n


def test_a_row_wider_than_the_declared_columns_keeps_every_cell(tmp_path: Path) -> None:
    book = XlsxStream(tmp_path / "wide.xlsx")
    ws = book.sheet("Lebar")
    ws.append_row(list(range(1, 101)), [PLAIN] * 100, [""] * 100)
    ws.close()
    book.close()
    row = next(load_workbook(tmp_path / "wide.xlsx")["Lebar"].iter_rows(values_only=True))
    assert list(row) == list(range(1, 101))
