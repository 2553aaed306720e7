"""The Laporan page: a masked export, a full export's reason and password, cancel, the import batch list
with its rollback, and the consolidation panel."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import func, select

from kaltim_desk.core.actor import Actor
from kaltim_desk.models.grant import Grant, Programme
from kaltim_desk.models.import_batch import ExportLog
from kaltim_desk.models.person import Person
from kaltim_desk.services.excel import imports
from kaltim_desk.tasks import TaskState
from kaltim_desk.views.pages.reports import Page
from tests.factories import make_person
from tests.fixtures import excel_corpus as ec


def _recipient(s, **person):
    """A woman who received aid (the BNBA lists no one else)."""
    p = make_person(s, **person)
    prog = Programme(name=f"UEP {p.id}", budget_year=2025, funding_source="APBD")
    s.add(prog)
    s.flush()
    s.add(Grant(programme_id=prog.id, person_id=p.id, amount=1_000_000, status="approved"))
    return p


def _page(qtbot, ctx):
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    return page


def test_masked_export_is_saved_with_progress_and_a_message(qtbot, ctx, prompts, tmp_path):
    with ctx.session() as s:
        _recipient(s, name="Siti Laporan")
    page = _page(qtbot, ctx)
    assert not page.reason.isVisibleTo(page)  # only for a full export
    page.kind.setCurrentIndex(page.kind.findData("bnba"))
    prompts.file_answer = tmp_path / "bnba.xlsx"
    qtbot.mouseClick(page.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
    assert "Ekspor #1 (NIK disamarkan)" in page.status.text()
    assert prompts.messages[-1][0] == "choose"  # Buka berkas / Buka folder / Tutup
    ws = load_workbook(tmp_path / "bnba.xlsx")["BNBA"]
    assert ws["D7"].value == "SITI LAPORAN" and ws["B7"].value.endswith("*" * 10)
    assert "Kunci NIK provinsi belum dipasang" in page.status.text()  # no province key in this office
    assert page.progress.value() == page.progress.maximum()
    assert page.save_button.isEnabled() and not page.cancel_button.isEnabled()


def test_full_export_asks_reason_and_matching_password(qtbot, ctx, prompts, tmp_path):
    with ctx.session() as s:
        make_person(s)
    page = _page(qtbot, ctx)
    page.full.setChecked(True)
    assert page.reason.isVisibleTo(page) and page.password.isVisibleTo(page)
    prompts.file_answer = tmp_path / "full.xlsx"
    qtbot.mouseClick(page.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
    assert prompts.messages[-1] == ("error", "Laporan", "Isi alasan ekspor lengkap; alasan ini dicatat.")
    page.reason.setText("verifikasi provinsi")
    page.password.setText("rahasia123")
    page.password2.setText("rahasia124")
    qtbot.mouseClick(page.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
    assert prompts.messages[-1][2] == "Kedua kata sandi tidak sama."
    page.password2.setText("rahasia123")
    qtbot.mouseClick(page.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
    assert "lengkap, terenkripsi" in page.status.text()
    assert (tmp_path / "full.xlsx").read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    with ctx.read() as s:
        log = s.scalar(select(ExportLog))
        assert log.is_full and log.reason == "verifikasi provinsi"


def test_clerk_sees_no_full_export_choice(qtbot, ctx):
    ctx.actor = Actor("clerk.x", "clerk")
    page = _page(qtbot, ctx)
    assert not page.full.isVisibleTo(page)
    assert not page.rollback_button.isVisibleTo(page)
    assert page.consolidation is None


def test_cancel_stops_the_export_and_says_no_file_was_written(qtbot, ctx, prompts, tmp_path):
    with ctx.session() as s:
        make_person(s)

    class CancellingRunner:
        """Runs the task at once, with Cancel already pressed (as if the user clicked it meanwhile)."""

        def run(self, fn, on_done=None, on_error=None, on_progress=None):
            state = TaskState(on_progress)
            state.cancel()
            try:
                result = fn(state)
            except BaseException as exc:
                on_error(exc)
            else:
                on_done(result)
            return state

    ctx.tasks = CancellingRunner()
    page = _page(qtbot, ctx)
    prompts.file_answer = tmp_path / "x.xlsx"
    qtbot.mouseClick(page.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
    assert page.status.text() == "Ekspor dibatalkan; tidak ada berkas yang ditulis."
    assert not (tmp_path / "x.xlsx").exists()
    assert not [m for m in prompts.messages if m[0] == "error"]


def test_import_batch_is_listed_and_rolled_back_from_the_page(qtbot, ctx, prompts, tmp_path):
    path, _e, _n = ec.clerk_workbook(tmp_path)
    with ctx.session() as s:
        imports.commit_import(s, imports.preview_import(s, path))
    page = _page(qtbot, ctx)
    assert page.batches.rowCount() == 1
    assert page.batches.item(0, 1).text() == "daftar_kube_2024.xlsx (Data KUBE 2024)"
    assert page.batches.item(0, 4).text() == "7" and page.batches.item(0, 5).text() == "Tersimpan"
    page.batches.selectRow(0)
    prompts.text_answer = "berkas keliru"
    qtbot.mouseClick(page.findChild(QPushButton, "rollback"), Qt.MouseButton.LeftButton)
    assert "7 penerima dan 1 kelompok dihapus" in prompts.messages[-1][2]
    assert page.batches.item(0, 5).text() == "Dibatalkan"
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_consolidation_panel_merges_and_shows_each_files_verdict(qtbot, ctx, prompts, tmp_path):
    from kaltim_desk.services.excel import exports

    with ctx.session() as s:
        _recipient(s)
        exports.export_report(s, "bnba", tmp_path / "old.xlsx")
        exports.export_report(s, "bnba", tmp_path / "new.xlsx")
    page = _page(qtbot, ctx)
    panel = page.consolidation
    for name in ("old.xlsx", "new.xlsx"):
        prompts.file_answer = tmp_path / name
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.files.count() == 2
    prompts.file_answer = tmp_path / "prov.xlsx"
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    verdicts = {panel.outcome.item(i, 0).text(): panel.outcome.item(i, 1).text() for i in range(2)}
    assert verdicts == {"old.xlsx": "Ditolak", "new.xlsx": "Diterima"}
    assert "lebih lama" in panel.outcome.item(0, 2).text()
    assert "1 baris, 0 baris konflik NIK" in panel.summary.text()
    assert (tmp_path / "prov.xlsx").exists()


def test_admin_installs_the_province_key_file_and_the_page_shows_its_id(qtbot, ctx, prompts, tmp_path):
    from kaltim_desk.exports import masking

    page = _page(qtbot, ctx)
    assert "belum dipasang" in page.key_status.text() and page.key_button.isVisibleTo(page)
    bad = tmp_path / "salah.key"
    bad.write_text("bukan kunci", "utf-8")
    prompts.file_answer = bad
    qtbot.mouseClick(page.key_button, Qt.MouseButton.LeftButton)
    assert prompts.messages[-1][0] == "error" and "Berkas kunci NIK ditolak" in prompts.messages[-1][2]
    key = masking.new_key()
    good = tmp_path / "provinsi.key"
    good.write_text(masking.key_file_text(key, "Provinsi"), "utf-8")
    prompts.file_answer = good
    qtbot.mouseClick(page.key_button, Qt.MouseButton.LeftButton)
    assert prompts.messages[-1][0] == "info"
    assert masking.key_id(key) in page.key_status.text() and key not in page.key_status.text()
