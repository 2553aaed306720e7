"""The reader's scan against calamine itself: whatever shape a sheet part has, the scan never says a
sheet is smaller than the grid calamine would build; and the guards around it (cancel, progress, DTDs
anywhere, merged ranges, encryption) behave as a clerk would expect."""

from __future__ import annotations

import io
import itertools
import random
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from kaltim_desk.imports import sheet_scan
from kaltim_desk.imports.formula_cells import formula_positions
from kaltim_desk.imports.reader import ReadCancelled, ReadError, open_workbook
from tests.fixtures import hostile_workbooks as hw


def _random_sheet(rng: random.Random) -> bytes:
    """A sheet in one of the shapes writers produce (and a few they should not): refs or counted
    positions, namespace prefixes, formulas with and without values, empty styled cells far away."""
    prefixed = rng.random() < 0.2
    p = "x:" if prefixed else ""
    with_refs = rng.random() < 0.7
    rows = []
    for r in sorted(rng.sample(range(1, rng.choice([30, 3000, 250_000])), rng.randint(1, 12))):
        cells = []
        cols = sorted(rng.sample(range(rng.choice([8, 400, 16384])), rng.randint(1, 6)))
        for c in cols if with_refs else range(max(cols) + 1):
            ref = f' r="{sheet_scan.cell_name(r - 1, c)}"' if with_refs else ""
            kind = rng.random()
            if kind < 0.5:
                body = f"<{p}v>{rng.randint(0, 99)}</{p}v>"
            elif kind < 0.6:
                body = f"<{p}f>1+1</{p}f><{p}v>2</{p}v>"
            elif kind < 0.7:
                body = f"<{p}f>1+1</{p}f>"
            elif kind < 0.8:
                cells.append(f'<{p}c{ref} t="inlineStr"><{p}is><{p}t>x</{p}t></{p}is></{p}c>')
                continue
            else:
                cells.append(f'<{p}c{ref} s="1"/>')
                continue
            cells.append(f"<{p}c{ref}>{body}</{p}c>")
        row_ref = f' r="{r}"' if with_refs or rng.random() < 0.5 else ""
        rows.append(f"<{p}row{row_ref}>{''.join(cells)}</{p}row>")
    ns = f' xmlns:x="{hw.MAIN_NS}"' if prefixed else f' xmlns="{hw.MAIN_NS}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet{ns}><{p}sheetData>{"".join(rows)}'
        f"</{p}sheetData></{p}worksheet>"
    ).encode()


def _chunks(xml: bytes):
    return lambda: iter([xml[i : i + 4096] for i in range(0, len(xml), 4096)])


def test_the_scan_never_says_a_sheet_is_smaller_than_calamine_builds_it():
    rng = random.Random(1717)
    for _ in range(100):
        xml = _random_sheet(rng)
        exact = sheet_scan.exact_scan(_chunks(xml), lambda n: None, "f.xlsx", "DATA", "sheet1.xml")
        chosen = sheet_scan.scan_sheet(_chunks(xml), lambda n: None, "f.xlsx", "DATA", "sheet1.xml")
        if exact.rows * exact.cols > 2_000_000:
            continue  # calamine itself would need too much memory: what the scan exists to refuse
        book = CalamineWorkbook.from_filelike(io.BytesIO(hw.workbook([("DATA", xml)])))
        end = book.get_sheet_by_name("DATA").end
        if end is None:
            continue
        assert exact.last_row >= end[0] and exact.last_col >= end[1], xml[:300]
        assert chosen.last_row >= end[0] and chosen.last_col >= end[1], xml[:300]


def test_fast_and_exact_paths_agree_on_an_excel_shaped_sheet(tmp_path):
    rows = {r: [hw.cell(f"A{r}", r), hw.cell(f"C{r}", "x"), f'<c r="D{r}" s="1"/>'] for r in range(1, 2001)}
    xml = hw.sheet_xml(hw.rows_xml(rows), after='<mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells>')
    fast = sheet_scan.scan_sheet(_chunks(xml), lambda n: None, "f.xlsx", "DATA", "p")
    exact = sheet_scan.exact_scan(_chunks(xml), lambda n: None, "f.xlsx", "DATA", "p")
    assert not fast.exact and exact.exact
    assert exact.last_row == 1999 and exact.last_col == 2 and exact.cells == 4000
    assert fast.merges == exact.merges == [(0, 0, 0, 2)]
    # the fast path bounds rows by digits and first digit (2000 counts as 2999), counts every cell tag
    assert fast.last_row == 2998 and fast.last_col == 3 and fast.cells == 6000


def test_formula_cells_without_a_value_are_found_even_in_unusual_xml():
    xml = hw.sheet_xml(
        '<row r="1"><c r="A1"><f>1+1</f></c><c r="B1"><f>1+1</f><v>2</v></c>'
        '<c r="C1"><f t="shared" si="0"/><v>  </v></c></row>'
    )
    found = sheet_scan.scan_sheet(_chunks(xml), lambda n: None, "f.xlsx", "DATA", "p")
    assert found.exact and found.formula_no_value == {(0, 0), (0, 2)}


def test_cancel_stops_the_check_and_progress_counts_up_to_the_total(tmp_path):
    path = tmp_path / "besar.xlsx"
    rows = {r: [hw.cell(f"A{r}", hw.NIK), hw.cell(f"B{r}", "Siti Aminah")] for r in range(1, 60_000)}
    path.write_bytes(hw.workbook([("DATA", hw.sheet_xml(hw.rows_xml(rows)))]))
    seen: list[tuple[int, int]] = []
    open_workbook(path, progress=lambda d, t, _s: seen.append((d, t)))
    assert len(seen) > 2 and seen[-1][0] == seen[-1][1]
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(ReadCancelled) as err:
        open_workbook(path, is_cancelled=cancelled)
    assert "dibatalkan" in err.value.message and len(calls) == 3


def test_a_doctype_anywhere_in_any_part_is_refused(tmp_path):
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?><!--{"x" * 6000}-->'
        '<!DOCTYPE sst SYSTEM "http://contoh.invalid/x.dtd">'
        f'<sst xmlns="{hw.MAIN_NS}" count="1" uniqueCount="1"><si><t>NIK</t></si></sst>'
    ).encode()
    path = tmp_path / "ss.xlsx"
    path.write_bytes(
        hw.workbook([("DATA", hw.sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))], shared=shared)
    )
    with pytest.raises(ReadError) as err:
        open_workbook(path)
    assert err.value.code == "xml_entity" and "sharedStrings.xml" in err.value.message


def test_merged_ranges_are_filled_within_the_sheet_and_overlaps_refused(tmp_path):
    rows = {1: [hw.cell("A1", "KUBE Anggrek")], 2: [hw.cell("B2", 1)], 3: [hw.cell("B3", 2)]}
    good = tmp_path / "good.xlsx"
    merges = '<mergeCells count="1"><mergeCell ref="A1:A3"/></mergeCells>'
    good.write_bytes(hw.workbook([("DATA", hw.sheet_xml(hw.rows_xml(rows), after=merges))]))
    grid = open_workbook(good).sheet("DATA")
    assert [r[0] for r in grid.rows] == ["KUBE Anggrek"] * 3
    bad = tmp_path / "tumpuk.xlsx"
    merges = '<mergeCells count="2"><mergeCell ref="A1:B3"/><mergeCell ref="A1:B3"/></mergeCells>'
    bad.write_bytes(hw.workbook([("DATA", hw.sheet_xml(hw.rows_xml(rows), after=merges))]))
    with pytest.raises(ReadError) as err:
        open_workbook(bad).sheet("DATA")
    assert err.value.code == "merge_overlap" and "tumpuk.xlsx" in err.value.message


def test_a_sheet_is_read_once_for_choosing_and_previewing(tmp_path, monkeypatch):
    path = tmp_path / "a.xlsx"
    path.write_bytes(hw.workbook([("DATA", hw.sheet_xml(hw.rows_xml(hw.importable_rows())))]))
    wb = open_workbook(path)
    first = wb.sheet("DATA")
    assert wb.sheet("DATA") is first


def test_encrypted_with_a_huge_key_iteration_count_is_called_password_protected(tmp_path):
    path = tmp_path / "rahasia.xlsx"
    path.write_bytes(hw.encrypted(50_000_000))
    for password in (None, "rahasia123"):
        with pytest.raises(ReadError) as err:
            open_workbook(path, password)
        assert err.value.code == "encrypted_unsupported"
        assert "dilindungi kata sandi" in err.value.message and "50.000.000" in err.value.message
        assert "lama (.xls)" not in err.value.message


def test_a_workbook_encrypted_as_excel_does_asks_for_its_password(tmp_path):
    path = tmp_path / "biasa.xlsx"
    path.write_bytes(hw.encrypted(100_000))  # Excel's own count: opened as before (test_import_corpus)
    with pytest.raises(ReadError) as err:
        open_workbook(path)
    assert err.value.code == "encrypted" and "Masukkan kata sandinya" in err.value.message


def test_xml_not_in_utf8_is_refused_by_name(tmp_path):
    path = tmp_path / "u16.xlsx"
    path.write_bytes(hw.far_cell_utf16())
    with pytest.raises(ReadError) as err:
        open_workbook(path)
    assert err.value.code == "encoding" and "sheet1.xml" in err.value.message


def test_zip_twins_are_refused(tmp_path):
    path = tmp_path / "kembar.xlsx"
    path.write_bytes(hw.far_cell_in_a_twin_part())
    with pytest.raises(ReadError) as err:
        open_workbook(path)
    assert err.value.code == "corrupt" and "dua kali" in err.value.message
    assert zipfile.is_zipfile(path)


def test_formula_cells_are_those_the_full_read_finds_with_or_without_the_scans_shortcut(tmp_path):
    """A part the fast scan read whole without a "<f" in it has no formula cell, and the reader says so
    without reading it again; every other part is read again, as before."""
    rng = random.Random(2026)
    plain = hw.sheet_xml(
        hw.rows_xml(
            {r: [hw.cell(f"A{r}", hw.NIK), hw.cell(f"B{r}", "Siti &lt;f&gt; AMINAH")] for r in range(1, 40)}
        )
    )
    # a tag that starts "<f" but is no formula: the fast scan vouches for the part, the reader reads it
    odd_tag = hw.sheet_xml('<row r="1"><c r="A1"><v>1</v><fx/></c><c r="B1"><v>2</v></c></row>')
    sheets = [plain, odd_tag] + [_random_sheet(rng) for _ in range(100)]
    shortcut = full = 0
    for i, xml in enumerate(sheets):
        path = tmp_path / f"f{i}.xlsx"
        path.write_bytes(hw.workbook([("DATA", xml)]))
        try:
            wb = open_workbook(path)
        except ReadError:
            continue  # refused before anything is read: nothing to compare
        expected = formula_positions([xml])
        assert wb.formula_cells("DATA") == expected, xml[:300]
        if wb.scans["DATA"].maybe_formulas:
            full += 1
        else:
            shortcut += 1
            assert not expected
    assert not open_workbook(_write(tmp_path / "plain.xlsx", plain)).scans["DATA"].maybe_formulas
    odd = open_workbook(_write(tmp_path / "odd.xlsx", odd_tag))
    assert not odd.scans["DATA"].exact and odd.formula_cells("DATA") == {(0, 0)}
    assert shortcut and full > 10  # both ways were taken


def _write(path, xml: bytes):
    path.write_bytes(hw.workbook([("DATA", xml)]))
    return path
