"""Province consolidation in the GUI: choose the district workbooks, merge them into the province
workbook in the background, and show each file's verdict (accepted, or refused with its reason)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.i18n import _
from kaltim_desk.services.excel.consolidation import ConsolidationResult, consolidate
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.inputs import password_edit


class ConsolidationPanel(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Konsolidasi provinsi: gabungkan ekspor BNBA kabupaten/kota"), parent)
        self.ctx = ctx
        self.result: ConsolidationResult | None = None
        self.files = QListWidget()
        self.files.setObjectName("consolidation_files")
        self.add_button = QPushButton(_("Tambah berkas…"))
        self.add_button.setObjectName("consolidation_add")
        self.remove_button = QPushButton(_("Hapus dari daftar"))
        self.remove_button.setObjectName("consolidation_remove")
        self.password = password_edit("consolidation_password")
        self.password.setPlaceholderText(_("kata sandi ekspor lengkap (bila ada)"))
        self.run_button = QPushButton(_("Gabungkan dan simpan…"))
        self.run_button.setObjectName("consolidation_run")
        self.outcome = QTableWidget(0, 3)
        self.outcome.setObjectName("consolidation_outcome")
        self.outcome.setHorizontalHeaderLabels([_("Berkas"), _("Status"), _("Keterangan")])
        self.outcome.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setObjectName("consolidation_summary")
        self.summary.setWordWrap(True)
        self.add_button.clicked.connect(self.add_file)
        self.remove_button.clicked.connect(self.remove_file)
        self.run_button.clicked.connect(self.run)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.password, 1)
        row.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.files)
        layout.addLayout(row)
        layout.addWidget(self.outcome)
        layout.addWidget(self.summary)

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def add_file(self) -> None:
        path = self.ctx.prompts.open_file(
            self, _("Pilih ekspor kabupaten/kota"), _("Buku kerja Excel (*.xlsx)")
        )
        if path and path not in self.paths():
            self.files.addItem(str(path))

    def remove_file(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))

    def run(self) -> None:
        inputs = self.paths()
        if not inputs:
            self.ctx.prompts.error(self, _("Konsolidasi"), _("Tambahkan dulu berkas ekspor kabupaten/kota."))
            return
        target = self.ctx.prompts.save_file(
            self, _("Simpan gabungan provinsi"), "gabungan-provinsi.xlsx", _("Buku kerja Excel (*.xlsx)")
        )
        if not target:
            return
        if target in inputs:
            self.ctx.prompts.error(
                self, _("Konsolidasi"), _("Berkas keluaran tidak boleh salah satu berkas masukan.")
            )
            return
        ctx, password = self.ctx, self.password.text() or None

        def work(state: Any) -> ConsolidationResult:
            with ctx.db.session(ctx.actor) as s:
                return consolidate(
                    inputs,
                    target,
                    session=s,
                    password=password,
                    progress=state.progress,
                    is_cancelled=state.is_cancelled,
                )

        self.run_button.setEnabled(False)
        self.ctx.tasks.run(work, on_done=self._done, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.run_button.setEnabled(True)
        self.ctx.prompts.error(self, _("Konsolidasi"), describe_error(exc))

    def _done(self, result: ConsolidationResult) -> None:
        self.run_button.setEnabled(True)
        self.result = result
        self.outcome.setRowCount(len(result.sources))
        for i, s in enumerate(result.sources):
            self.outcome.setItem(i, 0, QTableWidgetItem(s.file))
            self.outcome.setItem(
                i, 1, QTableWidgetItem(_("Diterima") if s.status == "DITERIMA" else _("Ditolak"))
            )
            detail = s.reason or _("kantor {office}, ekspor #{seq}, {rows} baris").format(
                office=s.office, seq=s.sequence, rows=s.rows
            )
            self.outcome.setItem(i, 2, QTableWidgetItem(detail))
        if result.out is None:
            text = _("Tidak ada berkas yang diterima; tidak ada yang ditulis.")
        else:
            text = _("Gabungan disimpan di {path}: {rows} baris, {conflicts} baris konflik NIK.").format(
                path=result.out, rows=result.rows, conflicts=len(result.conflicts)
            )
        self.summary.setText(text)
