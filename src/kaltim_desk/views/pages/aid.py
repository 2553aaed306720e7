"""Bantuan: the grants table (filtered by programme, status, region and recipient name), the grant
editor, the programme dialog, and batch printing of a programme's agreements in the background with a
progress bar and cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QProgressDialog

from kaltim_desk.app import AppContext
from kaltim_desk.core.dto import PageFilter
from kaltim_desk.domain.money import format_rupiah
from kaltim_desk.i18n import _
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid import grant_list, programmes
from kaltim_desk.views.dialogs.grant_editor import GrantEditor
from kaltim_desk.views.dialogs.programme_dialog import ProgrammeDialog
from kaltim_desk.views.pages.table_page import TablePage
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.qtmodels.paged import Column, SessionSource
from kaltim_desk.views.widgets.saved import tell_saved


def grant_columns() -> list[Column]:
    labels, forms = R.status_labels(), R.form_labels()
    return [
        Column("id", _("No."), "id", str, align_right=True),
        Column("recipient_name", _("Penerima"), None),
        Column(
            "recipient_kind", _("Jenis"), None, lambda k: _("Kelompok") if k == "group" else _("Perorangan")
        ),
        Column("programme_name", _("Program"), "programme"),
        Column("form", _("Bentuk"), None, lambda f: forms.get(f, f)),
        Column("amount", _("Nilai"), "amount", format_rupiah, align_right=True),
        Column("paid", _("Tersalur"), None, format_rupiah, align_right=True),
        Column("status", _("Status"), "status", lambda s: labels.get(s, s)),
        Column("agreement_number", _("No. perjanjian"), "agreement"),
    ]


class Page(TablePage):
    def __init__(self, ctx: AppContext) -> None:
        self.title = _("Bantuan usaha")  # not "Bantuan", the Help menu's name
        self.search_placeholder = _("Cari penerima atau nomor perjanjian…")
        labels = R.status_labels()
        super().__init__(
            ctx,
            SessionSource(ctx, grant_list.count_grants, grant_list.page_grants),
            grant_columns(),
            "id",
            [("", _("Semua status")), *((s, labels[s]) for s in R.STATUSES)],
        )
        self.programme = QComboBox()
        self.programme.setObjectName("programme_filter")
        outer = self.layout()
        assert outer is not None
        filters_item = outer.itemAt(1)
        filters = filters_item.layout() if filters_item is not None else None
        assert isinstance(filters, QHBoxLayout)
        filters.insertWidget(1, self.programme, 2)
        self.reload_programmes()
        self.programme.currentIndexChanged.connect(lambda _i: self.refresh())
        self.programme.currentIndexChanged.connect(lambda _i: self._programme_chosen())
        self.empty_hint = _("Belum ada bantuan. Buat programnya dengan Program baru…, lalu klik Usulan baru.")
        self.add_button(_("Usulan baru"), self.add, name="add", permission="grant.create", shortcut="Ctrl+N")
        self.add_button(_("Buka"), self.edit, name="edit", shortcut="Ctrl+E")
        # Two buttons that say what they do: a new programme, or the one chosen in the filter.
        self.add_button(
            _("Program baru…"), self.new_programme, name="new_programme", permission="programme.edit"
        )
        self.edit_programme_button = self.add_button(
            _("Ubah program…"), self.edit_programme, name="edit_programme", permission="programme.edit"
        )
        self.add_button(
            _("Cetak semua perjanjian…"), self.print_all, name="print_all", permission="grant.print"
        )
        self._programme_chosen()
        self._progress: QProgressDialog | None = None

    def reload_programmes(self) -> None:
        current = self.programme.currentData()
        self.programme.blockSignals(True)
        self.programme.clear()
        self.programme.addItem(_("Semua program"), None)
        with self.ctx.read() as s:
            for p in programmes.programme_choices(s):
                self.programme.addItem(p.label, p.id)
        idx = self.programme.findData(current)
        self.programme.setCurrentIndex(max(idx, 0))
        self.programme.blockSignals(False)

    def current_filter(self) -> PageFilter:
        base = super().current_filter()
        pid = self.programme.currentData()
        extra = (("programme_id", str(pid)),) if pid else ()
        return PageFilter(text=base.text, region_code=base.region_code, status=base.status, extra=extra)

    # --- actions -------------------------------------------------------------------------------------
    def add(self) -> None:
        editor = GrantEditor(self.ctx, None, self)
        editor.exec()
        if editor.changed:
            self.refresh()

    def edit(self) -> None:
        gid = self.selected_id()
        if gid is not None:
            self.open_item(gid)

    def open_item(self, item_id: int) -> None:
        editor = GrantEditor(self.ctx, item_id, self)
        editor.exec()
        if editor.changed:
            self.refresh()

    def _programme_chosen(self) -> None:
        chosen = self.programme.currentData() is not None
        self.edit_programme_button.setEnabled(chosen)
        self.edit_programme_button.setToolTip(
            _("Ubah program {name}").format(name=self.programme.currentText())
            if chosen
            else _("Pilih dulu programnya di daftar program")
        )

    def new_programme(self) -> None:
        self._open_programme(None)

    def edit_programme(self) -> None:
        if self.programme.currentData() is not None:
            self._open_programme(self.programme.currentData())

    def _open_programme(self, programme_id: int | None) -> None:
        dialog = ProgrammeDialog(self.ctx, programme_id, self)
        if dialog.exec() and dialog.saved is not None:
            self.reload_programmes()
            self.programme.setCurrentIndex(self.programme.findData(dialog.saved.id))
            self.refresh()

    def print_all(self) -> None:
        """All agreements of the selected programme into one PDF, in the background (the PDF code,
        ReportLab, is loaded there too: loading it here would hold the window still for a moment)."""
        pid = self.programme.currentData()
        if not pid:
            self.ctx.prompts.error(self, self.title, _("Pilih dulu programnya pada saringan Program."))
            return
        how = self.ctx.prompts.choose(
            self,
            _("Cetak semua perjanjian"),
            _(
                "Semua perjanjian program ini dalam satu berkas PDF, atau satu berkas per penerima dalam satu folder?"
            ),
            [_("Satu berkas PDF"), _("Satu berkas per penerima"), _("Batal")],
        )
        if how == 2:
            return
        one_file = how == 0
        if one_file:
            chosen = self.ctx.prompts.save_file(
                self, _("Simpan semua perjanjian"), f"perjanjian-program-{pid}.pdf", "PDF (*.pdf)"
            )
            if chosen is None:
                return
            target = chosen if chosen.suffix.lower() == ".pdf" else chosen.with_suffix(".pdf")
        else:
            folder = self.ctx.prompts.choose_folder(self, _("Folder perjanjian"))
            if folder is None:
                return
            target = folder
        progress = QProgressDialog(_("Menyiapkan perjanjian…"), _("Batal"), 0, 100, self)
        progress.setObjectName("batch_progress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(600)  # appears only when the work takes a while
        self._progress = progress
        db, actor = self.ctx.db, self.ctx.actor

        def work(state: Any) -> list[Path]:
            from kaltim_desk.services.aid.printing import print_programme_agreements_job  # lazy: ReportLab

            return print_programme_agreements_job(
                db,
                actor,
                pid,
                target,
                one_file=one_file,
                progress=state.progress,
                is_cancelled=state.is_cancelled,
            )

        def on_progress(done: int, total: int, text: str) -> None:
            progress.setMaximum(max(total, 1))
            progress.setValue(done)
            progress.setLabelText(
                _("Perjanjian {done} dari {total}: {text}").format(done=done, total=total, text=text)
            )

        def done(files: list[Path]) -> None:
            progress.close()
            self.refresh()
            where = files[0] if one_file else _("{n} berkas di {folder}").format(n=len(files), folder=target)
            text = _("Perjanjian disimpan ke {path}").format(path=where)
            tell_saved(self.ctx, self, self.title, text, files[0] if one_file else target)

        def failed(exc: BaseException) -> None:
            from kaltim_desk.documents.batch import BatchCancelled  # lazy: loaded by the task already

            progress.close()
            if isinstance(exc, BatchCancelled):
                self.ctx.prompts.info(
                    self, self.title, _("Pencetakan dibatalkan; tidak ada berkas yang ditulis.")
                )
            else:
                self.ctx.prompts.error(self, self.title, describe_error(exc))

        state = self.ctx.tasks.run(work, on_done=done, on_error=failed, on_progress=on_progress)
        progress.canceled.connect(state.cancel)
