"""The Bantuan page: the table model passes Qt's model tester, filters by programme and status, a grant
is moved through its gates by clicking, a blocked step shows why, documents preview and save."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kaltim_desk.core.actor import Actor
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid import grants
from kaltim_desk.services.registry import groups
from kaltim_desk.views.dialogs.grant_editor import GrantEditor
from kaltim_desk.views.dialogs.programme_dialog import ProgrammeDialog
from kaltim_desk.views.pages.aid import Page
from tests.factories import (
    MONTHS_AGO,
    VILLAGE,
    bring_to,
    group_grant,
    make_active_group,
    make_person,
    make_programme,
    open_visit_gate,
)
from tests.gui.held_tasks import HeldTaskRunner


@pytest.fixture
def data(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    open_visit_gate(monkeypatch, value=False)  # no monitoring visit recorded
    with ctx.session() as s:
        prog = make_programme(s, name="Bantuan KUBE Layar")
        other = make_programme(s, name="UEP Layar")
        proposed = group_grant(s, prog.id, name="KUBE Anggrek")
        paying = bring_to(s, group_grant(s, prog.id, name="KUBE Bakung").id, R.SIGNED)
        paying = grants.pay_tranche(s, paying.id, 1, paid_on=MONTHS_AGO)
        p = make_person(s, name="Siti Layar")
        personal = grants.create_grant(s, grants.GrantInput(other.id, person_id=p.id, amount=4_500_000))
    return {"prog": prog, "other": other, "proposed": proposed, "paying": paying, "personal": personal}


def _texts(page: Page, column: int) -> list[str]:
    m = page.model
    return [m.data(m.index(r, column)) for r in range(m.rowCount())]


def test_the_table_model_passes_the_model_tester_and_filters(qtbot, qtmodeltester, ctx, data):
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    qtmodeltester.check(page.model)
    assert page.count_label.text() == "3 data ditemukan"
    assert sorted(_texts(page, 1)) == ["KUBE ANGGREK", "KUBE BAKUNG", "SITI LAYAR"]
    page.programme.setCurrentIndex(page.programme.findData(data["other"].id))
    assert _texts(page, 1) == ["SITI LAYAR"] and _texts(page, 5) == ["Rp4.500.000"]
    page.programme.setCurrentIndex(0)
    page.status.setCurrentIndex(page.status.findData("disbursing"))
    assert _texts(page, 1) == ["KUBE BAKUNG"]
    assert _texts(page, 7) == ["Penyaluran bertahap"] and _texts(page, 6) == ["Rp7.500.000"]
    qtmodeltester.check(page.model)


def test_a_grant_moves_through_its_gates_by_clicking(qtbot, ctx, data):
    editor = GrantEditor(ctx, data["proposed"].id)
    qtbot.addWidget(editor)
    assert editor.status_label.text() == "Diusulkan"
    assert "✔ Verifikasi: dapat dilakukan" in editor.blocker_lines()
    qtbot.mouseClick(editor.step_buttons["verified"], Qt.MouseButton.LeftButton)
    assert editor.status_label.text() == "Terverifikasi"
    qtbot.mouseClick(editor.step_buttons["approved"], Qt.MouseButton.LeftButton)
    assert editor.status_label.text() == "Disetujui"
    assert editor.number_label.text() == "-"
    qtbot.mouseClick(editor.step_buttons["agreement_signed"], Qt.MouseButton.LeftButton)
    assert editor.status_label.text() == "Perjanjian ditandatangani"
    assert editor.number_label.text().startswith("002/400.9.2/")  # the fixture signed 001
    ctx.prompts.text_answer = "SP2D-0099"
    qtbot.mouseClick(editor.step_buttons["disbursing"], Qt.MouseButton.LeftButton)
    assert editor.status_label.text() == "Penyaluran bertahap"
    assert editor.tranches.item(0, 4).text() != "belum" and "SP2D-0099" in editor.tranches.item(0, 5).text()
    assert editor.changed
    assert [editor.history.item(i).text().split("  ")[1] for i in range(editor.history.count())] == [
        "Diusulkan",
        "Terverifikasi",
        "Disetujui",
        "Perjanjian ditandatangani",
        "Penyaluran bertahap",
    ]


def test_a_blocked_step_shows_its_reason_and_can_not_be_clicked(qtbot, ctx, data):
    editor = GrantEditor(ctx, data["paying"].id)
    qtbot.addWidget(editor)
    button = editor.step_buttons["disbursed"]
    assert button.text() == "Catat pembayaran tahap 2"
    assert not button.isEnabled()
    assert "menunggu kunjungan pendampingan" in button.toolTip()
    assert any(
        line.startswith("✘ Catat pembayaran tahap 2: Tahap berikutnya menunggu kunjungan")
        for line in editor.blocker_lines()
    )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert editor.status_label.text() == "Penyaluran bertahap"


def test_a_group_not_ready_blocks_verification_in_the_editor(qtbot, ctx, data):
    with ctx.session() as s:
        g = groups.create_group(s, groups.GroupInput(name="KUBE Belum Siap", village_code=VILLAGE))
        for i, role in enumerate(["ketua", "anggota", "anggota", "anggota", "anggota"]):
            groups.add_member(s, g.id, make_person(s, name=f"Ibu Siap {i}").id, role)
        gr = grants.create_grant(s, grants.GrantInput(data["prog"].id, group_id=g.id, amount=5_000_000))
    editor = GrantEditor(ctx, gr.id)
    qtbot.addWidget(editor)
    lines = editor.blocker_lines()
    assert any("Kelompok KUBE BELUM SIAP belum aktif (status: pembentukan)" in x for x in lines)
    assert any("Sekretaris: belum ada" in x for x in lines)
    assert not editor.step_buttons["verified"].isEnabled()


def test_a_clerk_sees_no_approval_buttons(qtbot, ctx, data):
    ctx.actor = Actor(username="clerk.ui", role="clerk")
    editor = GrantEditor(ctx, data["proposed"].id)
    qtbot.addWidget(editor)
    assert editor.step_buttons == {}
    signed = GrantEditor(ctx, data["paying"].id)
    qtbot.addWidget(signed)
    assert list(signed.step_buttons) == ["disbursed"]  # clerks record payments


def test_propose_a_grant_from_the_editor(qtbot, ctx, data):
    with ctx.session() as s:
        group = make_active_group(s, name="KUBE Cempaka")
    editor = GrantEditor(ctx, None)
    qtbot.addWidget(editor)
    editor.programme.setCurrentIndex(editor.programme.findData(data["prog"].id))
    qtbot.keyClicks(editor.recipient_search, "cempaka")
    editor._search()
    assert editor.recipients.count() == 1 and editor.recipients.item(0).text().startswith("KUBE CEMPAKA")
    editor.amount_new.setText("Rp30.000.000")
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    assert "melebihi pagu per kelompok" in editor.message.text()
    editor.amount_new.setText("Rp12.500.000")
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    assert editor.message.text() == ""
    assert editor.status_label.text() == "Diusulkan"
    assert editor.amount.text() == "Rp12.500.000" and editor.tranches.rowCount() == 2
    assert editor.grant is not None and editor.grant.group_id == group.id


def test_the_recipient_search_runs_in_the_background(qtbot, ctx, data):
    """Typing a recipient's name does not freeze the editor: the search is read by the task runner,
    the editor says it is searching, and the matches appear once the read is done."""
    with ctx.session() as s:
        make_active_group(s, name="KUBE Teratai Latar")
    editor = GrantEditor(ctx, None)
    qtbot.addWidget(editor)
    ctx.tasks = held = HeldTaskRunner()
    editor.recipient_search.setText("teratai latar")
    editor._search()
    assert editor.recipient_status.text() == "Mencari…" and editor.recipients.count() == 0
    held.finish_all()
    assert editor.recipients.count() == 1 and editor.recipients.item(0).text().startswith(
        "KUBE TERATAI LATAR"
    )
    assert editor.recipient_status.text() == ""
    editor.recipient_search.setText("tidak ada kelompok ini")
    editor._search()
    held.finish_all()
    assert editor.recipients.count() == 0 and editor.recipient_status.text() == "Tidak ada yang cocok."


def test_the_next_steps_are_checked_in_the_background(qtbot, ctx, data):
    """Opening a grant shows it at once; what blocks its next steps (checked across every grant of
    the office) is read by the task runner, and no step is offered before the checks are in."""
    ctx.tasks = held = HeldTaskRunner()
    editor = GrantEditor(ctx, data["paying"].id)
    qtbot.addWidget(editor)
    assert editor.status_label.text() and editor.step_buttons == {}
    assert editor.blockers.item(0).text() == "Memeriksa syarat langkah berikutnya…"
    held.finish_all()
    assert "disbursed" in editor.step_buttons
    assert editor.blockers.item(0).text() != "Memeriksa syarat langkah berikutnya…"


def test_preview_and_save_the_agreement(qtbot, ctx, data, tmp_path, monkeypatch):
    opened: list[Path] = []
    monkeypatch.setattr(GrantEditor, "opener", lambda path: opened.append(path))
    editor = GrantEditor(ctx, data["paying"].id)
    qtbot.addWidget(editor)
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and opened[0].suffix == ".pdf" and opened[0].stat().st_size > 5000
    ctx.prompts.file_answer = tmp_path / "perjanjian-bakung"
    qtbot.mouseClick(editor.save_pdf_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "perjanjian-bakung.pdf").read_bytes().startswith(b"%PDF")
    assert ctx.prompts.messages[-1][2].startswith("Disimpan ke ")
    editor.doc_kind.setCurrentIndex(editor.doc_kind.findData("receipt"))
    editor.tranches.selectRow(1)
    qtbot.mouseClick(editor.save_pdf_button, Qt.MouseButton.LeftButton)
    assert editor.message.text() == "Tahap 2 belum dibayar; kuitansi belum dapat dicetak."


def test_the_bast_of_the_selected_tranche_and_a_missing_logo_warning(qtbot, ctx, data, tmp_path, monkeypatch):
    from kaltim_desk.core.settings import OfficeProfile, office_profile, save_section

    with ctx.session() as s:
        profile = office_profile(s)
        save_section(s, OfficeProfile(**{**profile.__dict__, "logo_path": str(tmp_path / "lambang.png")}))
    monkeypatch.setattr(GrantEditor, "opener", lambda path: None)
    editor = GrantEditor(ctx, data["paying"].id)
    qtbot.addWidget(editor)
    editor.doc_kind.setCurrentIndex(editor.doc_kind.findData("handover"))
    editor.tranches.selectRow(1)  # tranche 2: not paid, no BAST
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    assert editor.message.text() == "Tahap 2 belum dibayar; BAST bantuan uang belum dapat dicetak."
    editor.tranches.selectRow(0)  # tranche 1, paid: its BAST, and the officer is told the emblem is missing
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    assert editor.message.text().startswith("Perhatian: Berkas logo")
    assert "lambang.png tidak ditemukan" in editor.message.text()


def test_batch_printing_from_the_page(qtbot, ctx, data, tmp_path):
    page = Page(ctx)
    qtbot.addWidget(page)
    button = page.findChild(QPushButton, "print_all")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert ctx.prompts.messages[-1][2] == "Pilih dulu programnya pada saringan Program."
    page.programme.setCurrentIndex(page.programme.findData(data["prog"].id))
    ctx.prompts.file_answer = tmp_path / "semua.pdf"
    page.print_all()
    assert (tmp_path / "semua.pdf").read_bytes().startswith(b"%PDF")
    assert ctx.prompts.messages[-1][2] == f"Perjanjian disimpan ke {tmp_path / 'semua.pdf'}"
    ctx.prompts.choice_answer = 1  # one file per recipient, in a folder
    ctx.prompts.folder_answer = tmp_path / "folder"
    page.print_all()
    assert [p.name for p in (tmp_path / "folder").iterdir()] == [
        f"perjanjian-{data['paying'].id:05d}-kube-bakung.pdf"
    ]
    assert ctx.prompts.messages[-1][2] == f"Perjanjian disimpan ke 1 berkas di {tmp_path / 'folder'}"


def test_the_programme_dialog_names_the_bad_field(qtbot, ctx):
    dialog = ProgrammeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.name.setText("Bantuan Baru")
    dialog.ceiling_group.setText("dua juta")
    dialog.plan.setText("60,30")
    dialog.save()
    assert "Pagu per kelompok" in dialog.message.text() and "100%" in dialog.message.text()
    assert dialog.saved is None
    dialog.ceiling_group.setText("Rp20.000.000")
    dialog.plan.setText("60,40")
    dialog.save()
    assert dialog.saved is not None and dialog.saved.ceiling_per_group == 20_000_000
    assert dialog.saved.tranche_plan == "60,40"


def test_goods_items_are_edited_in_the_editor(qtbot, ctx):
    from PySide6.QtWidgets import QTableWidgetItem

    with ctx.session() as s:
        prog = make_programme(s, name="Peralatan Layar", aid_form="goods", ceiling_per_group=10_000_000)
        group = make_active_group(s, name="KUBE Jahit Layar")
        g = grants.create_grant(s, grants.GrantInput(prog.id, group_id=group.id, form="goods"))
    editor = GrantEditor(ctx, g.id)
    qtbot.addWidget(editor)
    assert editor.items_box.isVisibleTo(editor) and not editor.tranches_box.isVisibleTo(editor)
    assert "✘ Verifikasi: Daftar barang masih kosong" in editor.blocker_lines()
    for row, values in enumerate(
        (("Mesin jahit", "2", "unit", "Rp2.750.000"), ("Kain katun", "40", "meter", "45000"))
    ):
        qtbot.mouseClick(editor.add_item, Qt.MouseButton.LeftButton)
        for col, value in enumerate(values):
            editor.items.setItem(row, col, QTableWidgetItem(value))
    qtbot.mouseClick(editor.save_items, Qt.MouseButton.LeftButton)
    assert editor.message.text() == ""
    assert editor.amount.text() == "Rp7.300.000"
    assert editor.items.item(1, 4).text() == "Rp1.800.000"
    assert "✔ Verifikasi: dapat dilakukan" in editor.blocker_lines()
    editor.items.setItem(0, 1, QTableWidgetItem("5"))
    qtbot.mouseClick(editor.save_items, Qt.MouseButton.LeftButton)
    assert "melebihi pagu per kelompok" in editor.message.text()
    assert editor.amount.text() == "Rp7.300.000"  # nothing saved


def test_the_grant_editor_lists_every_paper_of_the_registry(ctx: Any) -> None:
    from kaltim_desk.services.aid.paper_kinds import GRANT_PAPERS
    from kaltim_desk.views.dialogs.grant_editor import document_kinds

    assert [kind for kind, _label in document_kinds()] == list(GRANT_PAPERS)
