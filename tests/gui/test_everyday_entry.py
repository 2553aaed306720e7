"""Everyday data entry as a clerk meets it on a 1366x768 office laptop (issue 16): the person form fits
without scrolling sideways, keeps the NIK's birth date, asks before Esc throws typing away and
remembers being maximised; the group editor shows Jabatan; list pages sort on every column that says
it sorts; and the fit checker itself notices clipped text."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QWidget

from kaltim_desk.services.registry import people
from kaltim_desk.views.dialogs.group_editor import GroupEditor
from kaltim_desk.views.dialogs.person_form import PersonForm
from kaltim_desk.views.fit import misfits
from tests.factories import make_active_group, make_person, new_nik

WORK_AREA_125 = QSize(1093, 582)  # 1366x728 (768 minus the task bar) at 125%


def _form(qtbot: Any, ctx: Any, person: Any = None) -> PersonForm:
    form = PersonForm(ctx, person)
    qtbot.addWidget(form)
    form.show()
    return form


def _fill(qtbot: Any, form: PersonForm, nik: str, name: str) -> None:
    qtbot.keyClicks(form.nik, nik)
    qtbot.keyClicks(form.name, name)
    form.region.regency.setCurrentIndex(form.region.regency.findData("64.72"))
    form.region.district.setCurrentIndex(form.region.district.findData("64.72.03"))
    form.region.village.setCurrentIndex(form.region.village.findData("64.72.03.1001"))


def test_the_birth_date_read_from_the_nik_is_filled_in_and_saved(qtbot: Any, ctx: Any) -> None:
    form = _form(qtbot, ctx)
    _fill(qtbot, form, new_nik(born=date(1980, 5, 12)), "Hasnah Daeng")
    assert form.birth_date.text() == "12-05-1980"  # a value, not a grey hint
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert form.saved is not None
    with ctx.read() as s:
        assert people.get_person(s, form.saved.id).birth_date == date(1980, 5, 12)


def test_a_birth_date_the_clerk_typed_is_kept_and_a_corrected_nik_updates_the_filled_one(
    qtbot: Any, ctx: Any
) -> None:
    form = _form(qtbot, ctx)
    qtbot.keyClicks(form.nik, new_nik(born=date(1980, 5, 12)))
    assert form.birth_date.text() == "12-05-1980"
    form.nik.clear()
    qtbot.keyClicks(form.nik, new_nik(born=date(1975, 1, 3)))
    assert form.birth_date.text() == "03-01-1975"  # followed the corrected NIK
    form.birth_date.setText("04-01-1975")  # the KTP says otherwise: the clerk's date wins
    form.nik.clear()
    qtbot.keyClicks(form.nik, new_nik(born=date(1975, 1, 3)))
    assert form.birth_date.text() == "04-01-1975"


def test_esc_on_a_half_filled_form_asks_and_the_answer_is_followed(
    qtbot: Any, ctx: Any, prompts: Any
) -> None:
    form = _form(qtbot, ctx)
    qtbot.keyClicks(form.name, "Siti Aminah")
    prompts.choice_answer = 2  # "Kembali ke formulir"
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert prompts.messages[-1][0] == "choose" and "belum disimpan" in prompts.messages[-1][2]
    assert form.isVisible() and form.name.text() == "Siti Aminah"
    prompts.choice_answer = 1  # "Jangan simpan"
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible() and form.result() == QDialog.DialogCode.Rejected


def test_esc_then_save_saves_and_a_refused_save_keeps_the_form_open(
    qtbot: Any, ctx: Any, prompts: Any
) -> None:
    form = _form(qtbot, ctx)
    qtbot.keyClicks(form.nik, "123")  # not a NIK: the save is refused beside the field
    prompts.choice_answer = 0  # "Simpan"
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.isVisible() and form.saved is None
    assert form.findChild(QLabel, "error_nik").isVisible()
    form.nik.clear()
    _fill(qtbot, form, new_nik(), "Hasnah Daeng")
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.saved is not None and not form.isVisible()


def test_esc_on_an_untouched_form_closes_without_a_question(qtbot: Any, ctx: Any, prompts: Any) -> None:
    with ctx.session() as s:
        person = make_person(s, name="Ibu Tetap")
    form = _form(qtbot, ctx, person)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert not [m for m in prompts.messages if m[0] == "choose"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_person_form_fits_a_1366x768_screen_at_125_percent(qtbot: Any, ctx: Any, lang: str) -> None:
    from kaltim_desk.i18n import set_language

    set_language(lang)
    try:
        with ctx.session() as s:
            group = make_active_group(s, name="KUBE Dahlia")
        with ctx.read() as s:
            person = people.get_person(s, group.members[0].person_id)
        form = _form(qtbot, ctx, person)
        form.resize(WORK_AREA_125.width() - 16, WORK_AREA_125.height() - 40)
        qtbot.wait(10)
        scroll = form.findChild(QScrollArea, "form_scroll")
        assert not scroll.horizontalScrollBar().isVisible()
        assert misfits(form, WORK_AREA_125) == []
        assert form.findChild(QWidget, "notes").isVisible()  # the last field of the right column
    finally:
        set_language("id")


def test_a_maximised_person_form_opens_maximised_next_time(qtbot: Any, ctx: Any) -> None:
    form = _form(qtbot, ctx)
    form.showMaximized()
    qtbot.waitUntil(form.isMaximized, timeout=2000)
    form.reject()
    assert ctx.user_settings.extra["person_form.maximized"] == "1"
    again = PersonForm(ctx)
    qtbot.addWidget(again)
    assert again.windowState() & Qt.WindowState.WindowMaximized


def test_the_group_editor_shows_the_jabatan_column(qtbot: Any, ctx: Any) -> None:
    with ctx.session() as s:
        group = make_active_group(s, size=8, name="KUBE Melati")
    editor = GroupEditor(ctx, group.id)
    qtbot.addWidget(editor)
    editor.resize(WORK_AREA_125.width() - 16, WORK_AREA_125.height() - 40)
    editor.show()
    qtbot.wait(10)
    table = editor.members
    header = table.horizontalHeader()
    right = header.sectionViewportPosition(2) + header.sectionSize(2)
    assert right <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
    assert misfits(editor, WORK_AREA_125) == []


def test_every_sortable_column_sorts_and_the_others_keep_the_arrow(qtbot: Any, ctx: Any) -> None:
    from kaltim_desk.views.pages.people import Page

    with ctx.session() as s:
        make_active_group(s, name="KUBE Anggrek")
        for name, born in (
            ("Zainab", date(1990, 1, 1)),
            ("Aminah", date(1960, 6, 6)),
            ("Maryam", date(1975, 3, 3)),
        ):
            make_person(s, name=name, birth_date=born)
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    model, header = page.model, page.table.horizontalHeader()
    for col, column in enumerate(model.columns):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            before = header.sortIndicatorSection(), header.sortIndicatorOrder()
            page.table.sortByColumn(col, order)
            if column.sort_key is None:
                assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == before
                continue
            assert header.sortIndicatorSection() == col
            values = [getattr(model.row_at(r), column.key) for r in range(model.rowCount())]
            present = [v.casefold() if isinstance(v, str) else v for v in values if v is not None]
            expected = sorted(present, reverse=order == Qt.SortOrder.DescendingOrder)
            assert present == expected, column.header
        assert model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


def test_the_fit_checker_names_clipped_text_and_a_sideways_scroll(qtbot: Any) -> None:
    from PySide6.QtWidgets import QVBoxLayout

    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    label = QLabel("Kategori kerentanan yang panjang sekali")
    label.setObjectName("clipped")
    label.setFixedWidth(60)
    layout.addWidget(label)
    scroll = QScrollArea()
    scroll.setObjectName("sideways")
    wide = QWidget()
    wide.setMinimumWidth(2000)
    scroll.setWidget(wide)
    layout.addWidget(scroll)
    window.resize(400, 300)
    window.show()
    qtbot.wait(10)
    found = "\n".join(misfits(window, QSize(1366, 728)))
    assert "QLabel 'clipped'" in found and "QScrollArea 'sideways'" in found
    assert "lebih besar dari area kerja" in "\n".join(misfits(window, QSize(300, 200)))


def test_a_saved_file_offers_to_open_it_or_its_folder(
    qtbot: Any, ctx: Any, prompts: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from kaltim_desk.views.widgets import saved

    opened: list[Any] = []
    monkeypatch.setattr(saved, "open_path", lambda path: opened.append(path) or False)
    target = tmp_path / "bnba.xlsx"
    target.write_bytes(b"x")
    saved.tell_saved(ctx, None, "Laporan", f"Disimpan ke {target}", target)
    assert opened == []  # the default answer is Tutup
    prompts.choice_answer = 1  # Buka folder
    saved.tell_saved(ctx, None, "Laporan", f"Disimpan ke {target}", target)
    assert opened == [tmp_path]
    assert prompts.messages[-1][0] == "error" and "Tidak ada program" in prompts.messages[-1][2]


def test_an_empty_page_says_what_to_do_and_row_buttons_wait_for_a_row(qtbot: Any, ctx: Any) -> None:
    from PySide6.QtWidgets import QPushButton

    from kaltim_desk.views.pages.people import Page

    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert "Klik Tambah" in page.count_label.text()
    with ctx.session() as s:
        make_person(s, name="Ibu Pertama")
    page.refresh()
    assert page.count_label.text() == "1 data ditemukan"
    edit = page.findChild(QPushButton, "edit")
    assert not edit.isEnabled()  # nothing selected yet
    page.table.selectRow(0)
    assert edit.isEnabled()


def test_file_pickers_start_in_the_last_folder_chosen(tmp_path: Any) -> None:
    from kaltim_desk.user_settings import UserSettings
    from kaltim_desk.views.prompts import QtPrompts

    settings = UserSettings.load(tmp_path / "settings.json")
    prompts = QtPrompts(settings)
    assert prompts._start() != str(tmp_path)  # Documents at first, not the working folder
    reports = tmp_path / "laporan"
    reports.mkdir()
    prompts._remember(reports / "bnba.xlsx")
    assert prompts._start("rekap.xlsx") == str(reports / "rekap.xlsx")
    assert UserSettings.load(tmp_path / "settings.json").last_folder == str(reports)  # next start too


def test_the_audit_page_speaks_the_clerks_words_and_clock() -> None:
    from datetime import UTC, datetime

    from kaltim_desk.views.pages.audit import action_labels, local_time, readable_detail

    assert action_labels()["grant.disburse"] == "Penyaluran bantuan"
    assert readable_detail("reason: wrong_password; attempts: 2") == "alasan: kata sandi salah; percobaan: 2"
    at = datetime(2026, 12, 6, 1, 30)  # stored in UTC
    assert local_time(at) == at.replace(tzinfo=UTC).astimezone().strftime("%d-%m-%Y %H:%M:%S")
