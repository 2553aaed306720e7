"""`kaltim-desk selftest`: what office IT (and CI, from the frozen bundle) runs after installing."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from kaltim_desk.cli import main
from kaltim_desk.commands.selftest import SelftestFailed, check_pdf, check_workbook


@pytest.fixture(scope="module")
def selftest_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    folder = tmp_path_factory.mktemp("selftest")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["selftest", "--keep", str(folder), "--people", "25"])
    return code, out.getvalue(), folder


def test_selftest_passes_and_says_what_it_checked(selftest_run: tuple[int, str, Path]) -> None:
    code, out, _folder = selftest_run
    assert code == 0, out
    assert "Semua pemeriksaan lulus." in out
    for label in ("Basis data demo", "defusedxml", "Dokumen PDF", "Buku kerja Excel"):
        assert f"OK    {label}:" in out
    assert "GAGAL" not in out
    assert "kantor demo dengan 25 penerima" in out


def test_selftest_leaves_a_real_pdf_and_workbook_when_asked_to_keep_them(
    selftest_run: tuple[int, str, Path],
) -> None:
    _code, out, folder = selftest_run
    pdfs = list(folder.glob("*.pdf"))
    books = list(folder.glob("*.xlsx"))
    assert len(pdfs) == 1 and len(books) == 1
    assert check_pdf(pdfs[0]) >= 1
    assert check_workbook(books[0]) >= 1
    # The output names the file it checked and the code path that wrote it.
    assert pdfs[0].name in out and books[0].name in out


def test_a_truncated_pdf_fails_the_check(selftest_run: tuple[int, str, Path], tmp_path: Path) -> None:
    _code, _out, folder = selftest_run
    pdf = next(folder.glob("*.pdf")).read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(pdf[: len(pdf) // 2])
    with pytest.raises(SelftestFailed, match="terpotong"):
        check_pdf(broken)
    not_pdf = tmp_path / "x.pdf"
    not_pdf.write_bytes(b"<html>not a pdf</html>")
    with pytest.raises(SelftestFailed, match="bukan PDF"):
        check_pdf(not_pdf)


def test_a_workbook_with_a_nik_stored_as_a_number_fails_the_check(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["No", "NIK", "Nama"])
    ws.append([1, 6472054506800001, "SITI AMINAH"])  # Excel would keep only 15 digits
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(SelftestFailed, match="sebagai angka"):
        check_workbook(path)


def test_version_flag_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from kaltim_desk import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"Kaltim Desk {__version__}"


def test_selftest_prints_the_aid_agreement_and_writes_the_bnba_export(
    selftest_run: tuple[int, str, Path],
) -> None:
    _code, out, _folder = selftest_run
    assert "perjanjian.pdf" in out and "naskah perjanjian bantuan #" in out
    assert "bnba.xlsx" in out and "ekspor BNBA BNBA: " in out
