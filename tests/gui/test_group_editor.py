"""Forming a KUBE group through the editor: members found by search, roles chosen, rules shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from kaltim_desk.core.dto import GroupInput, PageFilter
from kaltim_desk.services.registry import groups
from kaltim_desk.views.dialogs.group_editor import GroupEditor
from kaltim_desk.views.pages.groups import Page
from tests.factories import make_active_group, make_person


def _role_combo(editor, person_id) -> QComboBox:
    for row in range(editor.members.rowCount()):
        if editor.members.item(row, 0).data(Qt.ItemDataRole.UserRole) == person_id:
            return editor.members.cellWidget(row, 2)
    raise AssertionError(f"person {person_id} is not listed")


def _add_by_search(qtbot, editor, name):
    editor.search.clear()
    qtbot.keyClicks(editor.search, name)
    editor._timer.timeout.emit()
    assert editor.results.count() >= 1
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)


def test_a_group_is_formed_through_the_editor(qtbot, ctx):
    with ctx.session() as s:
        for i in range(5):
            make_person(s, name=f"Ibu Kenari {i}")
    editor = GroupEditor(ctx)
    qtbot.addWidget(editor)
    assert not editor.members_box.isEnabled()
    qtbot.keyClicks(editor.name, "KUBE Kenari")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.group is not None and editor.members_box.isEnabled()
    for i in range(5):
        _add_by_search(qtbot, editor, f"Kenari {i}")
    assert editor.members.rowCount() == 5
    lines = editor.rule_lines()
    assert any(line.startswith("✔") and "Jumlah anggota 5" in line for line in lines)
    assert any(line.startswith("✘") and "Ketua: belum ada" in line for line in lines)
    assert not editor.activate_button.isEnabled()
    for pid_role in zip(
        [m.person_id for m in editor.group.members[:3]], ("ketua", "sekretaris", "bendahara"), strict=True
    ):
        combo = _role_combo(editor, pid_role[0])
        combo.setCurrentIndex(combo.findData(pid_role[1]))
    assert all(line.startswith("✔") for line in editor.rule_lines())
    assert editor.activate_button.isEnabled()
    qtbot.mouseClick(editor.activate_button, Qt.MouseButton.LeftButton)
    assert editor.status_label.text() == "Aktif"
    with ctx.read() as s:
        assert groups.count_groups(s, PageFilter(status="active")) == 1


def test_a_second_chair_is_refused_with_a_message(qtbot, ctx):
    with ctx.session() as s:
        g = groups.create_group(s, GroupInput(name="KUBE Uji"))
        a, b = make_person(s, name="Ibu Satu"), make_person(s, name="Ibu Dua")
        groups.add_member(s, g.id, a.id, "ketua")
        groups.add_member(s, g.id, b.id, "anggota")
    editor = GroupEditor(ctx, g.id)
    qtbot.addWidget(editor)
    combo = _role_combo(editor, b.id)
    combo.setCurrentIndex(combo.findData("ketua"))
    assert "sudah punya ketua" in editor.message.text()
    assert "IBU SATU" in editor.message.text()
    combo = _role_combo(editor, b.id)
    assert combo.currentData() == "anggota"  # the refused change is not shown as made


def test_someone_in_another_group_can_not_be_added(qtbot, ctx):
    with ctx.session() as s:
        other = make_active_group(s, name="KUBE Cempaka")
        g = groups.create_group(s, GroupInput(name="KUBE Baru"))
    editor = GroupEditor(ctx, g.id)
    qtbot.addWidget(editor)
    _add_by_search(qtbot, editor, "Anggota KUBE Cempaka 4")
    item = editor.results.item(0)
    assert "(anggota KUBE CEMPAKA)" in item.text() and "keluarkan dulu" in item.toolTip()
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled  # greyed out: it can not be picked
    assert editor.members.rowCount() == 0
    assert other.id


def test_several_people_are_added_at_once(qtbot, ctx):
    with ctx.session() as s:
        for i in range(3):
            make_person(s, name=f"Ibu Sekaligus {i}")
        g = groups.create_group(s, GroupInput(name="KUBE Serentak"))
    editor = GroupEditor(ctx, g.id)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.search, "Sekaligus")
    editor._timer.timeout.emit()
    assert editor.results.count() == 3
    editor.results.selectAll()
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert editor.members.rowCount() == 3 and editor.message.text() == ""


def test_groups_model_passes_qt_model_tester(qtbot, qtmodeltester, ctx):
    with ctx.session() as s:
        make_active_group(s, name="KUBE Model")
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    qtmodeltester.check(page.model)
    assert page.model.data(page.model.index(0, 0)) == "KUBE MODEL"
    assert page.model.data(page.model.index(0, 2)) == "5"
