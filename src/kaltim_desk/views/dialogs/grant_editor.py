"""The grant editor: propose aid (programme, recipient, form, amount), then follow it through its status
flow. It shows the status, which gate blocks the next step and why, the items (goods) or tranches (cash)
with editing while the grant is still editable, one button per step the actor's role may take (disabled
with the reason while a gate blocks it), and Preview / Save PDF for its documents."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.dto import PageFilter
from kaltim_desk.domain.dates import format_date_id
from kaltim_desk.domain.money import format_rupiah
from kaltim_desk.i18n import _
from kaltim_desk.services.aid import aid_rules as R
from kaltim_desk.services.aid import grants, programmes
from kaltim_desk.services.aid.paper_kinds import GRANT_PAPERS
from kaltim_desk.services.registry import groups, people
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.form_dialog import fit_to_screen
from kaltim_desk.views.widgets.messages import error_label
from kaltim_desk.views.widgets.saved import tell_saved
from kaltim_desk.views.widgets.tables import fit_columns, wrap_lines


def document_kinds() -> list[tuple[str, str]]:
    return [(kind, paper.label()) for kind, paper in GRANT_PAPERS.items()]


def open_in_viewer(path: Path) -> bool:
    """Open a PDF in the system viewer (tests replace `GrantEditor.opener`)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class GrantEditor(QDialog):
    opener: Callable[[Path], Any] = staticmethod(open_in_viewer)  # type: ignore[assignment]

    def __init__(self, ctx: AppContext, grant_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.grant: grants.GrantDTO | None = None
        self.checks: list[grants.StepCheck] = []
        self._checking = 0  # a newer check of the next steps wins over one still running
        self.changed = False
        self.step_buttons: dict[str, QPushButton] = {}
        self.setWindowTitle(_("Bantuan usaha"))
        fit_to_screen(self, 1000, 700)

        # --- proposal (new grant) ---
        self.proposal = QGroupBox(_("Usulan bantuan baru"))
        pf = QFormLayout(self.proposal)
        self.programme = QComboBox()
        self.programme.setObjectName("programme")
        with ctx.read() as s:
            self._programmes = programmes.programme_choices(s)
        for p in self._programmes:
            self.programme.addItem(p.label, p.id)
        self.kind_group = QRadioButton(_("Kelompok (KUBE)"))
        self.kind_group.setObjectName("kind_group")
        self.kind_person = QRadioButton(_("Perorangan"))
        self.kind_person.setObjectName("kind_person")
        self.kind_group.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.kind_group)
        kinds.addButton(self.kind_person)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_group)
        kind_row.addWidget(self.kind_person)
        kind_row.addStretch(1)
        self.recipient_search = QLineEdit()
        self.recipient_search.setObjectName("recipient_search")
        self.recipient_search.setPlaceholderText(_("Ketik nama kelompok atau penerima…"))
        self.recipients = QListWidget()
        self.recipients.setObjectName("recipients")
        self.recipients.setMaximumHeight(110)
        self.recipient_status = QLabel()
        self.recipient_status.setObjectName("recipient_status")
        self._searches = 0  # a newer search wins over one still running
        self.form = QComboBox()
        self.form.setObjectName("form")
        for value, label in R.form_labels().items():
            self.form.addItem(label, value)
        self.amount_new = QLineEdit()
        self.amount_new.setObjectName("amount_new")
        self.amount_new.setPlaceholderText("Rp15.000.000")
        self.create_button = QPushButton(_("Simpan usulan"))
        self.create_button.setObjectName("create")
        self.create_button.clicked.connect(self.create_grant)
        pf.addRow(_("Program"), self.programme)
        pf.addRow(_("Penerima"), kind_row)
        pf.addRow("", self.recipient_search)
        pf.addRow("", self.recipient_status)
        pf.addRow("", self.recipients)
        pf.addRow(_("Bentuk"), self.form)
        pf.addRow(_("Nilai (uang)"), self.amount_new)
        pf.addRow("", self.create_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._search)
        self.recipient_search.textChanged.connect(lambda _t: self._timer.start())
        self.kind_group.toggled.connect(lambda _c: self._search())
        self.programme.currentIndexChanged.connect(self._programme_changed)
        self._programme_changed()

        # --- the grant ---
        self.summary = QGroupBox(_("Bantuan"))
        sf = QFormLayout(self.summary)
        self.recipient_label = QLabel()
        self.recipient_label.setObjectName("recipient")
        self.programme_label = QLabel()
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.number_label = QLabel()
        self.number_label.setObjectName("agreement_number")
        self.amount = QLineEdit()
        self.amount.setObjectName("amount")
        self.plan = QLineEdit()
        self.plan.setObjectName("tranche_plan")
        self.save_amount = QPushButton(_("Simpan nilai dan tahap"))
        self.save_amount.setObjectName("save_amount")
        self.save_amount.clicked.connect(self.save_cash)
        sf.addRow(_("Penerima"), self.recipient_label)
        sf.addRow(_("Program"), self.programme_label)
        sf.addRow(_("Status"), self.status_label)
        sf.addRow(_("No. perjanjian"), self.number_label)
        sf.addRow(_("Nilai"), self.amount)
        sf.addRow(_("Rencana tahap (%)"), self.plan)
        sf.addRow("", self.save_amount)

        self.blockers = QListWidget()
        self.blockers.setObjectName("blockers")
        self.blockers.setMaximumHeight(110)
        wrap_lines(self.blockers)  # a blocker's reason is read whole, on two lines if need be
        self.step_date = QDateEdit(QDate.currentDate())
        self.step_date.setObjectName("step_date")
        self.step_date.setCalendarPopup(True)
        self.step_date.setDisplayFormat("dd-MM-yyyy")
        self.steps_row = QHBoxLayout()
        steps_box = QGroupBox(_("Langkah berikutnya"))
        sl = QVBoxLayout(steps_box)
        sl.addWidget(self.blockers)
        date_row = QHBoxLayout()
        date_row.addWidget(QLabel(_("Tanggal langkah:")))
        date_row.addWidget(self.step_date)
        date_row.addStretch(1)
        sl.addLayout(date_row)
        sl.addLayout(self.steps_row)

        # items (goods) / tranches (cash)
        self.items = QTableWidget(0, 5)
        self.items.setObjectName("items")
        self.items.setHorizontalHeaderLabels(
            [_("Uraian"), _("Jumlah"), _("Satuan"), _("Harga satuan"), _("Nilai")]
        )
        fit_columns(self.items, stretch=0)
        self.add_item = QPushButton(_("Tambah baris"))
        self.add_item.setObjectName("add_item")
        self.add_item.clicked.connect(lambda: self.items.insertRow(self.items.rowCount()))
        self.remove_item = QPushButton(_("Hapus baris"))
        self.remove_item.clicked.connect(self._remove_item_row)
        self.save_items = QPushButton(_("Simpan daftar barang"))
        self.save_items.setObjectName("save_items")
        self.save_items.clicked.connect(self.save_goods)
        self.items_box = QGroupBox(_("Daftar barang"))
        il = QVBoxLayout(self.items_box)
        il.addWidget(self.items)
        ib = QHBoxLayout()
        for b in (self.add_item, self.remove_item, self.save_items):
            ib.addWidget(b)
        ib.addStretch(1)
        il.addLayout(ib)
        self.tranches = QTableWidget(0, 6)
        self.tranches.setObjectName("tranches")
        self.tranches.setHorizontalHeaderLabels(
            [_("Tahap"), _("Porsi"), _("Rencana"), _("Dibayar"), _("Tanggal"), _("Referensi / kuitansi")]
        )
        self.tranches.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        fit_columns(self.tranches, stretch=5)
        self.tranches.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.tranches_box = QGroupBox(_("Tahap pembayaran"))
        QVBoxLayout(self.tranches_box).addWidget(self.tranches)

        # documents
        self.doc_kind = QComboBox()
        self.doc_kind.setObjectName("doc_kind")
        for value, label in document_kinds():
            self.doc_kind.addItem(label, value)
        self.preview_button = QPushButton(_("Pratinjau"))
        self.preview_button.setObjectName("preview")
        self.preview_button.clicked.connect(self.preview)
        self.save_pdf_button = QPushButton(_("Cetak / simpan PDF…"))
        self.save_pdf_button.setObjectName("save_pdf")
        self.save_pdf_button.clicked.connect(self.save_pdf)
        docs_box = QGroupBox(_("Dokumen"))
        dl = QHBoxLayout(docs_box)
        dl.addWidget(self.doc_kind, 1)
        dl.addWidget(self.preview_button)
        dl.addWidget(self.save_pdf_button)
        if not ctx.can("grant.print"):
            docs_box.hide()
        self.docs_box = docs_box

        self.history = QListWidget()
        self.history.setObjectName("history")
        self.history.setMaximumHeight(90)
        wrap_lines(self.history)

        self.message = error_label()
        close = QPushButton(_("Tutup"))
        close.clicked.connect(self.accept)

        left = QVBoxLayout()
        left.addWidget(self.proposal)
        left.addWidget(self.summary)
        left.addWidget(steps_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.items_box, 1)
        right.addWidget(self.tranches_box, 1)
        right.addWidget(docs_box)
        right.addWidget(QLabel(_("Riwayat status")))
        right.addWidget(self.history)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)
        self.steps_box = steps_box

        if grant_id is not None:
            self._reload(grant_id)
        else:
            self._show_new()

    # --- state ---------------------------------------------------------------------------------------
    def _show_new(self) -> None:
        self.proposal.setVisible(True)
        for w in (self.summary, self.steps_box, self.items_box, self.tranches_box, self.docs_box):
            w.setVisible(False)
        if not self.ctx.can("grant.create"):
            self.create_button.setEnabled(False)
            self.message.setText(_("Peran Anda tidak dapat mengusulkan bantuan."))
        if not self._programmes:
            self.create_button.setEnabled(False)
            self.message.setText(_("Belum ada program bantuan: buat program dulu (tombol Program)."))

    def _programme_changed(self) -> None:
        pid = self.programme.currentData()
        p = next((x for x in self._programmes if x.id == pid), None)
        if p is not None:
            self.form.setCurrentIndex(self.form.findData(p.aid_form))

    def _search(self) -> None:
        """Find the recipient in the background (the registry may hold 1,000,000 people); the list keeps
        the previous matches until the new ones are in, and a newer search wins over an older one."""
        text = self.recipient_search.text().strip()
        self._searches += 1
        if len(text) < 2:
            self.recipients.clear()
            self.recipient_status.setText("")
            return
        gen, ctx, group = self._searches, self.ctx, self.kind_group.isChecked()

        def work(_state: Any) -> tuple[int, list[tuple[int, str]]]:
            with ctx.read() as s:
                if group:
                    rows = groups.page_groups(s, PageFilter(text=text), "name", False, 0, 30)
                    return gen, [
                        (r.id, f"{r.name} — {r.village_name} ({r.member_count} anggota, {r.status})")
                        for r in rows
                    ]
                prow = people.page_people(s, PageFilter(text=text, status="active"), "name", False, 0, 30)
                return gen, [(r.id, f"{r.name} — {r.village_name}") for r in prow]

        def failed(exc: BaseException) -> None:
            if gen == self._searches:
                self.recipient_status.setText(describe_error(exc))

        self.recipient_status.setText(_("Mencari…"))
        self.ctx.tasks.run(work, on_done=self._show_found, on_error=failed)

    def _show_found(self, result: tuple[int, list[tuple[int, str]]]) -> None:
        gen, labels = result
        if gen != self._searches:
            return
        self.recipients.clear()
        self.recipient_status.setText("" if labels else _("Tidak ada yang cocok."))
        for rid, label in labels:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, rid)
            self.recipients.addItem(item)
        if self.recipients.count():
            self.recipients.setCurrentRow(0)

    def _reload(self, grant_id: int) -> None:
        with self.ctx.read() as s:
            self.grant = g = grants.get_grant(s, grant_id)  # one record: at once
        labels = R.status_labels()
        self.proposal.setVisible(False)
        self.summary.setVisible(True)
        self.steps_box.setVisible(True)
        self.docs_box.setVisible(self.ctx.can("grant.print"))
        kind = _("Kelompok") if g.recipient_kind == "group" else _("Perorangan")
        self.setWindowTitle(_("Bantuan #{id} — {name}").format(id=g.id, name=g.recipient_name))
        self.recipient_label.setText(f"{g.recipient_name} ({kind}, {R.form_labels()[g.form]})")
        self.programme_label.setText(g.programme_label)
        status = labels.get(g.status, g.status)
        if g.status_reason:
            status += f" — {g.status_reason}"
        self.status_label.setText(status)
        self.number_label.setText(g.agreement_number or "-")
        editable = g.status in R.EDITABLE_STATUSES and self.ctx.can("grant.edit")
        self.amount.setText(format_rupiah(g.amount))
        self.amount.setReadOnly(not (editable and g.form == "cash"))
        self.plan.setText(",".join(str(t.planned_share_pct) for t in g.tranches))
        self.plan.setReadOnly(not (editable and g.form == "cash"))
        self.plan.setVisible(g.form == "cash")
        self.save_amount.setVisible(editable and g.form == "cash")
        # items / tranches
        self.items_box.setVisible(g.form == "goods")
        self.tranches_box.setVisible(g.form == "cash")
        self.items.setRowCount(len(g.items))
        for row, item in enumerate(g.items):
            for col, value in enumerate(
                (
                    item.description,
                    str(item.quantity),
                    item.unit,
                    format_rupiah(item.unit_price),
                    format_rupiah(item.line_total),
                )
            ):
                cell = QTableWidgetItem(value)
                if col == 4 or not editable:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.items.setItem(row, col, cell)
        for w in (self.add_item, self.remove_item, self.save_items):
            w.setVisible(editable)
        self.tranches.setRowCount(len(g.tranches))
        for row, t in enumerate(g.tranches):
            values = (
                str(t.seq),
                f"{t.planned_share_pct}%",
                format_rupiah(t.planned_amount),
                format_rupiah(t.paid_amount) if t.paid_amount is not None else "-",
                format_date_id(t.paid_on) if t.paid_on else _("belum"),
                " / ".join(x for x in (t.bank_reference or "", t.receipt_number or "") if x),
            )
            for col, value in enumerate(values):
                self.tranches.setItem(row, col, QTableWidgetItem(value))
        self.history.clear()
        for h in g.history:
            line = f"{h.at:%d-%m-%Y %H:%M}  {labels.get(h.to_status, h.to_status)}  ({h.actor})"
            if h.reason:
                line += f" — {h.reason}"
            self.history.addItem(line)
        self._check_steps(grant_id)

    def _check_steps(self, grant_id: int) -> None:
        """What blocks each next step is checked in the background: the checks look across every grant
        of the office (double aid, open visits), which on a province database takes a while. Until
        they come, no step button is offered and the list says the checks are running."""
        self._checking += 1
        gen, ctx = self._checking, self.ctx
        self.checks = []
        self.blockers.clear()
        self.blockers.addItem(QListWidgetItem(_("Memeriksa syarat langkah berikutnya…")))
        self._clear_step_buttons()

        def work(_state: Any) -> tuple[int, list[grants.StepCheck]]:
            with ctx.read() as s:
                return gen, list(grants.step_checks(s, grant_id))

        def failed(exc: BaseException) -> None:
            if gen == self._checking:
                self.blockers.clear()
                self.message.setText(describe_error(exc))

        self.ctx.tasks.run(work, on_done=self._steps_checked, on_error=failed)

    def _steps_checked(self, result: tuple[int, list[grants.StepCheck]]) -> None:
        gen, checks = result
        if gen != self._checking:
            return  # the grant changed meanwhile: a newer check is on its way
        self.checks = checks
        self.blockers.clear()
        for c in self.checks:
            if c.ok:
                ok = QListWidgetItem(_("✔ {step}: dapat dilakukan").format(step=c.label))
                ok.setForeground(Qt.GlobalColor.darkGreen)
                self.blockers.addItem(ok)
            for reason in c.reasons:
                blocked = QListWidgetItem(f"✘ {c.label}: {reason}")
                blocked.setForeground(Qt.GlobalColor.red)
                self.blockers.addItem(blocked)
        if not self.checks:
            self.blockers.addItem(QListWidgetItem(_("Tidak ada langkah lanjutan.")))
        self._rebuild_step_buttons()

    def _clear_step_buttons(self) -> None:
        while self.steps_row.count():
            taken = self.steps_row.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.step_buttons = {}

    def _rebuild_step_buttons(self) -> None:
        self._clear_step_buttons()
        g = self.grant
        if g is None:
            return
        blocked = {c.target: c for c in self.checks}
        for t in R.allowed_transitions(self.ctx.actor.role, g.status, g.form):
            if t.target in self.step_buttons:
                continue
            check = blocked.get(t.target)
            if t.action == "grant.disburse" and g.form == "cash":
                if check is None:
                    continue  # only the arrow the next payment takes
                label = check.label
            else:
                label = t.label
            button = QPushButton(_(label))
            button.setObjectName(f"step_{t.target}")
            if check is not None and check.reasons:
                button.setEnabled(False)
                button.setToolTip("\n".join(check.reasons))
            button.clicked.connect(lambda _c=False, tr=t: self.take_step(tr))
            self.steps_row.addWidget(button)
            self.step_buttons[t.target] = button
        self.steps_row.addStretch(1)

    # --- actions -------------------------------------------------------------------------------------
    def _run(self, op: Callable[[Any], Any]) -> bool:
        self.message.setText("")
        try:
            with self.ctx.session() as s:
                result = op(s)
        except Exception as exc:
            self.message.setText(describe_error(exc))
            if self.grant is not None:
                self._reload(self.grant.id)
            return False
        self.changed = True
        gid = result.id if isinstance(result, grants.GrantDTO) else self.grant.id if self.grant else None
        if gid is not None:
            self._reload(gid)
        return True

    def create_grant(self) -> None:
        item = self.recipients.currentItem()
        if item is None:
            self.message.setText(_("Pilih penerima dari daftar hasil pencarian."))
            return
        rid = int(item.data(Qt.ItemDataRole.UserRole))
        group = self.kind_group.isChecked()
        data = grants.GrantInput(
            programme_id=self.programme.currentData(),
            group_id=rid if group else None,
            person_id=None if group else rid,
            form=self.form.currentData(),
            amount=self.amount_new.text(),
        )
        self._run(lambda s: grants.create_grant(s, data))

    def save_cash(self) -> None:
        g = self.grant
        if g is None:
            return

        def op(s: Any) -> grants.GrantDTO:
            dto = grants.update_amount(s, g.id, g.version, self.amount.text())
            if self.plan.text().strip() != ",".join(str(t.planned_share_pct) for t in dto.tranches):
                dto = grants.set_tranche_plan(s, g.id, dto.version, self.plan.text())
            return dto

        self._run(op)

    def _remove_item_row(self) -> None:
        row = self.items.currentRow()
        if row >= 0:
            self.items.removeRow(row)

    def save_goods(self) -> None:
        g = self.grant
        if g is None:
            return
        rows = []
        for r in range(self.items.rowCount()):
            cells = [cell.text() if (cell := self.items.item(r, c)) else "" for c in range(4)]
            if not any(x.strip() for x in cells):
                continue
            rows.append(grants.ItemInput(cells[0], cells[1], cells[2], cells[3]))
        self._run(lambda s: grants.set_items(s, g.id, g.version, rows))

    def take_step(self, t: R.Transition) -> None:
        g = self.grant
        if g is None:
            return
        qd = self.step_date.date()
        on = date(qd.year(), qd.month(), qd.day())
        reason = ""
        if t.needs_reason:
            reason = self.ctx.prompts.ask_text(self, _(t.label), _("Alasan:")) or ""
            if not reason.strip():
                return
        seq = g.next_tranche.seq if g.next_tranche else 0
        ref: str | None = ""
        if t.action == "grant.disburse" and g.form == "cash":
            if not seq:
                return
            ref = self.ctx.prompts.ask_text(
                self, _("Pembayaran tahap {n}").format(n=seq), _("Referensi bank / SP2D (boleh kosong):")
            )
            if ref is None:
                return
            amount = g.next_tranche.planned_amount if g.next_tranche else 0
            # Money leaves the office: the amount, the recipient and the date are read back first.
            if (
                self.ctx.prompts.choose(
                    self,
                    _("Pembayaran tahap {n}").format(n=seq),
                    _("Catat pembayaran tahap {n} sebesar {amount} kepada {recipient} pada {date}?").format(
                        n=seq,
                        amount=format_rupiah(amount),
                        recipient=g.recipient_name,
                        date=format_date_id(on),
                    ),
                    [_("Catat pembayaran"), _("Jangan catat")],
                )
                != 0
            ):
                return

        def op(s: Any) -> grants.GrantDTO:
            return grants.take_step(
                s, g.id, t, on=on, reason=reason, bank_reference=ref or "", version=g.version
            )

        self._run(op)

    # --- documents -----------------------------------------------------------------------------------
    def _selected_tranche(self) -> int | None:
        rows = self.tranches.selectionModel().selectedRows() if self.tranches.selectionModel() else []
        if rows and self.grant is not None:
            return self.grant.tranches[rows[0].row()].seq
        return None

    def _render(self, out: Path) -> Path | None:
        from kaltim_desk.services.aid.printing import print_grant_document_job

        assert self.grant is not None
        self.message.setText("")
        warnings: list[str] = []
        try:
            path = print_grant_document_job(
                self.ctx.db,
                self.ctx.actor,
                self.doc_kind.currentData(),
                self.grant.id,
                out,
                tranche=self._selected_tranche(),
                warnings=warnings,
            )
        except Exception as exc:
            self.message.setText(describe_error(exc))
            return None
        if warnings:  # e.g. the logo did not print: the officer should know before signing
            self.message.setText(_("Perhatian: {text}").format(text=" ".join(warnings)))
        self.changed = True
        self._reload(self.grant.id)  # the first print issues the agreement number
        return path

    def suggested_name(self) -> str:
        assert self.grant is not None
        kind = self.doc_kind.currentData()
        return f"{kind}-{self.grant.id:05d}.pdf"

    def preview(self) -> Path | None:
        if self.grant is None:
            return None
        folder = Path(tempfile.mkdtemp(prefix="kaltim-pratinjau-"))
        path = self._render(folder / self.suggested_name())
        if path is not None and not type(self).opener(path):
            # no PDF viewer opened: say so and where the preview is, rather than nothing happening
            tell_saved(
                self.ctx,
                self,
                _("Pratinjau"),
                _("Tidak ada penampil PDF yang terbuka. Pratinjau disimpan di {path}.").format(path=path),
                path,
            )
        return path

    def save_pdf(self) -> Path | None:
        if self.grant is None:
            return None
        target = self.ctx.prompts.save_file(self, _("Simpan PDF"), self.suggested_name(), "PDF (*.pdf)")
        if target is None:
            return None
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        path = self._render(target)
        if path is not None:
            tell_saved(self.ctx, self, _("Dokumen"), _("Disimpan ke {path}").format(path=path), path)
        return path

    def blocker_lines(self) -> list[str]:
        return [self.blockers.item(i).text() for i in range(self.blockers.count())]
