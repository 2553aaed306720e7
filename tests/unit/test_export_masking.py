"""Masked exports do not give the NIK away (issue 17, finding 3), and the province's fingerprint can not
be reversed without its key.

The attack: a masked BNBA row used to show ``640204******0001`` next to the birth date and sex, which
are exactly the six hidden digits (DDMMYY, day + 40 for a woman), so every NIK was rebuilt. The attacker
is written out below; it rebuilds every NIK from the old format and none from what we write now, even
when helped with the true day and month and allowed to test every serial against the fingerprint with
every key an outsider could know.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import pytest
from openpyxl import load_workbook

from kaltim_desk.core.errors import DomainError
from kaltim_desk.domain.nik import mask_nik
from kaltim_desk.exports import masking
from kaltim_desk.models.grant import Grant, Programme
from kaltim_desk.services.excel import exports
from tests.factories import make_person

PROVINCE_KEY = masking.new_key()


@pytest.fixture
def recipients(session):
    """Twelve women (birth dates all different) who received aid, in an office holding the province key."""
    exports.install_nik_key(session, masking.key_file_text(PROVINCE_KEY, "Provinsi"))
    prog = Programme(name="UEP 2025", budget_year=2025, funding_source="APBD")
    session.add(prog)
    session.flush()
    people = [
        make_person(
            session, name=f"Penerima {i}", birth_date=date(1960 + 3 * i, 1 + i, 3 + 2 * i), kk_number=""
        )
        for i in range(12)
    ]
    session.add_all(
        [Grant(programme_id=prog.id, person_id=p.id, amount=1_000_000, status="approved") for p in people]
    )
    session.flush()
    return people


def rebuild_nik(masked: str, born: date, sex: str) -> str | None:
    """The attacker: fill the hidden digits from the birth date and sex shown on the same row."""
    if len(masked) != 16 or not masked[:6].isdigit() or not masked[-4:].isdigit():
        return None
    day = born.day + (40 if sex == "P" else 0)
    return f"{masked[:6]}{day:02d}{born:%m%y}{masked[-4:]}"


def _outsider_fingerprints(nik: str) -> set[str]:
    """Every fingerprint an outsider can compute for a candidate NIK: unkeyed hashes, the old
    built-in key under the old scheme and under HMAC, an empty key."""
    legacy = masking.LEGACY_PUBLIC_KEY.encode()
    out = {
        hashlib.sha256(nik.encode()).hexdigest()[:32],
        hashlib.blake2b(nik.encode(), key=hashlib.sha256(legacy).digest(), digest_size=12).hexdigest(),
    }
    for key in (legacy, b""):
        out.add(hmac.digest(key, nik.encode(), "sha256")[:16].hex())
    return out


def _bnba_rows(path) -> tuple[list[str], list[list]]:
    ws = load_workbook(path)["BNBA"]
    headers = [c.value for c in ws[6]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=7) if isinstance(r[0].value, int)]
    return headers, rows


def test_the_old_masked_format_gave_every_nik_away(recipients):
    # what a masked row showed before: mask_nik (region + serial) with the birth date and sex beside it
    rebuilt = [rebuild_nik(mask_nik(p.nik), p.birth_date, p.sex) for p in recipients]
    assert rebuilt == [p.nik for p in recipients]  # 12 of 12


def test_no_nik_can_be_rebuilt_from_a_masked_export(session, recipients, tmp_path):
    out = tmp_path / "bnba.xlsx"
    exports.export_report(session, "bnba", out)
    headers, rows = _bnba_rows(out)
    assert len(rows) == len(recipients)
    assert "TANGGAL LAHIR" not in headers and "NO. HP" not in headers
    nik_i, year_i, sex_i, key_i = (
        headers.index(h) for h in ("NIK", "TAHUN LAHIR", "JENIS KELAMIN", "KUNCI NIK")
    )
    true_niks = {p.nik for p in recipients}
    born = {p.nik: p.birth_date for p in recipients}
    by_fp = {masking.fingerprint(PROVINCE_KEY.encode(), p.nik): p.nik for p in recipients}
    rebuilt = 0
    for row in rows:
        masked, year, sex, fp = row[nik_i], row[year_i], row[sex_i], row[key_i]
        assert masked.endswith("*" * 10) and masked[:6].isdigit()  # neither date nor serial shown
        assert isinstance(year, int) and 1900 < year < 2020  # the birth year only
        # the old attack has nothing to work with
        assert rebuild_nik(masked, date(year, 1, 1), sex) is None
        # a stronger attacker: told the true day and month, she tries every serial and checks each
        # candidate against the fingerprint with every key she can know; no candidate ever matches
        truth = by_fp[fp]
        d = born[truth]
        day = d.day + (40 if sex == "P" else 0)
        prefix = f"{masked[:6]}{day:02d}{d:%m}{year % 100:02d}"
        matches = [c for c in (f"{prefix}{s:04d}" for s in range(10_000)) if fp in _outsider_fingerprints(c)]
        rebuilt += bool(matches)
        assert truth in true_niks
    assert rebuilt == 0
    # nothing else in the file carries the hidden digits: no full NIK or date anywhere in the sheets
    import zipfile

    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert not any(nik in xml or nik[6:12] in xml for nik in true_niks)


def test_the_fingerprint_finds_the_same_woman_for_whoever_holds_the_key(session, recipients, tmp_path):
    out = tmp_path / "bnba.xlsx"
    exports.export_report(session, "bnba", out)
    headers, rows = _bnba_rows(out)
    fps = {r[headers.index("KUNCI NIK")] for r in rows}
    assert fps == {masking.fingerprint(PROVINCE_KEY.encode(), p.nik) for p in recipients}
    ws = load_workbook(out)["_META"]
    meta = {r[0].value: r[1].value for r in ws.iter_rows()}
    assert meta["nik_key_id"] == masking.key_id(PROVINCE_KEY) and PROVINCE_KEY not in str(meta)


def test_without_the_province_key_the_fingerprint_is_left_empty_and_the_export_says_so(session, tmp_path):
    p = make_person(session, name="Tanpa Kunci")
    prog = Programme(name="UEP", budget_year=2025, funding_source="APBD")
    session.add(prog)
    session.flush()
    session.add(Grant(programme_id=prog.id, person_id=p.id, amount=1, status="approved"))
    session.flush()
    res = exports.export_report(session, "bnba", tmp_path / "b.xlsx")
    headers, rows = _bnba_rows(tmp_path / "b.xlsx")
    assert rows[0][headers.index("KUNCI NIK")] is None
    assert res.nik_key_missing
    assert exports.export_report(session, "recap", tmp_path / "r.xlsx").nik_key_missing is False


def test_key_files_are_checked_before_they_are_installed(session):
    with pytest.raises(DomainError) as err:
        exports.install_nik_key(
            session, masking.key_file_text(masking.LEGACY_PUBLIC_KEY + "x" * 20, "x")[:40]
        )
    assert "Berkas kunci NIK ditolak" in err.value.message
    text = masking.key_file_text(masking.new_key(), "Provinsi").replace("id: ", "id: 0")
    with pytest.raises(DomainError) as err:
        exports.install_nik_key(session, text)
    assert "tidak cocok" in err.value.message
    with pytest.raises(masking.KeyFileError):
        masking.check_key(masking.LEGACY_PUBLIC_KEY)


def test_mask_id_shows_the_region_digits_only():
    assert masking.mask_id("6472035205800001") == "647203**********"
    assert masking.mask_id("647203******0001") == "647203**********"  # an old masked value
    assert masking.mask_id("12345") == "**********"
    assert masking.mask_id("") == ""


def test_cli_nik_key_new_install_show(db, db_url, tmp_path, capsys):
    from kaltim_desk.cli import main as cli_main

    key_file = tmp_path / "provinsi.key"
    assert cli_main(["nik-key", "new", "--out", str(key_file)]) == 0
    assert "ditulis ke" in capsys.readouterr().out and oct(key_file.stat().st_mode)[-3:] == "600"
    assert cli_main(["nik-key", "new", "--out", str(key_file)]) == 2  # never overwrites a key
    assert "sudah ada" in capsys.readouterr().err
    assert cli_main(["nik-key", "show", "--db", db_url]) == 3
    assert "belum dipasang" in capsys.readouterr().out
    assert cli_main(["nik-key", "install", str(key_file), "--db", db_url]) == 0
    kid = masking.key_id(masking.parse_key_file(key_file.read_text()))
    assert f"id {kid}" in capsys.readouterr().out
    assert cli_main(["nik-key", "show", "--db", db_url]) == 0
    assert f"id {kid}" in capsys.readouterr().out
