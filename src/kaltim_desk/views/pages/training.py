"""Pelatihan: trainings, their participants and attendance, certificates (issue, print, verify)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QProgressDialog

from kaltim_desk.app import AppContext
from kaltim_desk.i18n import _
from kaltim_desk.models.vocabulary import training_status_labels
from kaltim_desk.services.training import certificates, trainings
from kaltim_desk.views.dialogs.attendance_grid import AttendanceDialog
from kaltim_desk.views.dialogs.training_editor import TrainingEditor, TrainingSettingsDialog
from kaltim_desk.views.dialogs.verify_dialog import VerifyDialog
from kaltim_desk.views.pages.table_page import TablePage
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.qtmodels.paged import Column, SessionSource, long_date
from kaltim_desk.views.widgets.saved import tell_saved


class Page(TablePage):
    def __init__(self, ctx: AppContext) -> None:
        self.title = _("Pelatihan")
        self.search_placeholder = _("Cari judul atau tempat pelatihan…")
        labels = training_status_labels()
        super().__init__(
            ctx,
            SessionSource(ctx, trainings.count_trainings, trainings.page_trainings),
            [
                Column("title", _("Judul pelatihan"), "title"),
                Column("start_date", _("Mulai"), "start_date", long_date),
                Column("end_date", _("Selesai"), None, long_date),
                Column("place", _("Tempat"), "place"),
                Column("hours", _("JP"), None, str, align_right=True),
                Column("session_count", _("Sesi"), None, str, align_right=True),
                Column("participant_count", _("Peserta"), None, str, align_right=True),
                Column("certificate_count", _("Sertifikat"), None, str, align_right=True),
                Column("status", _("Status"), "status", lambda s: labels.get(s, s)),
            ],
            "start_date",
            [("", _("Semua status")), *labels.items()],
            with_region=False,
        )
        self.model.descending = True
        self.empty_hint = _("Belum ada pelatihan. Klik Pelatihan baru.")
        self.add_button(
            _("Pelatihan baru"), self.add, name="add", permission="training.create", shortcut="Ctrl+N"
        )
        self.add_button(_("Ubah"), self.edit, name="edit", permission="training.edit", shortcut="Ctrl+E")
        self.add_button(_("Peserta && kehadiran"), self.open_attendance, name="attendance", shortcut="Ctrl+H")
        self.add_button(_("Terbitkan sertifikat"), self.issue, name="issue", permission="certificate.issue")
        self.add_button(
            _("Cetak sertifikat (PDF)"), self.print_pdf, name="print_pdf", permission="certificate.print"
        )
        self.add_button(
            _("Cetak per peserta"), self.print_folder, name="print_folder", permission="certificate.print"
        )
        self.add_button(_("Verifikasi"), self.verify, name="verify", permission="certificate.verify")
        self.add_button(_("Pengaturan…"), self.settings, name="settings", permission="settings.edit")
        for col, width in ((0, 330), (1, 135), (2, 135), (3, 200), (4, 50), (5, 50), (6, 70), (7, 80)):
            self.table.setColumnWidth(col, width)
        self.last_outcome: Any = None

    def refresh(self) -> None:
        """Reload, keeping the selected training selected (issuing or printing refreshes the counts)."""
        self._keep = self.selected_id()
        super().refresh()

    def _loaded(self, total: int) -> None:
        super()._loaded(total)
        keep = getattr(self, "_keep", None)
        for row in range(self.model.rowCount()):
            if keep is not None and getattr(self.model.row_at(row), "id", None) == keep:
                self.table.selectRow(row)
                break

    # --- trainings -----------------------------------------------------------------------------------
    def _selected(self) -> int | None:
        tid = self.selected_id()
        if tid is None:
            self.ctx.prompts.info(self, self.title, _("Pilih pelatihan di tabel terlebih dahulu."))
        return tid

    def add(self) -> None:
        editor = TrainingEditor(self.ctx, None, self)
        if editor.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def edit(self) -> None:
        tid = self._selected()
        if tid is not None:
            editor = TrainingEditor(self.ctx, tid, self)
            if editor.exec() == QDialog.DialogCode.Accepted:
                self.refresh()

    def open_item(self, item_id: int) -> None:
        dlg = AttendanceDialog(self.ctx, item_id, self)
        dlg.exec()
        if dlg.changed:
            self.refresh()

    def open_attendance(self) -> None:
        tid = self._selected()
        if tid is not None:
            self.open_item(tid)

    # --- certificates --------------------------------------------------------------------------------
    def issue(self) -> None:
        tid = self._selected()
        if tid is None:
            return
        try:
            with self.ctx.session() as s:
                res = certificates.issue_for_training(s, tid)
        except Exception as exc:
            self.ctx.prompts.error(self, self.title, describe_error(exc))
            return
        text = _("{n} sertifikat baru diterbitkan; {a} peserta sudah punya sertifikat.").format(
            n=len(res.issued), a=res.already
        )
        if res.not_completed:
            text += "\n" + _("Belum memenuhi syarat ({n}):").format(n=len(res.not_completed))
            text += "\n" + "\n".join(res.not_completed[:15])
            if len(res.not_completed) > 15:
                text += "\n…"
        self.ctx.prompts.info(self, _("Terbitkan sertifikat"), text)
        self.refresh()

    def _has_certificates(self, tid: int) -> bool:
        """Say there is nothing to print before asking where to put it."""
        row = next((r for r in self.model.rows if getattr(r, "id", None) == tid), None)
        if row is not None and not getattr(row, "certificate_count", 1):
            self.ctx.prompts.info(
                self,
                _("Cetak sertifikat"),
                _(
                    "Belum ada sertifikat yang terbit untuk pelatihan ini. Terbitkan dulu dengan "
                    '"Terbitkan sertifikat" (peserta yang lulus).'
                ),
            )
            return False
        return True

    def print_pdf(self) -> None:
        tid = self._selected()
        if tid is None or not self._has_certificates(tid):
            return
        path = self.ctx.prompts.save_file(
            self, _("Simpan sertifikat (satu PDF)"), f"sertifikat-pelatihan-{tid}.pdf", _("PDF (*.pdf)")
        )
        if path is not None:
            if path.suffix.lower() != ".pdf":
                path = path.with_suffix(".pdf")
            self._print(tid, path, per_participant=False)

    def print_folder(self) -> None:
        tid = self._selected()
        if tid is None or not self._has_certificates(tid):
            return
        folder = self.ctx.prompts.choose_folder(self, _("Folder untuk sertifikat per peserta"))
        if folder is not None:
            self._print(tid, folder, per_participant=True)

    def _print(self, training_id: int, out: Path, *, per_participant: bool) -> None:
        """Render in the background with a progress dialog that can cancel; no half-written file."""
        from kaltim_desk.documents.certificate import RenderCancelled
        from kaltim_desk.services.training.printing import print_certificates_job

        dialog = QProgressDialog(_("Mencetak sertifikat…"), _("Batal"), 0, 0, self)
        dialog.setWindowTitle(_("Cetak sertifikat"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(600)
        db, actor = self.ctx.db, self.ctx.actor

        def work(state: Any) -> Any:
            return print_certificates_job(
                db,
                actor,
                training_id,
                out,
                per_participant=per_participant,
                progress=state.progress,
                is_cancelled=state.is_cancelled,
            )

        def on_progress(done: int, total: int, text: str) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)
            dialog.setLabelText(
                _("Mencetak {done} dari {total}: {name}").format(done=done, total=total, name=text)
            )

        def done(outcome: Any) -> None:
            dialog.reset()
            self.last_outcome = outcome
            where = (
                str(out)
                if not per_participant
                else _("{n} berkas di {folder}").format(n=len(outcome.files), folder=out)
            )
            text = _("{n} sertifikat dicetak ke {where}.").format(n=outcome.count, where=where)
            if outcome.copies:
                text += " " + _("{n} di antaranya cetak ulang, bertanda SALINAN.").format(n=outcome.copies)
            for warning in outcome.warnings:  # e.g. the logo did not print
                text += "\n" + _("Perhatian: {text}").format(text=warning)
            tell_saved(self.ctx, self, _("Cetak sertifikat"), text, out)
            self.refresh()

        def failed(exc: BaseException) -> None:
            dialog.reset()
            if isinstance(exc, RenderCancelled):
                self.ctx.prompts.info(
                    self, _("Cetak sertifikat"), _("Pencetakan dibatalkan; tidak ada berkas setengah jadi.")
                )
            else:
                self.ctx.prompts.error(self, _("Cetak sertifikat"), describe_error(exc))

        state = self.ctx.tasks.run(work, on_done=done, on_error=failed, on_progress=on_progress)
        dialog.canceled.connect(state.cancel)

    def verify(self) -> None:
        VerifyDialog(self.ctx, self).exec()

    def settings(self) -> None:
        TrainingSettingsDialog(self.ctx, self).exec()
