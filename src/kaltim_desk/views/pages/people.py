"""Penerima: the registry of beneficiaries."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from kaltim_desk.app import AppContext
from kaltim_desk.i18n import _
from kaltim_desk.services.registry import people
from kaltim_desk.views.dialogs.person_form import PersonForm
from kaltim_desk.views.pages.table_page import TablePage
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.qtmodels.paged import Column, SessionSource, long_date, short_region


def people_columns(full_ids: bool) -> list[Column]:
    return [
        Column("nik" if full_ids else "nik_masked", _("NIK"), "nik"),
        Column("name", _("Nama"), "name"),
        Column("birth_date", _("Tgl lahir"), "birth_date", long_date),
        Column("village_name", _("Desa/Kel."), "village"),
        Column("district_name", _("Kecamatan")),
        Column("regency_name", _("Kab/Kota"), None, short_region),
        Column("group_name", _("Kelompok")),
        Column("business_type", _("Jenis usaha"), "business_type"),
        Column("is_active", _("Status"), None, lambda a: _("Aktif") if a else _("Nonaktif")),
    ]


class Page(TablePage):
    def __init__(self, ctx: AppContext) -> None:
        self.title = _("Penerima")
        self.search_placeholder = _("Cari nama atau NIK…")
        super().__init__(
            ctx,
            SessionSource(ctx, people.count_people, people.page_people),
            people_columns(ctx.can("person.view_full_id")),
            "name",
            [("active", _("Aktif")), ("inactive", _("Nonaktif")), ("", _("Semua status"))],
        )
        self.empty_hint = _(
            "Belum ada penerima. Klik Tambah, atau Impor dari Excel untuk daftar yang sudah ada."
        )
        self.add_button(_("Tambah"), self.add, name="add", permission="person.create", shortcut="Ctrl+N")
        self.add_button(_("Ubah"), self.edit, name="edit", permission="person.edit", shortcut="Ctrl+E")
        self.add_button(_("Nonaktifkan"), self.deactivate, name="deactivate", permission="person.deactivate")
        self.add_button(
            _("Impor dari Excel…"), self.import_excel, name="import_excel", permission="import.run"
        )
        for col, width in ((0, 140), (1, 220), (2, 120), (3, 150), (4, 130), (5, 150), (6, 150)):
            self.table.setColumnWidth(col, width)

    def add(self) -> None:
        form = PersonForm(self.ctx, None, self)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def edit(self) -> None:
        pid = self.selected_id()
        if pid is not None:
            self.open_item(pid)

    def open_item(self, item_id: int) -> None:
        if not self.ctx.can("person.edit"):
            return
        try:
            with self.ctx.read() as s:
                person = people.get_person(s, item_id)
        except Exception as exc:
            self.ctx.prompts.error(self, self.title, describe_error(exc))
            return
        form = PersonForm(self.ctx, person, self)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def import_excel(self) -> None:
        from kaltim_desk.views.dialogs.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self)
        wizard.exec()
        if wizard.result is not None:
            self.refresh()

    def deactivate(self) -> None:
        pid = self.selected_id()
        if pid is None:
            return
        reason = self.ctx.prompts.ask_text(
            self, _("Nonaktifkan penerima"), _("Alasan (pindah, meninggal, ganda…):")
        )
        if not reason:
            return
        try:
            with self.ctx.session() as s:
                people.deactivate_person(s, pid, reason)
        except Exception as exc:
            self.ctx.prompts.error(self, self.title, describe_error(exc))
            return
        self.refresh()
