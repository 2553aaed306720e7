"""The attendance grid driven from the keyboard, as a trainer fills it in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from kaltim_desk.services.training import attendance, certificates
from kaltim_desk.views.dialogs.attendance_grid import FIXED, AttendanceDialog, AttendanceModel
from tests.conftest import ADMIN
from tests.factories import make_active_group, make_training
from tests.gui.held_tasks import HeldTaskRunner


def cell(dlg: AttendanceDialog, row: int, col: int) -> str:
    return dlg.model.index(row, col).data()


def row_of(dlg: AttendanceDialog, name: str) -> int:
    return next(i for i, r in enumerate(dlg.model.rows) if r.name == name)


def test_keys_mark_cells_move_down_and_completion_follows(qtbot: Any, ctx: Any, db: Any) -> None:
    with db.session(ADMIN) as s:
        t, _ = make_training(s, 5, 2)
    dlg = AttendanceDialog(ctx, t.id)
    qtbot.addWidget(dlg)
    dlg.show()
    m = dlg.model
    assert m.rowCount() == 2 and m.columnCount() == FIXED + 5 + 5
    assert dlg.view.currentIndex().row() == 0 and dlg.view.currentIndex().column() == FIXED
    assert "0 dari 2 peserta memenuhi syarat" in dlg.summary.text()

    # session 1: H for the first, 1 for the second -> the cursor wraps to the top of session 2
    qtbot.keyClick(dlg.view, Qt.Key.Key_H)
    assert dlg.view.currentIndex().row() == 1
    qtbot.keyClick(dlg.view, Qt.Key.Key_1)
    assert (dlg.view.currentIndex().row(), dlg.view.currentIndex().column()) == (0, FIXED + 1)
    assert [cell(dlg, 0, FIXED), cell(dlg, 1, FIXED)] == ["H", "H"]
    assert "Ada perubahan yang belum disimpan" in dlg.summary.text()
    # sessions 2-4 present for both (typing letters and digits), session 5: first absent, second excused
    for key in (Qt.Key.Key_H, Qt.Key.Key_H, Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_H, Qt.Key.Key_1):
        qtbot.keyClick(dlg.view, key)
    assert cell(dlg, 0, m.col_percent) == "80%" and cell(dlg, 0, m.col_done) == "Lulus"
    qtbot.keyClick(dlg.view, Qt.Key.Key_A)
    qtbot.keyClick(dlg.view, Qt.Key.Key_2)
    assert [cell(dlg, 0, FIXED + 4), cell(dlg, 1, FIXED + 4)] == ["A", "I"]
    assert cell(dlg, 0, m.col_percent) == "80%" and cell(dlg, 0, m.col_done) == "Lulus"
    assert cell(dlg, 1, m.col_percent) == "80%"
    assert "2 dari 2 peserta memenuhi syarat" in dlg.summary.text()

    # Space cycles: the first participant's session 1 goes hadir -> izin: 60%, not complete any more
    dlg.view.setCurrentIndex(m.index(0, FIXED))
    qtbot.keyClick(dlg.view, Qt.Key.Key_Space)
    assert cell(dlg, 0, FIXED) == "I"
    assert cell(dlg, 0, m.col_percent) == "60%" and cell(dlg, 0, m.col_done) == "Belum"
    assert m.index(0, m.col_done).data(Qt.ItemDataRole.ToolTipRole) == "Kehadiran 60% (syarat minimal 80%)."
    assert "1 dari 2 peserta memenuhi syarat" in dlg.summary.text()

    # Ctrl+Enter saves; what is stored is what the grid showed
    qtbot.keyClick(dlg.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not m.dirty and "belum disimpan" not in dlg.summary.text()
    with db.read_session(ADMIN) as s:
        grid = attendance.attendance_grid(s, t.id)
    saved = {r.name: (r.marks, r.completion.completed) for r in grid.participants}
    assert saved[m.rows[0].name] == (("excused", "present", "present", "present", "absent"), False)
    assert saved[m.rows[1].name] == (("present", "present", "present", "present", "excused"), True)


def test_delete_clears_and_scores_are_typed(qtbot: Any, ctx: Any, db: Any) -> None:
    with db.session(ADMIN) as s:
        t, _ = make_training(s, 2, 1)
    dlg = AttendanceDialog(ctx, t.id)
    qtbot.addWidget(dlg)
    m = dlg.model
    qtbot.keyClick(dlg.view, Qt.Key.Key_3)  # absent, moves to session 2 (one participant)
    assert cell(dlg, 0, FIXED) == "A"
    dlg.view.setCurrentIndex(m.index(0, FIXED))
    qtbot.keyClick(dlg.view, Qt.Key.Key_Delete)
    assert cell(dlg, 0, FIXED) == "" and not m.dirty
    assert m.setData(m.index(0, m.col_post), "85")
    assert cell(dlg, 0, m.col_post) == "85"
    assert dlg.save()
    with db.read_session(ADMIN) as s:
        assert attendance.attendance_grid(s, t.id).participants[0].post_score == 85
    # a bad score is refused with the field named, nothing saved
    m.setData(m.index(0, m.col_pre), "seratus")
    assert not dlg.save()
    assert dlg.message.text() == "Nilai pre-test harus angka 0-100."


def test_enrol_group_issue_and_revoke_from_the_dialog(qtbot: Any, ctx: Any, db: Any, prompts: Any) -> None:
    with db.session(ADMIN) as s:
        t, _ = make_training(s, 1, 0)
        g = make_active_group(s, size=5, name="KUBE Melati")
    dlg = AttendanceDialog(ctx, t.id)
    qtbot.addWidget(dlg)
    dlg.group_combo.setCurrentIndex(dlg.group_combo.findData(g.id))
    qtbot.mouseClick(dlg.findChild(type(dlg.save_button), "enrol_group"), Qt.MouseButton.LeftButton)
    assert dlg.message.text() == "5 peserta didaftarkan."
    assert dlg.model.rowCount() == 5
    for _i in range(4):  # four of five present
        qtbot.keyClick(dlg.view, Qt.Key.Key_H)
    qtbot.mouseClick(dlg.issue_button, Qt.MouseButton.LeftButton)
    assert dlg.message.text() == "4 sertifikat baru diterbitkan; 0 sudah punya; 1 belum memenuhi syarat."
    numbers = [cell(dlg, r, dlg.model.col_cert) for r in range(5)]
    assert sum(1 for n in numbers if "/STTP/" in n) == 4
    row = next(r for r in range(5) if numbers[r])
    dlg.view.setCurrentIndex(dlg.model.index(row, 0))
    prompts.text_answer = "Salah nama"
    qtbot.mouseClick(dlg.revoke_button, Qt.MouseButton.LeftButton)
    assert cell(dlg, row, dlg.model.col_cert) == numbers[row] + " (dicabut)"
    with db.read_session(ADMIN) as s:
        revoked = [c for c in certificates.list_certificates(s, t.id) if c.revoked]
    assert [c.revoked_reason for c in revoked] == ["Salah nama"]


def test_read_only_for_a_clerk(qtbot: Any, ctx: Any, db: Any) -> None:
    from kaltim_desk.core.actor import Actor

    with db.session(ADMIN) as s:
        t, _ = make_training(s, 2, 1)
    ctx.actor = Actor("c", "clerk")
    dlg = AttendanceDialog(ctx, t.id)
    qtbot.addWidget(dlg)
    qtbot.keyClick(dlg.view, Qt.Key.Key_H)
    assert cell(dlg, 0, FIXED) == "" and not dlg.model.dirty
    assert not dlg.save_button.isVisibleTo(dlg) and not dlg.issue_button.isVisibleTo(dlg)


def test_model_passes_qt_model_tester(qtmodeltester: Any, db: Any) -> None:
    with db.session(ADMIN) as s:
        t, _ = make_training(s, 3, 3)
        grid = attendance.attendance_grid(s, t.id)
    model = AttendanceModel(grid)
    model.set_mark(0, 1, "present")
    qtmodeltester.check(model)


def test_closing_with_unsaved_marks_offers_save_discard_or_stay(
    qtbot: Any, ctx: Any, db: Any, prompts: Any
) -> None:
    with db.session(ADMIN) as s:
        t, _ = make_training(s, 3, 2)
    dlg = AttendanceDialog(ctx, t.id)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClick(dlg.view, Qt.Key.Key_H)
    prompts.choice_answer = 2  # Kembali ke daftar hadir
    dlg.close_dialog()
    assert dlg.isVisible() and dlg.model.dirty
    prompts.choice_answer = 0  # Simpan
    dlg.close_dialog()
    assert not dlg.isVisible() and not dlg.model.dirty
    with db.read_session(ADMIN) as s:
        grid = attendance.attendance_grid(s, t.id)
    assert "present" in grid.participants[0].marks + grid.participants[1].marks


def test_groups_and_people_to_enrol_are_read_in_the_background(qtbot: Any, ctx: Any, db: Any) -> None:
    """Opening the attendance list of a province office does not freeze the window on its thousands
    of groups, nor typing a name on its 1,000,000 people: both are read by the task runner, the
    dialog says so meanwhile, and the choices fill once the reads are done."""
    with db.session(ADMIN) as s:
        t, _ = make_training(s, 1, 0)
        g = make_active_group(s, size=5, name="KUBE Kamboja Latar")
    ctx.tasks = held = HeldTaskRunner()
    dlg = AttendanceDialog(ctx, t.id)
    qtbot.addWidget(dlg)
    assert dlg.group_combo.currentText() == "Memuat kelompok…" and dlg.group_combo.findData(g.id) < 0
    held.finish_all()
    assert dlg.group_combo.findData(g.id) > 0
    assert dlg.group_combo.itemText(0) == "— pilih kelompok —"
    dlg.search.setText("kamboja latar")
    dlg._search()
    assert dlg.search_status.text() == "Mencari…" and dlg.results.count() == 0
    held.finish_all()
    assert dlg.results.count() == 5 and dlg.search_status.text() == ""
