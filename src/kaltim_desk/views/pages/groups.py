"""Kelompok: KUBE groups."""

from __future__ import annotations

from kaltim_desk.app import AppContext
from kaltim_desk.i18n import _
from kaltim_desk.services.registry import groups
from kaltim_desk.views.dialogs.group_editor import GroupEditor, status_labels
from kaltim_desk.views.pages.table_page import TablePage
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.qtmodels.paged import Column, SessionSource, short_region


class Page(TablePage):
    def __init__(self, ctx: AppContext) -> None:
        self.title = _("Kelompok KUBE")
        self.search_placeholder = _("Cari nama kelompok…")
        labels = status_labels()
        super().__init__(
            ctx,
            SessionSource(ctx, groups.count_groups, groups.page_groups),
            [
                Column("name", _("Nama kelompok"), "name"),
                Column("chair_name", _("Ketua")),
                Column("member_count", _("Anggota"), None, str, align_right=True),
                Column("village_name", _("Desa/Kel."), "village"),
                Column("district_name", _("Kecamatan")),
                Column("regency_name", _("Kab/Kota"), None, short_region),
                Column("business_type", _("Jenis usaha"), "business_type"),
                Column("status", _("Status"), "status", lambda s: labels.get(s, s)),
            ],
            "name",
            [
                ("", _("Semua status")),
                ("active", labels["active"]),
                ("forming", labels["forming"]),
                ("inactive", labels["inactive"]),
            ],
        )
        self.empty_hint = _("Belum ada kelompok. Klik Kelompok baru, lalu tambahkan anggotanya.")
        self.add_button(
            _("Kelompok baru"), self.add, name="add", permission="group.create", shortcut="Ctrl+N"
        )
        self.add_button(_("Buka"), self.edit, name="edit", permission="group.edit", shortcut="Ctrl+E")
        self.add_button(_("Nonaktifkan"), self.deactivate, name="deactivate", permission="group.deactivate")
        for col, width in ((0, 200), (1, 200), (2, 70), (3, 150), (4, 130), (5, 150)):
            self.table.setColumnWidth(col, width)

    def add(self) -> None:
        editor = GroupEditor(self.ctx, None, self)
        editor.exec()
        if editor.changed:
            self.refresh()

    def edit(self) -> None:
        gid = self.selected_id()
        if gid is not None:
            self.open_item(gid)

    def open_item(self, item_id: int) -> None:
        editor = GroupEditor(self.ctx, item_id, self)
        editor.exec()
        if editor.changed:
            self.refresh()

    def deactivate(self) -> None:
        gid = self.selected_id()
        if gid is None:
            return
        reason = self.ctx.prompts.ask_text(self, _("Nonaktifkan kelompok"), _("Alasan:"))
        if not reason:
            return
        try:
            with self.ctx.session() as s:
                groups.deactivate_group(s, gid, reason)
        except Exception as exc:
            self.ctx.prompts.error(self, self.title, describe_error(exc))
            return
        self.refresh()
