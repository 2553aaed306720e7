"""A small dialog to create or edit an aid programme (name, budget year, funding source, ceilings,
total budget, tranche plan, default form of aid)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.domain.money import format_rupiah
from kaltim_desk.i18n import _
from kaltim_desk.models.grant import FUNDING_SOURCES
from kaltim_desk.services.aid import programmes
from kaltim_desk.services.aid.aid_rules import form_labels
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.messages import error_label


class ProgrammeDialog(QDialog):
    def __init__(
        self, ctx: AppContext, programme_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.programme_id = programme_id
        self.saved: programmes.ProgrammeDTO | None = None
        self.setWindowTitle(_("Program bantuan baru") if programme_id is None else _("Ubah program bantuan"))
        self.setMinimumWidth(480)
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.year = QSpinBox()
        self.year.setObjectName("budget_year")
        self.year.setRange(2000, date.today().year + 5)
        self.year.setValue(date.today().year)
        self.source = QComboBox()
        self.source.setObjectName("funding_source")
        self.source.addItems(list(FUNDING_SOURCES))
        self.ceiling_group = QLineEdit()
        self.ceiling_group.setObjectName("ceiling_per_group")
        self.ceiling_group.setPlaceholderText("Rp25.000.000")
        self.ceiling_person = QLineEdit()
        self.ceiling_person.setObjectName("ceiling_per_person")
        self.ceiling_person.setPlaceholderText("Rp5.000.000")
        self.total = QLineEdit()
        self.total.setObjectName("total_budget")
        self.total.setPlaceholderText(_("kosong: tidak dibatasi"))
        self.plan = QLineEdit("50,50")
        self.plan.setObjectName("tranche_plan")
        self.form = QComboBox()
        self.form.setObjectName("aid_form")
        for value, label in form_labels().items():
            self.form.addItem(label, value)
        self.notes = QLineEdit()
        self.message = error_label()
        form = QFormLayout()
        form.addRow(_("Nama program *"), self.name)
        form.addRow(_("Tahun anggaran"), self.year)
        form.addRow(_("Sumber dana"), self.source)
        form.addRow(_("Pagu per kelompok"), self.ceiling_group)
        form.addRow(_("Pagu per orang"), self.ceiling_person)
        form.addRow(_("Total anggaran"), self.total)
        form.addRow(_("Rencana tahap (%)"), self.plan)
        form.addRow(_("Bentuk bantuan"), self.form)
        form.addRow(_("Catatan"), self.notes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Simpan"))
        buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("save")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Batal"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        if programme_id is not None:
            with ctx.read() as s:
                p = programmes.get_programme(s, programme_id)
            self.name.setText(p.name)
            self.year.setValue(p.budget_year)
            self.source.setCurrentText(p.funding_source)
            self.ceiling_group.setText(format_rupiah(p.ceiling_per_group))
            self.ceiling_person.setText(format_rupiah(p.ceiling_per_person))
            self.total.setText(format_rupiah(p.total_budget) if p.total_budget is not None else "")
            self.plan.setText(p.tranche_plan)
            self.form.setCurrentIndex(self.form.findData(p.aid_form))
            self.notes.setText(p.notes)

    def save(self) -> None:
        data = programmes.ProgrammeInput(
            name=self.name.text(),
            budget_year=self.year.value(),
            funding_source=self.source.currentText(),
            ceiling_per_group=self.ceiling_group.text() or "0",
            ceiling_per_person=self.ceiling_person.text() or "0",
            total_budget=self.total.text() or None,
            tranche_plan=self.plan.text(),
            aid_form=self.form.currentData(),
            notes=self.notes.text(),
        )
        try:
            with self.ctx.session() as s:
                if self.programme_id is None:
                    self.saved = programmes.create_programme(s, data)
                else:
                    self.saved = programmes.update_programme(s, self.programme_id, data)
        except Exception as exc:
            self.message.setText(describe_error(exc))
            return
        self.accept()
