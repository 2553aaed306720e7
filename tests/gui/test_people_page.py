"""The people page and person form, driven as a clerk would: typing, clicking, reading messages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPushButton

from kaltim_desk.core.dto import PageFilter
from kaltim_desk.views.dialogs.person_form import PersonForm
from kaltim_desk.views.pages.people import Page
from kaltim_desk.views.qtmodels.paged import PagedTableModel
from tests.factories import make_active_group, make_person, new_nik


def _page(qtbot, ctx):
    page = Page(ctx)
    qtbot.addWidget(page)
    page.refresh()
    return page


def test_people_model_passes_qt_model_tester(qtbot, qtmodeltester, ctx):
    with ctx.session() as s:
        for i in range(5):
            make_person(s, name=f"Ibu Uji {i}")
    page = _page(qtbot, ctx)
    assert isinstance(page.model, PagedTableModel)
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 5


def test_table_pages_in_more_rows_as_the_view_scrolls(qtbot, ctx):
    with ctx.session() as s:
        for i in range(12):
            make_person(s, name=f"Ibu Halaman {i:02d}")
    page = _page(qtbot, ctx)
    page.model.PAGE = 5
    page.refresh()
    assert page.model.rowCount() == 5 and page.model.canFetchMore()
    page.model.fetchMore()
    page.model.fetchMore()
    assert page.model.rowCount() == 12 and not page.model.canFetchMore()
    assert "12 data ditemukan" in page.count_label.text()


def test_search_as_you_type_filters_the_table(qtbot, ctx):
    with ctx.session() as s:
        make_person(s, name="Siti Aminah")
        make_person(s, name="Rusmini Baso")
    page = _page(qtbot, ctx)
    assert page.model.rowCount() == 2
    qtbot.keyClicks(page.search, "rusm")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.model.data(page.model.index(0, 1)) == "RUSMINI BASO"
    assert "1 data ditemukan" in page.count_label.text()


def test_clicking_a_header_sorts_in_sql(qtbot, ctx):
    with ctx.session() as s:
        for name in ("Bulan", "Anyeq", "Citra"):
            make_person(s, name=name)
    page = _page(qtbot, ctx)
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    names = [page.model.data(page.model.index(r, 1)) for r in range(3)]
    assert names == ["CITRA", "BULAN", "ANYEQ"]


def _fill_form(qtbot, form, nik, name):
    form.nik.clear()
    qtbot.keyClicks(form.nik, nik)
    qtbot.keyClicks(form.name, name)
    form.region.regency.setCurrentIndex(form.region.regency.findData("64.72"))
    form.region.district.setCurrentIndex(form.region.district.findData("64.72.03"))
    form.region.village.setCurrentIndex(form.region.village.findData("64.72.03.1001"))


def test_a_person_is_created_through_the_form(qtbot, ctx):
    page = _page(qtbot, ctx)
    form = PersonForm(ctx, None, page)
    qtbot.addWidget(form)
    nik = new_nik()
    _fill_form(qtbot, form, nik, "Hasnah Daeng")
    assert "Lahir 12 Mei 1980" in form.nik_info.text()
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert form.saved is not None and form.saved.name == "HASNAH DAENG"
    page.refresh()
    assert page.model.rowCount() == 1
    assert page.model.data(page.model.index(0, 0)) == nik
    assert page.model.data(page.model.index(0, 3)) == "Teluk Lerong Ilir"


def test_a_duplicate_nik_is_refused_with_the_message_beside_the_field(qtbot, ctx):
    with ctx.session() as s:
        group = make_active_group(s, name="KUBE Dahlia")
    with ctx.read() as s:
        from kaltim_desk.services.registry import people

        holder = people.get_person(s, group.members[0].person_id)
    form = PersonForm(ctx)
    qtbot.addWidget(form)
    form.show()
    _fill_form(qtbot, form, holder.nik, "Orang Lain")
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    error = form.findChild(QLabel, "error_nik")
    assert error.isVisible()
    assert "sudah terdaftar atas nama " + holder.name in error.text()
    assert "KUBE DAHLIA" in error.text()
    assert form.saved is None
    with ctx.read() as s:
        assert people.count_people(s, PageFilter()) == 5


def test_a_typing_mistake_in_the_nik_is_explained_while_typing(qtbot, ctx):
    form = PersonForm(ctx)
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.nik, "6472039905800001")  # day 99 does not exist
    error = form.findChild(QLabel, "error_nik")
    assert error.isVisible() and "tanggal" in error.text().lower()


def test_deactivate_asks_a_reason_and_the_row_leaves_the_active_list(qtbot, ctx, prompts):
    with ctx.session() as s:
        make_person(s, name="Ibu Pindah")
    page = _page(qtbot, ctx)
    page.table.selectRow(0)
    prompts.text_answer = "Pindah ke Bontang"
    qtbot.mouseClick(page.findChild(QPushButton, "deactivate"), Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 0
    assert "0 data ditemukan" in page.count_label.text()


def test_table_dates_read_as_on_the_documents() -> None:
    """Tables format dates with Qt's CLDR copy; it must say exactly what babel writes on documents."""
    from datetime import date, timedelta

    from kaltim_desk.domain.dates import format_date_id
    from kaltim_desk.views.qtmodels.paged import long_date

    day = date(1960, 1, 1)
    while day < date(2031, 1, 1):
        assert long_date(day) == format_date_id(day)
        day += timedelta(days=97)
    assert long_date(None) == ""
