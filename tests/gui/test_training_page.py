"""The Pelatihan page: trainings table, editor, printing in the background, verification."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QTableWidgetItem

from kaltim_desk.services.training import certificates, trainings
from kaltim_desk.views.dialogs.training_editor import TrainingEditor
from kaltim_desk.views.dialogs.verify_dialog import VerifyDialog
from kaltim_desk.views.pages.training import Page
from tests.conftest import ADMIN
from tests.factories import setup_training


def open_page(qtbot: Any, ctx: Any) -> Page:
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    return page


def select_row(page: Page, row: int = 0) -> None:
    page.table.selectRow(row)


def test_table_lists_trainings_with_counts(qtbot: Any, ctx: Any, db: Any, qtmodeltester: Any) -> None:
    with db.session(ADMIN) as s:
        tid, _ = setup_training(s, 2, 1)
        certificates.issue_for_training(s, tid)
    page = open_page(qtbot, ctx)
    m = page.model
    assert m.rowCount() == 1
    values = [m.index(0, c).data() for c in range(m.columnCount())]
    assert values == [
        "Pelatihan Manajemen Usaha Mikro",
        "2 Maret 2026",
        "6 Maret 2026",
        "Aula Dinsos, Samarinda",
        "20",
        "5",
        "3",
        "2",
        "Direncanakan",
    ]
    assert page.count_label.text() == "1 data ditemukan"
    qtmodeltester.check(m)


def test_editor_creates_a_training_with_sessions(qtbot: Any, ctx: Any) -> None:
    page = open_page(qtbot, ctx)
    ed = TrainingEditor(ctx, None, page)
    qtbot.addWidget(ed)
    qtbot.keyClicks(ed.title, "Pelatihan Literasi Keuangan")
    ed.topic_boxes["Literasi keuangan"].setChecked(True)
    ed.start.setDate(QDate(2026, 5, 4))
    ed.end.setDate(QDate(2026, 5, 5))
    qtbot.keyClicks(ed.place, "Balai Desa Loa Janan")
    r = ed._add_row(ed.trainers)
    ed.trainers.setItem(r, 0, QTableWidgetItem("Budi Santoso"))
    ed.trainers.setItem(r, 1, QTableWidgetItem("OJK"))
    for day, topic in (("04-05-2026", "Anggaran rumah tangga"), ("05-05-2026", "Menabung")):
        r = ed._add_row(ed.sessions)
        for c, v in enumerate((day, topic, "4")):
            ed.sessions.setItem(r, c, QTableWidgetItem(v))
    # a session outside the dates first: refused, with the row named
    r = ed._add_row(ed.sessions)
    for c, v in enumerate(("09-05-2026", "Terlambat", "2")):
        ed.sessions.setItem(r, c, QTableWidgetItem(v))
    qtbot.mouseClick(ed.findChild(type(ed.findChild(object, "save")), "save"), Qt.MouseButton.LeftButton)
    assert ed.message.text() == "Tanggal sesi 3 di luar masa pelatihan."
    ed.sessions.removeRow(2)
    ed.save()
    assert ed.saved is not None and ed.saved.hours == 8
    page.refresh()
    assert page.model.index(0, 0).data() == "Pelatihan Literasi Keuangan"
    with ctx.read() as s:
        t = trainings.get_training(s, ed.saved.id)
    assert [x.topic for x in t.sessions] == ["Anggaran rumah tangga", "Menabung"]
    assert t.trainers[0].name == "Budi Santoso" and t.topics == ("Literasi keuangan",)
    assert t.start_date == date(2026, 5, 4)


def test_print_pdf_and_reprint_as_copy(qtbot: Any, ctx: Any, db: Any, prompts: Any, tmp_path: Path) -> None:
    with db.session(ADMIN) as s:
        setup_training(s, 3, 0)
    page = open_page(qtbot, ctx)
    select_row(page)
    prompts.file_answer = tmp_path / "sttp.pdf"
    page.print_pdf()  # nothing issued yet: said before a file name is asked
    assert prompts.messages[-1][0] == "info"
    assert "Belum ada sertifikat yang terbit" in prompts.messages[-1][2]
    page.issue()
    assert prompts.messages[-1][2].startswith("3 sertifikat baru diterbitkan")
    assert not (tmp_path / "sttp.pdf").exists()
    page.print_pdf()
    assert prompts.messages[-1] == (
        "choose",  # with Buka berkas / Buka folder / Tutup
        "Cetak sertifikat",
        f"3 sertifikat dicetak ke {tmp_path / 'sttp.pdf'}.",
    )
    page.print_pdf()
    assert prompts.messages[-1][2].endswith("3 di antaranya cetak ulang, bertanda SALINAN.")
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "sttp.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert text.count("SURAT TANDA TAMAT PELATIHAN") == 3 and "SALINAN" in text


def test_print_per_participant_folder(qtbot: Any, ctx: Any, db: Any, prompts: Any, tmp_path: Path) -> None:
    with db.session(ADMIN) as s:
        tid, _ = setup_training(s, 2, 0)
        certificates.issue_for_training(s, tid)
    page = open_page(qtbot, ctx)
    select_row(page)
    prompts.folder_answer = tmp_path / "sttp"
    page.print_folder()
    assert prompts.messages[-1][2].startswith(f"2 sertifikat dicetak ke 2 berkas di {tmp_path / 'sttp'}")
    assert len(list((tmp_path / "sttp").glob("*.pdf"))) == 2


def test_verify_dialog_says_valid_revoked_unknown(qtbot: Any, ctx: Any, db: Any) -> None:
    with db.session(ADMIN) as s:
        tid, _ = setup_training(s, 2, 0)
        c1, c2 = certificates.issue_for_training(s, tid).issued
        certificates.revoke(s, c2.id, "Ganda")
    dlg = VerifyDialog(ctx)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.code, c1.verification_code.lower())
    qtbot.keyClick(dlg.code, Qt.Key.Key_Return)
    assert "SAH" in dlg.status.text() and f"Nomor: {c1.number}" in dlg.details.text()
    dlg.code.setText(c2.verification_code)
    dlg.check()
    assert (
        "DICABUT" in dlg.status.text() and "Dicabut:" in dlg.details.text() and "Ganda" in dlg.details.text()
    )
    dlg.code.setText("ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    dlg.check()
    assert "TIDAK DIKENAL" in dlg.status.text() and "tidak terdaftar" in dlg.details.text()


def test_clerk_sees_trainings_but_no_certificate_buttons(qtbot: Any, ctx: Any) -> None:
    from kaltim_desk.core.actor import Actor

    ctx.actor = Actor("c", "clerk")
    page = open_page(qtbot, ctx)
    visible = {
        b.objectName() for b in page.findChildren(type(page.buttons.itemAt(0).widget())) if not b.isHidden()
    }
    assert {"attendance", "verify"} <= visible
    assert not visible & {"add", "edit", "issue", "print_pdf", "print_folder"}


def test_settings_dialog_changes_the_rule_and_the_template(
    qtbot: Any, ctx: Any, db: Any, tmp_path: Path
) -> None:
    from kaltim_desk.services.training import attendance
    from kaltim_desk.views.dialogs.training_editor import TrainingSettingsDialog
    from tests.factories import make_training, mark

    with db.session(ADMIN) as s:
        t, pids = make_training(s, 5, 1)
        mark(s, t.id, pids[0], ["present", "present", "present", "absent", "absent"])
    dlg = TrainingSettingsDialog(ctx)
    qtbot.addWidget(dlg)
    assert dlg.min_percent.value() == 80
    dlg.min_percent.setValue(60)
    dlg.template.setCurrentIndex(dlg.template.findData("certificate_portrait"))
    dlg.save()
    with db.read_session(ADMIN) as s:
        assert attendance.attendance_grid(s, t.id).participants[0].completion.completed
        assert certificates.certificate_settings(s).template == "certificate_portrait"
    # an office's own template that is broken: refused, field named, nothing saved
    bad = tmp_path / "kantor.json"
    bad.write_text('{"orientation": "miring"}', "utf-8")
    dlg2 = TrainingSettingsDialog(ctx)
    qtbot.addWidget(dlg2)
    dlg2.template_path.setText(str(bad))
    dlg2.save()
    assert dlg2.message.text() == "Templat sertifikat: 'orientation' harus landscape atau portrait."
    with db.read_session(ADMIN) as s:
        assert certificates.certificate_settings(s).template_path == ""


def test_settings_dialog_sets_up_preprinted_blanks_with_a_calibration_page(
    qtbot: Any, ctx: Any, db: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from kaltim_desk.views.dialogs.training_editor import TrainingSettingsDialog

    dlg = TrainingSettingsDialog(ctx)
    qtbot.addWidget(dlg)
    assert not dlg.preprinted.isChecked()
    dlg.positions.setText("name=150,95; qr=kiri")  # a typo: refused, the part named, nothing saved
    dlg.save()
    assert "'qr=kiri' tidak sah" in dlg.message.text()
    dlg.positions.setText("name=150,95; qr=25,150")
    monkeypatch.setattr(ctx.prompts, "save_file", lambda *a, **k: tmp_path / "kalibrasi.pdf")
    page = dlg.calibration_page()
    assert page is not None and page.stat().st_size > 0
    dlg.preprinted.setChecked(True)
    dlg.save()
    with db.read_session(ADMIN) as s:
        cfg = certificates.certificate_settings(s)
        template = certificates.certificate_template(cfg)
    assert cfg.preprinted and cfg.preprinted_positions == {"name": [150.0, 95.0], "qr": [25.0, 150.0]}
    assert template.preprinted and ("name", 150.0, 95.0) in template.positions
    again = TrainingSettingsDialog(ctx)
    qtbot.addWidget(again)
    assert again.preprinted.isChecked() and again.positions.text() == "name=150,95; qr=25,150"
