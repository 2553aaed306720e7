"""The person form: every field with its own inline message, the NIK decoded while it is typed, and
the service's verdict (duplicate NIK, bad KK, unknown village...) shown next to the field it concerns."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.dto import BUSINESS_TYPES, PersonDTO, PersonInput
from kaltim_desk.core.errors import DomainError, ValidationFailed
from kaltim_desk.core.settings import OfficeProfile, load_section
from kaltim_desk.domain.dates import DateParseError, parse_date_flexible
from kaltim_desk.domain.nik import check_nik
from kaltim_desk.i18n import _
from kaltim_desk.services.registry import people, regions
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.qtmodels.paged import long_date
from kaltim_desk.views.widgets.form_dialog import FormDialog
from kaltim_desk.views.widgets.messages import ERROR_STYLE, HINT_STYLE
from kaltim_desk.views.widgets.region_filter import RegionPicker


def vulnerability_labels() -> dict[str, str]:
    return {
        "": _("(belum diisi)"),
        "janda_kepala_keluarga": _("Janda kepala keluarga"),
        "perempuan_kepala_keluarga": _("Perempuan kepala keluarga"),
        "istri_suami_sakit": _("Istri dengan suami sakit/disabilitas"),
        "perempuan_rawan_lainnya": _("Perempuan rawan sosial ekonomi lainnya"),
    }


def marital_labels() -> dict[str, str]:
    return {
        "": _("(belum diisi)"),
        "belum_kawin": _("Belum kawin"),
        "kawin": _("Kawin"),
        "cerai_hidup": _("Cerai hidup"),
        "cerai_mati": _("Cerai mati"),
    }


class PersonForm(FormDialog):
    """Create (person=None) or edit a person. `saved` holds the DTO after a successful save.

    Two columns of grouped sections (who she is and where she lives; household, welfare, business and
    bank) so the whole form is seen at once on a 1366x768 screen at 100% and 125% without scrolling
    sideways. The birth date carried by the NIK is filled in (and saved) unless the clerk typed another."""

    def __init__(
        self, ctx: AppContext, person: PersonDTO | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.person = person
        self.saved: PersonDTO | None = None
        self.setWindowTitle(_("Ubah data penerima") if person else _("Penerima baru"))
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._nik_birth = ""  # the birth date text last filled in from the NIK
        with ctx.read() as s:
            self.known_regions = regions.known_nik_prefixes(s)
            profile = load_section(s, OfficeProfile)

        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        who, where = self._section(_("Identitas")), self._section(_("Alamat"))
        family, business = (
            self._section(_("Keluarga dan kesejahteraan")),
            self._section(_("Usaha dan rekening")),
        )
        left, right = QVBoxLayout(), QVBoxLayout()
        for box, column in ((who, left), (where, left), (family, right), (business, right)):
            column.addWidget(box[0])
        left.addStretch(1)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        form = who[1]
        self.nik = self._line(form, "nik", _("NIK *"), max_len=20)
        self.nik_info = QLabel()
        self.nik_info.setObjectName("nik_info")
        self.nik_info.setStyleSheet(HINT_STYLE)
        self.nik_info.setWordWrap(True)
        form.addRow("", self.nik_info)
        self.name = self._line(form, "name", _("Nama lengkap *"), max_len=150)
        self.sex = self._combo(form, "sex", _("Jenis kelamin"), {"P": _("Perempuan"), "L": _("Laki-laki")})
        self.kk = self._line(form, "kk_number", _("No. KK"), max_len=20)
        self.birth_place = self._line(form, "birth_place", _("Tempat lahir"), max_len=80)
        self.birth_date = self._line(form, "birth_date", _("Tanggal lahir"), placeholder="dd-mm-yyyy")

        form = where[1]
        self.region = RegionPicker(ctx, stacked=True)
        self.region.setObjectName("village_code")
        self._row(form, "village_code", _("Kab/Kota, Kec., Desa"), self.region)
        self.rt = self._edit("rt", max_len=3)
        self.rw = self._edit("rw", max_len=3)
        self._pair(form, _("RT / RW"), ("rt", self.rt), ("rw", self.rw))
        self.street = self._line(form, "street", _("Alamat (jalan, no.)"), max_len=200)
        self.phone = self._line(form, "phone", _("No. HP"), placeholder="0812-3456-7890")

        form = family[1]
        self.marital = self._combo(form, "marital_status", _("Status perkawinan"), marital_labels())
        self.head = QCheckBox(_("Kepala rumah tangga"))
        self.head.setObjectName("is_household_head")
        self._row(form, "is_household_head", "", self.head)
        self.vulnerability = self._combo(
            form, "vulnerability", _("Kategori kerentanan"), vulnerability_labels()
        )
        self.welfare = self._combo(
            form,
            "welfare_source",
            _("Sumber data kesejahteraan"),
            {"DTSEN": "DTSEN", "DTKS": "DTKS", "P3KE": "P3KE", "NONE": _("Tidak ada")},
        )
        self.decile = QSpinBox()
        self.decile.setObjectName("welfare_decile")
        self.decile.setRange(0, 10)
        self.decile.setSpecialValueText(_("(tidak ada)"))
        self._row(form, "welfare_decile", _("Desil"), self.decile)
        self.checked_on = self._line(
            form, "welfare_checked_on", _("Tanggal cek data"), placeholder="dd-mm-yyyy"
        )

        form = business[1]
        self.business = QComboBox()
        self.business.setObjectName("business_type")
        self.business.setEditable(True)
        self.business.addItems(["", *BUSINESS_TYPES])
        self._row(form, "business_type", _("Jenis usaha"), self.business)
        self.bank = self._line(form, "bank_name", _("Bank"), max_len=60)
        self.account = self._line(form, "bank_account", _("No. rekening"), max_len=30)
        self.holder = self._line(form, "bank_holder", _("Nama pemilik rekening"), max_len=150)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setFixedHeight(60)
        self._row(form, "notes", _("Catatan"), self.notes)
        right.addStretch(1)

        self.general_error = QLabel()
        self.general_error.setObjectName("general_error")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("warnings")
        self.warnings_label.setStyleSheet("color: #8a6d00;")
        self.warnings_label.setWordWrap(True)

        # Scrolls only up and down (a long error under several fields at 150%); never sideways.
        scroll = QScrollArea()
        scroll.setObjectName("form_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Simpan"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Batal"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        self.nik.textChanged.connect(self._nik_changed)
        if person is not None:
            self._load(person)
        elif profile.office_level == "regency" and profile.region_code:
            self.region.set_code(profile.region_code)  # a regency office registers its own people
        self._nik_changed(self.nik.text())
        body.setMinimumWidth(body.minimumSizeHint().width())
        self.remember_as(
            "person_form", max(1000, body.sizeHint().width() + 40), body.sizeHint().height() + 110
        )
        self.mark_clean()

    def _section(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return box, form

    def form_state(self) -> Any:
        return (
            tuple(w.text() for w in self.findChildren(QLineEdit)),
            tuple(c.currentIndex() for c in self.findChildren(QComboBox)),
            self.head.isChecked(),
            self.decile.value(),
            self.notes.toPlainText(),
        )

    # --- building ------------------------------------------------------------------------------------
    def _row(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(widget)
        err = QLabel()
        err.setObjectName(f"error_{key}")
        err.setStyleSheet(ERROR_STYLE)
        err.setWordWrap(True)
        err.hide()
        box.addWidget(err)
        form.addRow(label, holder)
        self.widgets[key] = widget
        self.errors[key] = err

    def _edit(self, key: str, *, max_len: int) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(key)
        edit.setMaxLength(max_len)
        return edit

    def _pair(self, form: QFormLayout, label: str, *fields: tuple[str, QWidget]) -> None:
        """Two short fields on one row (RT / RW), each with its own message under it."""
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        for key, widget in fields:
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(1)
            column.addWidget(widget)
            err = QLabel()
            err.setObjectName(f"error_{key}")
            err.setStyleSheet(ERROR_STYLE)
            err.setWordWrap(True)
            err.hide()
            column.addWidget(err)
            box.addWidget(holder, 1)
            self.widgets[key] = widget
            self.errors[key] = err
        form.addRow(label, row)

    def _line(
        self, form: QFormLayout, key: str, label: str, *, max_len: int = 40, placeholder: str = ""
    ) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(key)
        edit.setMaxLength(max_len)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        self._row(form, key, label, edit)
        return edit

    def _combo(self, form: QFormLayout, key: str, label: str, choices: dict[str, str]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(key)
        for value, text in choices.items():
            combo.addItem(text, value)
        self._row(form, key, label, combo)
        return combo

    def _load(self, p: PersonDTO) -> None:
        self.nik.setText(p.nik)
        self.name.setText(p.name)
        self.sex.setCurrentIndex(max(0, self.sex.findData(p.sex)))
        self.kk.setText(p.kk_number or "")
        self.birth_place.setText(p.birth_place or "")
        self.birth_date.setText(p.birth_date.strftime("%d-%m-%Y") if p.birth_date else "")
        self.region.set_code(p.village_code)
        self.rt.setText(p.rt or "")
        self.rw.setText(p.rw or "")
        self.street.setText(p.street or "")
        self.phone.setText(p.phone or "")
        self.marital.setCurrentIndex(max(0, self.marital.findData(p.marital_status or "")))
        self.head.setChecked(p.is_household_head)
        self.vulnerability.setCurrentIndex(max(0, self.vulnerability.findData(p.vulnerability or "")))
        self.welfare.setCurrentIndex(max(0, self.welfare.findData(p.welfare_source)))
        self.decile.setValue(p.welfare_decile or 0)
        self.checked_on.setText(p.welfare_checked_on.strftime("%d-%m-%Y") if p.welfare_checked_on else "")
        self.business.setCurrentText(p.business_type or "")
        self.bank.setText(p.bank_name or "")
        self.account.setText(p.bank_account or "")
        self.holder.setText(p.bank_holder or "")
        self.notes.setPlainText(p.notes or "")

    # --- behaviour -----------------------------------------------------------------------------------
    def _nik_changed(self, text: str) -> None:
        """Decode the NIK as it is typed: the clerk sees the birth date and region it carries."""
        self._set_error("nik", "")
        if not text.strip():
            self.nik_info.setText("")
            return
        res = check_nik(text, known_regions=self.known_regions)
        if res.ok and res.info is not None:
            info = res.info
            sex = _("perempuan") if info.sex == "P" else _("laki-laki")
            self.nik_info.setText(
                _("Lahir {date}, {sex}, kode kecamatan {code}").format(
                    date=long_date(info.birth_date), sex=sex, code=info.district_code
                )
            )
            decoded = info.birth_date.strftime("%d-%m-%Y")
            current = self.birth_date.text().strip()
            if not current or current == self._nik_birth:
                # Filled in as a value (saved), not a grey hint; a date the clerk typed is left alone.
                self.birth_date.setText(decoded)
                self._nik_birth = decoded
        elif len("".join(ch for ch in text if ch.isdigit())) >= 16 or (
            not res.ok and res.errors and str(res.errors[0].code) not in ("WRONG_LENGTH", "EMPTY")
        ):
            self.nik_info.setText("")
            self._set_error("nik", res.errors[0].message if res.errors else "")
        else:
            self.nik_info.setText(
                _("{n} dari 16 digit").format(n=len("".join(c for c in text if c.isdigit())))
            )

    def _set_error(self, key: str, message: str) -> None:
        label = self.errors.get(key)
        if label is None:
            self.general_error.setText(message)
            return
        label.setText(message)
        label.setVisible(bool(message))

    def _clear_errors(self) -> None:
        for key in self.errors:
            self._set_error(key, "")
        self.general_error.setText("")

    def _date(self, key: str, edit: QLineEdit) -> tuple[date | None, bool]:
        text = edit.text().strip()
        if not text:
            return None, True
        try:
            return parse_date_flexible(text), True
        except DateParseError as exc:
            self._set_error(key, str(exc))
            return None, False

    def form_input(self) -> PersonInput | None:
        ok = True
        birth, good = self._date("birth_date", self.birth_date)
        ok &= good
        checked, good = self._date("welfare_checked_on", self.checked_on)
        ok &= good
        if not ok:
            return None
        return PersonInput(
            nik=self.nik.text(),
            name=self.name.text(),
            sex=self.sex.currentData(),
            kk_number=self.kk.text(),
            birth_place=self.birth_place.text(),
            birth_date=birth,
            village_code=self.region.village.currentData() or "",
            rt=self.rt.text(),
            rw=self.rw.text(),
            street=self.street.text(),
            phone=self.phone.text(),
            marital_status=self.marital.currentData() or "",
            is_household_head=self.head.isChecked(),
            vulnerability=self.vulnerability.currentData() or "",
            welfare_source=self.welfare.currentData() or "NONE",
            welfare_decile=self.decile.value() or None,
            welfare_checked_on=checked,
            business_type=self.business.currentText(),
            bank_name=self.bank.text(),
            bank_account=self.account.text(),
            bank_holder=self.holder.text(),
            notes=self.notes.toPlainText(),
        )

    def save(self) -> None:
        self._clear_errors()
        data = self.form_input()
        if data is None:
            return
        if self.region.code() and not self.region.village.currentData():
            self._set_error(
                "village_code", _("Pilih desa/kelurahan sampai tingkat desa, atau kosongkan wilayah.")
            )
            return
        try:
            with self.ctx.session() as s:
                if self.person is None:
                    result = people.register_person(s, data)
                else:
                    result = people.update_person(s, self.person.id, self.person.version, data)
        except ValidationFailed as exc:
            for problem in exc.problems:
                self._set_error(problem.field or "", problem.message)
            self._focus_first_error(exc.problems)
            return
        except DomainError as exc:
            self._set_error(exc.field or "", exc.message)
            return
        except Exception as exc:
            self.general_error.setText(describe_error(exc))
            return
        self.saved = result
        if result.warnings:
            self.ctx.prompts.info(self, _("Tersimpan dengan catatan"), "\n".join(result.warnings))
        self.accept()

    def _focus_first_error(self, problems: list[Any]) -> None:
        for p in problems:
            widget = self.widgets.get(p.field or "")
            if widget is not None:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
