"""Laporan: export the upward-reporting workbooks (masked by default; a full export needs the role, a
reason and a password), watch the progress and cancel; see which province NIK key the office holds (an
admin installs the province's key file here); see and roll back import batches; consolidate district
exports (province office)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.exports import masking
from kaltim_desk.exports.layouts import REPORT_TITLES
from kaltim_desk.exports.workbook import ExportCancelled
from kaltim_desk.i18n import _
from kaltim_desk.services.excel import exports, imports
from kaltim_desk.tasks import TaskCancelled, TaskState
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.inputs import password_edit
from kaltim_desk.views.widgets.saved import tell_saved
from kaltim_desk.vocabulary import import_status_labels


class Page(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = _("Laporan")
        self.state: TaskState | None = None
        self.last_result: exports.ExportResult | None = None

        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for key, label in REPORT_TITLES.items():
            self.kind.addItem(_(label), key)
        self.year = QComboBox()
        self.year.setObjectName("year")
        self.year.addItem(_("Semua tahun"), None)
        for y in range(date.today().year + 1, 2019, -1):
            self.year.addItem(str(y), y)
        self.masked = QRadioButton(_("NIK/KK disamarkan (untuk dikirim)"))
        self.masked.setObjectName("masked")
        self.full = QRadioButton(_("Lengkap: NIK/KK utuh, berkas terenkripsi"))
        self.full.setObjectName("full")
        self.masked.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.masked)
        group.addButton(self.full)
        self.full.setVisible(ctx.can("export.full"))
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(_("mis. permintaan Dinsos Provinsi untuk verifikasi"))
        self.password = password_edit("password")
        self.password2 = password_edit("password2")
        self.save_button = QPushButton(_("Simpan laporan…"))
        self.save_button.setObjectName("save")
        self.cancel_button = QPushButton(_("Batal"))
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        self.full.toggled.connect(self._mode_changed)

        export_box = QGroupBox(_("Ekspor laporan ke Excel"))
        form = QFormLayout(export_box)
        form.addRow(_("Laporan"), self.kind)
        form.addRow(_("Tahun anggaran"), self.year)
        form.addRow(self.masked)
        form.addRow(self.full)
        self.reason_label = QLabel(_("Alasan ekspor lengkap"))
        self.password_label = QLabel(_("Kata sandi berkas"))
        self.password2_label = QLabel(_("Ulangi kata sandi"))
        form.addRow(self.reason_label, self.reason)
        form.addRow(self.password_label, self.password)
        form.addRow(self.password2_label, self.password2)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.cancel_button)
        form.addRow(row)
        form.addRow(self.status)
        self.key_status = QLabel()
        self.key_status.setObjectName("key_status")
        self.key_status.setWordWrap(True)
        self.key_button = QPushButton(_("Pasang kunci NIK provinsi…"))
        self.key_button.setObjectName("install_key")
        self.key_button.setVisible(ctx.can("settings.edit"))
        self.key_button.clicked.connect(self.install_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_status, 1)
        key_row.addWidget(self.key_button)
        form.addRow(key_row)

        # import batches
        self.batches = QTableWidget(0, 6)
        self.batches.setObjectName("batches")
        self.batches.setHorizontalHeaderLabels(
            [_("No."), _("Berkas"), _("Waktu"), _("Oleh"), _("Penerima"), _("Status")]
        )
        self.batches.horizontalHeader().setStretchLastSection(True)
        self.rollback_button = QPushButton(_("Batalkan impor terpilih…"))
        self.rollback_button.setObjectName("rollback")
        self.rollback_button.setVisible(ctx.can("import.rollback"))
        self.rollback_button.clicked.connect(self.rollback)
        batch_box = QGroupBox(_("Riwayat impor"))
        self.batches_status = QLabel()
        self.batches_status.setObjectName("batches_status")
        bl = QVBoxLayout(batch_box)
        bl.addWidget(self.batches)
        bottom = QHBoxLayout()
        bottom.addWidget(self.batches_status, 1)
        bottom.addWidget(self.rollback_button)
        bl.addLayout(bottom)

        # Three panels one under the other: on a short screen (768 px at 125%) the page scrolls down
        # rather than squeezing the tables to nothing.
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(export_box)
        layout.addWidget(batch_box, 1)
        self.batches.setMinimumHeight(120)
        self.consolidation = None
        if ctx.can("consolidate.run"):
            from kaltim_desk.views.pages.consolidation import ConsolidationPanel

            self.consolidation = ConsolidationPanel(ctx, self)
            layout.addWidget(self.consolidation, 1)
        scroll = QScrollArea()
        scroll.setObjectName("reports_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(QLabel(f"<h2>{self.title}</h2>"))
        outer.addWidget(scroll, 1)
        self._mode_changed()

    def refresh(self) -> None:
        """The import history and the key's state, read in the background; the table keeps what it
        shows until the new list is in."""
        self.batches_status.setText(_("Memuat…"))
        ctx = self.ctx

        def work(_state: Any) -> tuple[list[Any], Any]:
            with ctx.read() as s:
                return imports.list_batches(s), exports.nik_key(s)

        self.ctx.tasks.run(work, on_done=self._show_batches, on_error=self._batches_failed)

    def _batches_failed(self, exc: BaseException) -> None:
        self.batches_status.setText("")
        self.ctx.prompts.error(self, self.title, describe_error(exc))

    def _show_batches(self, result: tuple[list[Any], Any]) -> None:
        rows, key = result
        self.batches_status.setText("")
        self.key_status.setText(
            _("Kunci NIK provinsi: id {key_id} (mengisi kolom KUNCI NIK).").format(key_id=masking.key_id(key))
            if key
            else _("Kunci NIK provinsi belum dipasang: kolom KUNCI NIK ekspor BNBA akan kosong.")
        )
        labels = import_status_labels()
        self.batches.setRowCount(len(rows))
        for i, b in enumerate(rows):
            values = [
                str(b.id),
                f"{b.file_name} ({b.sheet})",
                b.committed_at.strftime("%d-%m-%Y %H:%M"),
                b.actor,
                str(b.imported),
                labels.get(b.status, b.status),
            ]
            for c, v in enumerate(values):
                self.batches.setItem(i, c, QTableWidgetItem(v))

    def _mode_changed(self) -> None:
        full = self.full.isChecked()
        for w in (
            self.reason,
            self.password,
            self.password2,
            self.reason_label,
            self.password_label,
            self.password2_label,
        ):
            w.setVisible(full)

    def install_key(self) -> None:
        """Install the key file the provincial office sent (admin); the key itself is never shown."""
        path = self.ctx.prompts.open_file(
            self, _("Pilih berkas kunci NIK dari provinsi"), _("Berkas kunci (*.key);;Semua berkas (*)")
        )
        if not path:
            return
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            self.ctx.prompts.error(self, self.title, _("Berkas {path} tidak dapat dibaca.").format(path=path))
            return
        try:
            with self.ctx.session() as s:
                key_id = exports.install_nik_key(s, text)
        except Exception as exc:
            self.ctx.prompts.error(self, self.title, describe_error(exc))
            return
        self.refresh()
        self.ctx.prompts.info(
            self, self.title, _("Kunci NIK provinsi (id {key_id}) terpasang.").format(key_id=key_id)
        )

    # --- export ----------------------------------------------------------------------------------------
    def save(self) -> None:
        kind, year, full = self.kind.currentData(), self.year.currentData(), self.full.isChecked()
        reason, password = self.reason.text().strip(), self.password.text()
        if full:
            if not reason:
                self.ctx.prompts.error(self, self.title, _("Isi alasan ekspor lengkap; alasan ini dicatat."))
                return
            if len(password) < 8:
                self.ctx.prompts.error(self, self.title, _("Kata sandi berkas minimal 8 karakter."))
                return
            if password != self.password2.text():
                self.ctx.prompts.error(self, self.title, _("Kedua kata sandi tidak sama."))
                return
        suggested = f"{kind}-{year or 'semua'}{'-lengkap' if full else ''}.xlsx"
        target = self.ctx.prompts.save_file(
            self, _("Simpan laporan"), suggested, _("Buku kerja Excel (*.xlsx)")
        )
        if not target:
            return
        ctx = self.ctx

        def work(state: TaskState) -> exports.ExportResult:
            with ctx.db.session(ctx.actor) as s:
                return exports.export_report(
                    s,
                    kind,
                    Path(target),
                    year=year,
                    full=full,
                    reason=reason,
                    password=password if full else None,
                    progress=state.progress,
                    is_cancelled=state.is_cancelled,
                )

        self.save_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(_("Menyusun laporan…"))
        self.state = self.ctx.tasks.run(
            work, on_done=self._done, on_error=self._failed, on_progress=self._progress
        )

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.status.setText(
            _("Menulis {sheet}: {done} dari {total} baris…").format(sheet=text, done=done, total=total)
        )

    def cancel(self) -> None:
        if self.state is not None:
            self.state.cancel()
            self.status.setText(_("Membatalkan…"))

    def _finish(self) -> None:
        self.save_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.state = None

    def _done(self, result: exports.ExportResult) -> None:
        self._finish()
        self.last_result = result
        mode = _("lengkap, terenkripsi") if result.full else _("NIK disamarkan")
        text = _("Ekspor #{seq} ({mode}) disimpan di {path}: {rows} baris.").format(
            seq=result.sequence, mode=mode, path=result.path, rows=result.rows
        )
        if result.nik_key_missing:
            text += "\n\n" + _(
                "Kunci NIK provinsi belum dipasang: kolom KUNCI NIK kosong, sehingga provinsi tidak dapat "
                "mencari NIK ganda dari berkas ini. Minta berkas kunci ke Dinas Sosial Provinsi; admin "
                "memasangnya dengan tombol Pasang kunci NIK provinsi di halaman ini."
            )
        self.status.setText(text)
        self.progress.setValue(self.progress.maximum())
        tell_saved(self.ctx, self, self.title, text, Path(result.path))

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, ExportCancelled | TaskCancelled):
            self.status.setText(_("Ekspor dibatalkan; tidak ada berkas yang ditulis."))
            return
        self.status.setText(describe_error(exc))
        self.ctx.prompts.error(self, self.title, describe_error(exc))

    # --- import batches ----------------------------------------------------------------------------------
    def rollback(self) -> None:
        rows = self.batches.selectionModel().selectedRows() if self.batches.selectionModel() else []
        row = rows[0].row() if rows else self.batches.currentRow()
        item = self.batches.item(row, 0) if row >= 0 else None
        if item is None:
            self.ctx.prompts.error(self, self.title, _("Pilih dulu impor yang akan dibatalkan."))
            return
        batch_id = int(item.text())
        reason = self.ctx.prompts.ask_text(
            self, _("Batalkan impor"), _("Alasan membatalkan impor #{n}:").format(n=batch_id)
        )
        if not reason:
            return
        ctx = self.ctx

        def work(_state: Any) -> Any:
            with ctx.session() as s:
                return imports.rollback_import(s, batch_id, reason)

        def done(res: Any) -> None:
            self.rollback_button.setEnabled(True)
            self.refresh()
            self.ctx.prompts.info(
                self,
                self.title,
                _("Impor #{n} dibatalkan: {p} penerima dan {g} kelompok dihapus.").format(
                    n=batch_id, p=res["people"], g=res["groups"]
                ),
            )

        def failed(exc: BaseException) -> None:
            self.rollback_button.setEnabled(True)
            self.batches_status.setText("")
            self.ctx.prompts.error(self, self.title, describe_error(exc))

        # Removing a batch of thousands of people takes a while: the window stays usable meanwhile.
        self.rollback_button.setEnabled(False)
        self.batches_status.setText(_("Membatalkan impor #{n}…").format(n=batch_id))
        self.ctx.tasks.run(work, on_done=done, on_error=failed)
