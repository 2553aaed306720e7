"""The import wizard: pick a file (or download the template to fill in) -> the sheet holding the list is
chosen by its content; when two sheets are equally likely the wizard asks -> confirm or correct the
header row and the column mapping (presets, the same ones `kaltim-desk import --preset` uses) -> preview
every row with its problems and warnings -> import only the rows kept ticked.

Opening the file, reading a sheet, validating and committing run through `ctx.tasks` (a background
thread in the app, at once in tests), never on the GUI thread: a hostile or huge file keeps the window
alive, shows progress and can be cancelled ("Batal"). Nothing is stored before "Impor" is pressed, and
the import is one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.errors import DomainError
from kaltim_desk.domain.nik import mask_nik
from kaltim_desk.i18n import _
from kaltim_desk.imports import mapping as mp
from kaltim_desk.imports.reader import OpenedWorkbook, SheetGrid, col_letter
from kaltim_desk.services.excel import imports
from kaltim_desk.services.excel.import_cells import WARNING_LABELS
from kaltim_desk.tasks import TaskCancelled, TaskState
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.form_dialog import fit_to_screen
from kaltim_desk.views.widgets.inputs import password_edit

IGNORE = ""


def status_labels() -> dict[str, str]:
    return {
        "ok": _("Siap diimpor"),
        "exists": _("Sudah ada"),
        "skipped": _("Dilewati"),
        "rejected": _("Ditolak"),
    }


def field_choices() -> list[tuple[str, str]]:
    return [(IGNORE, _("(abaikan)"))] + [(k, _(label)) for k, (label, _s) in mp.FIELDS.items()]


class ImportWizard(QDialog):
    STEP_FILE, STEP_MAPPING, STEP_PREVIEW = 0, 1, 2

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.workbook: OpenedWorkbook | None = None
        self.grid: SheetGrid | None = None
        self.preview: imports.ImportPreview | None = None
        self.result: Any = None
        self.state: TaskState | None = None  # the running task, for "Batal"
        self._running: object | None = None
        self.setWindowTitle(_("Impor penerima dari Excel"))
        fit_to_screen(self, 1000, 640)

        # step 1: file
        self.path = QLineEdit()
        self.path.setObjectName("path")
        self.path.setReadOnly(True)
        self.browse = QPushButton(_("Pilih berkas…"))
        self.browse.setObjectName("browse")
        self.browse.clicked.connect(self.choose_file)
        self.password = password_edit("password")
        self.password.setPlaceholderText(_("hanya bila berkas dilindungi kata sandi"))
        file_page = QWidget()
        form = QFormLayout(file_page)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        form.addRow(_("Berkas Excel (.xlsx)"), row)
        form.addRow(_("Kata sandi berkas"), self.password)
        form.addRow(
            QLabel(_("Berkas dibaca dan diperiksa dulu; belum ada yang disimpan sampai Anda menekan Impor."))
        )
        self.template_button = QPushButton(_("Unduh templat…"))
        self.template_button.setObjectName("download_template")
        self.template_button.setToolTip(
            _(
                "Templat Excel untuk diisi kantor/desa: kolom NIK berformat teks, daftar pilihan jabatan dan desa."
            )
        )
        self.template_button.clicked.connect(self.download_template)
        form.addRow(_("Belum punya daftar?"), self.template_button)

        # step 2: sheet, header row, mapping
        self.sheet = QComboBox()
        self.sheet.setObjectName("sheet")
        self.header_row = QSpinBox()
        self.header_row.setObjectName("header_row")
        self.header_row.setRange(1, 30)
        self.preset = QComboBox()
        self.preset.setObjectName("preset")
        self.save_preset_button = QPushButton(_("Simpan sebagai preset…"))
        self.save_preset_button.setObjectName("save_preset")
        self.save_preset_button.clicked.connect(self.save_preset)
        self.mapping_table = QTableWidget(0, 4)
        self.mapping_table.setObjectName("mapping")
        self.mapping_table.setHorizontalHeaderLabels(
            [_("Kolom"), _("Judul di berkas"), _("Dipetakan ke"), _("Contoh isi")]
        )
        self.mapping_table.verticalHeader().hide()
        for col, width in ((0, 60), (1, 240), (2, 220)):
            self.mapping_table.setColumnWidth(col, width)
        self.mapping_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        map_page = QWidget()
        ml = QVBoxLayout(map_page)
        top = QFormLayout()
        top.addRow(_("Lembar"), self.sheet)
        top.addRow(_("Baris judul kolom"), self.header_row)
        prow = QHBoxLayout()
        prow.addWidget(self.preset, 1)
        prow.addWidget(self.save_preset_button)
        top.addRow(_("Preset"), prow)
        ml.addLayout(top)
        self.sheet_note = QLabel()
        self.sheet_note.setObjectName("sheet_note")
        self.sheet_note.setWordWrap(True)
        self.sheet_note.hide()
        ml.addWidget(self.sheet_note)
        ml.addWidget(QLabel(_("Periksa pemetaan kolom; ubah bila ada yang keliru. NIK dan Nama wajib.")))
        ml.addWidget(self.mapping_table, 1)
        self.sheet.currentIndexChanged.connect(lambda _i: self._load_sheet())
        self.preset.currentIndexChanged.connect(lambda _i: self._detect())
        self.header_row.valueChanged.connect(lambda _v: self._fill_mapping_from_row())

        # step 3: preview
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.rows_table = QTableWidget(0, 5)
        self.rows_table.setObjectName("rows")
        self.rows_table.setHorizontalHeaderLabels(
            [_("Baris"), _("Status"), _("Nama"), _("NIK"), _("Keterangan")]
        )
        self.rows_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.rows_table.verticalHeader().hide()
        for col, width in ((0, 70), (1, 100), (2, 200), (3, 150)):
            self.rows_table.setColumnWidth(col, width)
        self.report_button = QPushButton(_("Simpan laporan masalah…"))
        self.report_button.setObjectName("save_report")
        self.report_button.clicked.connect(self.save_report)
        prev_page = QWidget()
        pl = QVBoxLayout(prev_page)
        pl.addWidget(self.summary)
        pl.addWidget(self.details)
        pl.addWidget(self.rows_table, 1)
        pl.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.stack = QStackedWidget()
        for w in (file_page, map_page, prev_page):
            self.stack.addWidget(w)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.hide()
        self.back_button = QPushButton(_("Kembali"))
        self.back_button.setObjectName("back")
        self.next_button = QPushButton(_("Lanjut"))
        self.next_button.setObjectName("next")
        self.import_button = QPushButton(_("Impor"))
        self.import_button.setObjectName("import")
        self.close_button = QPushButton(_("Tutup"))
        self.close_button.setObjectName("close")
        self.cancel_button = QPushButton(_("Batal"))
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.import_button.clicked.connect(self.commit)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)
        for b in (self.back_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # --- navigation ----------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        step = self.stack.currentIndex()
        self.back_button.setEnabled(step > 0)
        self.next_button.setVisible(step < self.STEP_PREVIEW)
        ready = bool(self.path.text()) if step == self.STEP_FILE else bool(self.sheet.currentData())
        self.next_button.setEnabled(ready)
        ok = bool(self.preview and self.preview.counts["ok"]) and self.result is None
        self.import_button.setVisible(step == self.STEP_PREVIEW)
        self.import_button.setEnabled(ok)

    def back(self) -> None:
        self.stack.setCurrentIndex(max(0, self.stack.currentIndex() - 1))
        self._update_buttons()

    def next(self) -> None:
        step = self.stack.currentIndex()
        if step == self.STEP_FILE:
            self.open_workbook()
        elif step == self.STEP_MAPPING:
            self.run_preview()

    def _run(self, work: Any, on_done: Any) -> None:
        """Run `work(state)` in the task runner with the progress bar and "Batal" shown. Only the
        latest task's outcome counts: one superseded (another sheet chosen) is dropped."""
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.next_button.setEnabled(False)
        self._running = token = object()

        def done(result: Any) -> None:
            if self._running is token:
                self._finish()
                on_done(result)

        def failed(exc: BaseException) -> None:
            if self._running is token:
                self._fail(exc)

        state = self.ctx.tasks.run(work, on_done=done, on_error=failed, on_progress=self._on_progress)
        if self._running is token:  # still running (a runner that did not run it at once)
            self.state = state

    def _finish(self) -> None:
        self._running = None
        self.state = None
        self.progress.hide()
        self.cancel_button.hide()
        self._update_buttons()

    def cancel(self) -> None:
        """Stop the running read or check; the wizard stays where it was."""
        if self.state is not None:
            self.state.cancel()

    def reject(self) -> None:
        self.cancel()
        super().reject()

    def _fail(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, TaskCancelled) or (isinstance(exc, DomainError) and exc.code == "cancelled"):
            return  # the user asked for it: nothing to explain
        self.ctx.prompts.error(self, _("Impor"), describe_error(exc))

    def _on_progress(self, done: int, total: int, _text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    # --- step 1 --------------------------------------------------------------------------------------
    def choose_file(self) -> None:
        path = self.ctx.prompts.open_file(self, _("Pilih berkas Excel"), _("Buku kerja Excel (*.xlsx)"))
        if path:
            self.path.setText(str(path))
        self._update_buttons()

    def open_workbook(self) -> None:
        path, password = Path(self.path.text()), self.password.text() or None

        def work(state: TaskState) -> tuple[OpenedWorkbook, Any, SheetGrid | DomainError | None]:
            wb = imports.open_file(path, password, progress=state.progress, is_cancelled=state.is_cancelled)
            try:
                choice: Any = imports.sheet_choice(wb, None, state.is_cancelled)
            except imports.SheetAmbiguous as exc:
                return wb, exc, None  # two sheets equally likely: the clerk is asked
            return wb, choice, self._read_sheet(wb, choice.chosen, state)

        self._run(work, self._opened)

    @staticmethod
    def _read_sheet(wb: OpenedWorkbook, name: str, state: TaskState) -> SheetGrid | DomainError:
        """In the task: the sheet, or why it can not be read (the workbook stays open for another)."""
        try:
            return wb.sheet(name, is_cancelled=state.is_cancelled)
        except DomainError as exc:
            if exc.code == "cancelled":
                raise
            return exc

    def _opened(self, opened: tuple[OpenedWorkbook, Any, SheetGrid | DomainError | None]) -> None:
        wb, choice, grid = opened
        self.workbook = wb
        self.preset.blockSignals(True)
        self.preset.clear()
        self.preset.addItem(_("(deteksi otomatis)"), "")
        with self.ctx.read() as s:
            for name in sorted(imports.load_presets(s)):
                self.preset.addItem(name, name)
        self.preset.blockSignals(False)
        self.sheet.blockSignals(True)
        self.sheet.clear()
        for name in wb.sheet_names:
            if not name.startswith("_"):
                self.sheet.addItem(name, name)
        if isinstance(choice, imports.SheetAmbiguous):
            # two sheets equally likely: ask, never guess
            first = ""
            self.sheet.insertItem(0, _("(pilih lembar)"), "")
            names = ", ".join(
                _("'{name}' ({n} baris ber-NIK)").format(name=s.name, n=s.nik_rows) for s in choice.top
            )
            self.sheet_note.setText(
                _(
                    "Beberapa lembar sama-sama berisi daftar penerima: {names}. Pilih lembar yang diimpor."
                ).format(names=names)
            )
            self.sheet_note.show()
        else:
            first, notes = choice.chosen, choice.notes()
            self.sheet_note.setText("\n".join(_("Lembar lain: {note}").format(note=n) for n in notes))
            self.sheet_note.setVisible(bool(notes))
        self.sheet.setCurrentIndex(max(0, self.sheet.findData(first)))
        self.sheet.blockSignals(False)
        self.stack.setCurrentIndex(self.STEP_MAPPING)
        self._update_buttons()
        if grid is None:  # no sheet chosen yet: the clerk picks one
            self.mapping_table.setRowCount(0)
        elif self.sheet.currentData() == first:
            self._sheet_read(first, grid)
        else:  # the sheet chosen is not offered (a hidden one): read the one shown
            self._load_sheet()

    def download_template(self) -> None:
        target = self.ctx.prompts.save_file(
            self, _("Simpan templat impor"), "templat-impor-penerima.xlsx", _("Buku kerja Excel (*.xlsx)")
        )
        if not target:
            return
        ctx = self.ctx

        def work(_state: Any) -> None:
            with ctx.read() as s:
                imports.write_template(s, target)

        def written(_result: None) -> None:
            self.ctx.prompts.info(
                self,
                _("Templat impor"),
                _(
                    "Templat disimpan di {path}. Isi lembar 'Data Penerima', lalu impor berkasnya di sini."
                ).format(path=target),
            )

        self._run(work, written)  # writing the workbook (openpyxl) takes a moment

    # --- step 2 --------------------------------------------------------------------------------------
    def _load_sheet(self) -> None:
        self._update_buttons()
        if self.workbook is None or not self.sheet.currentData():
            self.mapping_table.setRowCount(0)
            return
        wb, name = self.workbook, self.sheet.currentData()
        self.cancel()  # a sheet chosen before: its read is no longer wanted
        self._run(lambda state: (name, self._read_sheet(wb, name, state)), lambda got: self._sheet_read(*got))

    def _sheet_read(self, name: str, grid: SheetGrid | DomainError) -> None:
        if name != self.sheet.currentData():
            return  # the user has chosen another sheet meanwhile
        if isinstance(grid, DomainError):
            self.grid = None
            self.mapping_table.setRowCount(0)
            self._fail(grid)
            return
        self.grid = grid
        self._detect()

    def _detect(self) -> None:
        if self.grid is None:
            return
        preset = None
        if self.preset.currentData():
            with self.ctx.read() as s:
                preset = imports.load_presets(s).get(self.preset.currentData())
        guess = imports.guess_mapping(self.grid, preset)
        self.header_row.blockSignals(True)
        self.header_row.setValue((guess.row if guess else 0) + 1)
        self.header_row.blockSignals(False)
        self._fill_mapping(guess)

    def _fill_mapping_from_row(self) -> None:
        if self.grid is None:
            return
        self._fill_mapping(mp.header_at(self.grid.rows, self.header_row.value() - 1))

    def _fill_mapping(self, guess: mp.HeaderGuess | None) -> None:
        assert self.grid is not None
        r = guess.row if guess else self.header_row.value() - 1
        row = self.grid.rows[r] if r < len(self.grid.rows) else []
        width = max(len(row), max(guess.headers, default=-1) + 1 if guess else 0)
        self.mapping_table.setRowCount(width)
        choices = field_choices()
        for c in range(width):
            self.mapping_table.setItem(c, 0, QTableWidgetItem(col_letter(c)))
            text = guess.headers.get(c) if guess and c in guess.headers else (row[c] if c < len(row) else "")
            self.mapping_table.setItem(c, 1, QTableWidgetItem("" if text is None else str(text)))
            combo = QComboBox()
            for key, label in choices:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(guess.mapping.get(c, IGNORE) if guess else IGNORE)))
            self.mapping_table.setCellWidget(c, 2, combo)
            below = [rw for rw in self.grid.rows[r + 1 : r + 8] if not mp.is_column_number_row(rw)]
            sample = next((rw[c] for rw in below if c < len(rw) and rw[c] not in ("", None)), "")
            self.mapping_table.setItem(c, 3, QTableWidgetItem(self._sample_text(c, sample, guess)))

    @staticmethod
    def _sample_text(column: int, value: object, guess: mp.HeaderGuess | None) -> str:
        """An example value under the header, so the user can check the mapping; NIK/KK masked."""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value)
        field = guess.mapping.get(column) if guess else None
        if field in ("nik", "kk_number") and len(text) >= 8:
            return mask_nik(text)
        return text[:60]

    def current_mapping(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for c in range(self.mapping_table.rowCount()):
            combo = self.mapping_table.cellWidget(c, 2)
            if isinstance(combo, QComboBox) and combo.currentData():
                out[c] = combo.currentData()
        return out

    def set_field(self, column: int, field: str) -> None:
        """Map `column` to `field` (what a user does with the combo box in that row)."""
        combo = self.mapping_table.cellWidget(column, 2)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(field))

    def save_preset(self) -> None:
        name = self.ctx.prompts.ask_text(self, _("Simpan preset"), _("Nama preset:"))
        if not name:
            return
        headers = {}
        for c, f in self.current_mapping().items():
            item = self.mapping_table.item(c, 1)
            headers[(item.text() if item else "") or col_letter(c)] = f
        try:
            with self.ctx.session() as s:
                imports.save_preset(s, name, headers, header_row=self.header_row.value() - 1)
        except Exception as exc:
            self._fail(exc)
            return
        if self.preset.findData(name) < 0:
            self.preset.addItem(name, name)
        self.ctx.prompts.info(self, _("Preset"), _("Preset '{name}' disimpan.").format(name=name))

    # --- step 3 --------------------------------------------------------------------------------------
    def run_preview(self) -> None:
        if self.workbook is None:
            return
        wb, sheet = self.workbook, self.sheet.currentData()
        mapping, header_row = self.current_mapping(), self.header_row.value() - 1
        ctx = self.ctx

        def work(state: Any) -> imports.ImportPreview:
            with ctx.db.read_session(ctx.actor) as s:
                return imports.preview_import(
                    s,
                    wb.path,
                    sheet=sheet,
                    mapping=mapping,
                    header_row=header_row,
                    workbook=wb,
                    progress=state.progress,
                    is_cancelled=state.is_cancelled,
                )

        self._run(work, self._previewed)

    def _previewed(self, preview: imports.ImportPreview) -> None:
        self.preview = preview
        self.result = None
        c = preview.counts
        self.summary.setText(
            _(
                "{read} baris dibaca: {ok} siap diimpor, {exists} sudah ada, {skipped} dilewati, {rejected} ditolak."
            ).format(**{k: v for k, v in c.items()})
        )
        details = []
        if preview.warnings:
            details.append(
                _("{n} peringatan (baris tetap diimpor): {kinds}.").format(
                    n=len(preview.warnings),
                    kinds=", ".join(
                        f"{n} x {WARNING_LABELS.get(k, k)}" for k, n in preview.warning_counts().items()
                    ),
                )
            )
        if preview.unmapped:
            details.append(
                _("Kolom berisi yang tidak dipakai: {cols}.").format(cols=", ".join(preview.unmapped_lines()))
            )
        details += [_("Lembar lain: {note}").format(note=n) for n in preview.sheet_notes]
        self.details.setText("\n".join(details))
        self.details.setVisible(bool(details))
        labels = status_labels()
        self.rows_table.setRowCount(len(preview.rows))
        for i, r in enumerate(preview.rows):
            item = QTableWidgetItem(str(r.row))
            if r.status == "ok":
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            self.rows_table.setItem(i, 0, item)
            self.rows_table.setItem(i, 1, QTableWidgetItem(labels[r.status]))
            self.rows_table.setItem(i, 2, QTableWidgetItem(r.person.name if r.person else ""))
            self.rows_table.setItem(
                i, 3, QTableWidgetItem(mask_nik(r.person.nik) if r.person and r.person.nik else "")
            )
            detail = r.reason if r.status != "ok" else r.warning_text
            self.rows_table.setItem(i, 4, QTableWidgetItem(detail))
        self.stack.setCurrentIndex(self.STEP_PREVIEW)
        self._update_buttons()

    def selected_rows(self) -> set[int]:
        out = set()
        for i in range(self.rows_table.rowCount()):
            item = self.rows_table.item(i, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.add(int(item.text()))
        return out

    def save_report(self) -> None:
        if self.preview is None:
            return
        target = self.ctx.prompts.save_file(
            self,
            _("Simpan laporan masalah"),
            f"masalah-{self.preview.file.stem}.xlsx",
            _("Buku kerja Excel (*.xlsx)"),
        )
        if not target:
            return
        try:
            imports.write_problem_report(self.preview, target)
        except Exception as exc:
            self._fail(exc)
            return
        self.ctx.prompts.info(
            self, _("Laporan masalah"), _("Laporan disimpan di {path}.").format(path=target)
        )

    def commit(self) -> None:
        if self.preview is None:
            return
        selected = self.selected_rows()
        if not selected:
            self.ctx.prompts.error(self, _("Impor"), _("Tidak ada baris yang dipilih untuk diimpor."))
            return
        if not self.ctx.prompts.confirm(
            self,
            _("Impor"),
            _("Impor {n} baris yang dipilih? Semuanya disimpan sekaligus.").format(n=len(selected)),
        ):
            return
        preview, ctx = self.preview, self.ctx

        def work(_state: Any) -> Any:
            return imports.commit_import_job(ctx.db, ctx.actor, preview, selected)

        self.ctx.tasks.run(work, on_done=self._committed, on_error=self._fail)

    def _committed(self, result: Any) -> None:
        self.result = result
        text = result.message
        extra = result.late_rejections + result.warnings
        if extra:
            text += "\n" + "\n".join(_("Baris {row}: {msg}").format(row=r, msg=m) for r, m in extra[:20])
        self.summary.setText(text)
        self.ctx.prompts.info(self, _("Impor selesai"), text)
        self._update_buttons()
        self.accept()
