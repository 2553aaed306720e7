"""Editors for the office-wide settings, shared by the first-run wizard and the Settings dialog, so what
the wizard asks can be changed later in exactly the same form.

Each editor loads a settings section (`load`), returns an updated copy (`apply` / `value`) and lists
what is wrong in plain Indonesian (`problems`), shown inline next to the field it concerns.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from datetime import date
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.config import data_dir
from kaltim_desk.core.document_rules import DocumentRules
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.numbering import NumberTemplates, render
from kaltim_desk.core.settings import OfficeProfile, RegistryRules
from kaltim_desk.domain.nik import check_nip
from kaltim_desk.i18n import _
from kaltim_desk.services.aid.aid_rules import AidRules
from kaltim_desk.services.monitoring.schedule import MAX_VISIT_MONTH, MonitoringRules
from kaltim_desk.services.office.startup import SafetySettings
from kaltim_desk.services.registry import regions
from kaltim_desk.views.dialogs.document_rules_form import DocumentRulesForm
from kaltim_desk.views.widgets.messages import ERROR_STYLE, HINT_STYLE

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Seat of each regency/city government: a suggestion for the place printed beside the date of a letter.
SEATS = {
    "64": "Samarinda",
    "64.01": "Tana Paser",
    "64.02": "Tenggarong",
    "64.03": "Tanjung Redeb",
    "64.07": "Sendawar",
    "64.08": "Sangatta",
    "64.09": "Penajam",
    "64.11": "Ujoh Bilang",
    "64.71": "Balikpapan",
    "64.72": "Samarinda",
    "64.74": "Bontang",
}


def document_kinds() -> dict[str, str]:
    return {
        "agreement": _("Perjanjian"),
        "handover": _("Berita acara serah terima"),
        "receipt": _("Kuitansi"),
        "certificate": _("Sertifikat pelatihan"),
    }


def signatory_roles() -> dict[str, str]:
    return {
        "head": _("Kepala Dinas"),
        "section_head": _("Kepala Bidang / Seksi"),
        "treasurer": _("Bendahara Pengeluaran (kuitansi: lunas dibayar)"),
    }


# Roles an office may leave without a name: the receipt prints an empty line under "Bendahara Pengeluaran".
OPTIONAL_ROLES = frozenset({"treasurer"})


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _show(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def government_name(region_code: str, region_name: str) -> str:
    """The first line of the letterhead for an office: "PEMERINTAH KOTA SAMARINDA"."""
    if region_code == regions.PROVINCE_CODE:
        return "PEMERINTAH PROVINSI KALIMANTAN TIMUR"
    return f"PEMERINTAH {region_name.upper()}"


class OfficeForm(QWidget):
    """Which office this is (the province or one of the regencies/cities) and its letterhead."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.office = QComboBox()
        self.office.setObjectName("office")
        with ctx.read() as s:
            province = regions.get(s, regions.PROVINCE_CODE)
            self.office.addItem(
                _("Provinsi {name}").format(name=province.name if province else "Kalimantan Timur"),
                regions.PROVINCE_CODE,
            )
            for r in sorted(regions.regencies(s), key=lambda r: r.code):
                self.office.addItem(r.name, r.code)
        self.government = self._line("government_name", 120)
        self.agency = self._line("agency_name", 120)
        self.address = self._line("address", 200)
        self.city = self._line("city", 60)
        self.phone = self._line("phone", 40)
        self.email = self._line("email", 80)
        self.web = self._line("web", 80)
        self.code = self._line("office_code", 30)
        self.code.setToolTip(_("Kode unit yang muncul di nomor surat, misalnya DINSOS"))
        self.logo = self._line("logo_path", 400)
        self.logo.setPlaceholderText(_("(tanpa logo)"))
        choose = QPushButton(_("Pilih…"))
        choose.setObjectName("choose_logo")
        choose.clicked.connect(self.choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(choose)
        self.message = _error_label("office_message")

        form = QFormLayout(self)
        form.addRow(_("Kantor"), self.office)
        form.addRow(_("Nama pemerintah *"), self.government)
        form.addRow(_("Nama dinas *"), self.agency)
        form.addRow(_("Alamat *"), self.address)
        form.addRow(_("Kota (tempat surat)"), self.city)
        form.addRow(_("Telepon"), self.phone)
        form.addRow(_("Surel"), self.email)
        form.addRow(_("Situs web"), self.web)
        form.addRow(_("Kode kantor *"), self.code)
        form.addRow(_("Logo"), logo_row)
        form.addRow("", self.message)
        self.office.currentIndexChanged.connect(self._office_changed)
        self._loading = False

    def _line(self, name: str, max_len: int) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setMaxLength(max_len)
        edit.textChanged.connect(lambda _t: self.changed.emit())
        return edit

    def load(self, profile: OfficeProfile) -> None:
        self._loading = True
        i = self.office.findData(profile.region_code)
        self.office.setCurrentIndex(max(i, 0))
        self.government.setText(profile.government_name)
        self.agency.setText(profile.agency_name)
        self.address.setText(profile.address)
        self.city.setText(profile.city)
        self.phone.setText(profile.phone)
        self.email.setText(profile.email)
        self.web.setText(profile.web)
        self.code.setText(profile.office_code)
        self.logo.setText(profile.logo_path)
        self._loading = False

    def _office_changed(self, _index: int) -> None:
        """Choosing another office suggests its letterhead's first line and the place of its letters."""
        if self._loading:
            return
        code = self.office.currentData()
        self.government.setText(government_name(code, self.office.currentText()))
        self.city.setText(SEATS.get(code, self.city.text()))
        # The provincial office's address is the default; a regency/city office must give its own.
        defaults = OfficeProfile()
        province = code == regions.PROVINCE_CODE
        for edit, value in (
            (self.address, defaults.address),
            (self.phone, defaults.phone),
            (self.email, defaults.email),
            (self.web, defaults.web),
        ):
            if not province and edit.text() == value:
                edit.setText("")
            elif province and not edit.text():
                edit.setText(value)
        self.changed.emit()

    def choose_logo(self) -> None:
        path = self.ctx.prompts.open_file(self, _("Pilih logo kantor"), _("Gambar (*.png *.jpg *.jpeg)"))
        if path is not None:
            self.logo.setText(str(path))

    def problems(self) -> list[str]:
        found = []
        for edit, label in (
            (self.government, _("Nama pemerintah")),
            (self.agency, _("Nama dinas")),
            (self.address, _("Alamat")),
            (self.code, _("Kode kantor")),
        ):
            if not edit.text().strip():
                found.append(_("{field} wajib diisi.").format(field=label))
        email = self.email.text().strip()
        if email and not EMAIL_RE.match(email):
            found.append(_("Alamat surel tidak sah: {email}").format(email=email))
        logo = self.logo.text().strip()
        if logo and not Path(logo).is_file():
            found.append(_("Berkas logo tidak ditemukan: {path}").format(path=logo))
        _show(self.message, "\n".join(found))
        return found

    def apply(self, profile: OfficeProfile) -> OfficeProfile:
        code = self.office.currentData() or regions.PROVINCE_CODE
        return dataclasses.replace(
            profile,
            office_level="province" if code == regions.PROVINCE_CODE else "regency",
            region_code=code,
            government_name=self.government.text().strip(),
            agency_name=self.agency.text().strip(),
            address=self.address.text().strip(),
            city=self.city.text().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            web=self.web.text().strip(),
            office_code=self.code.text().strip(),
            logo_path=keep_logo(self.logo.text().strip()),
        )


def keep_logo(path: str) -> str:
    """Copy a chosen logo into the data folder, so moving or deleting the original breaks no letter."""
    if not path:
        return ""
    source = Path(path)
    target_dir = data_dir() / "office"
    if source.parent == target_dir or not source.is_file():
        return path
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"logo{source.suffix.lower()}"
    shutil.copyfile(source, target)
    return str(target)


class SignatoriesForm(QWidget):
    """The officials who sign letters: name, position, rank and NIP (checked as it is typed)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, require_names: bool = True) -> None:
        super().__init__(parent)
        # The wizard insists on real names; Settings lets an office keep the stand-ins for now.
        self.require_names = require_names
        self.standins: dict[tuple[str, str], str] = {}
        self.fields: dict[str, dict[str, QLineEdit]] = {}
        self.nip_messages: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        for role, title in signatory_roles().items():
            box = QGroupBox(title)
            form = QFormLayout(box)
            edits = {}
            for key, label, max_len in (
                ("name", _("Nama lengkap dan gelar *"), 120),
                ("position", _("Jabatan *"), 120),
                ("rank", _("Pangkat/golongan"), 80),
                ("nip", _("NIP"), 24),
            ):
                edit = QLineEdit()
                edit.setObjectName(f"{role}_{key}")
                edit.setMaxLength(max_len)
                edit.textChanged.connect(lambda _t: self.changed.emit())
                form.addRow(label, edit)
                edits[key] = edit
            edits["nip"].setPlaceholderText(_("18 digit, boleh dengan spasi"))
            message = _error_label(f"{role}_nip_message")
            form.addRow("", message)
            edits["nip"].textChanged.connect(lambda _t, r=role: self._check_nip(r))
            self.fields[role] = edits
            self.nip_messages[role] = message
            layout.addWidget(box)
        layout.addStretch(1)

    def load(self, profile: OfficeProfile) -> None:
        for role, edits in self.fields.items():
            data = profile.signatories.get(role, {})
            for key, edit in edits.items():
                value = data.get(key, "")
                if value.startswith("(") and value.endswith(")"):
                    # A stand-in of the defaults such as "(nama Kepala Dinas)": a hint, never a name to print.
                    edit.setPlaceholderText(value)
                    self.standins[(role, key)] = value
                    value = ""
                edit.setText(value)

    def _check_nip(self, role: str) -> str:
        raw = self.fields[role]["nip"].text()
        message = ""
        if raw.strip():
            result = check_nip(raw)
            if not result.ok:
                message = _("NIP tidak sah: {reason}").format(
                    reason="; ".join(i.message for i in result.errors)
                )
        _show(self.nip_messages[role], message)
        return message

    def problems(self) -> list[str]:
        found = []
        titles = signatory_roles()
        for role, edits in self.fields.items():
            if role in OPTIONAL_ROLES and not edits["name"].text().strip():
                continue  # not set up: the receipt prints an empty line to sign on
            for key, label in (("name", _("nama")), ("position", _("jabatan"))):
                waived = not self.require_names and (role, key) in self.standins
                if not edits[key].text().strip() and not waived:
                    found.append(_("{who}: {field} wajib diisi.").format(who=titles[role], field=label))
            nip = self._check_nip(role)
            if nip:
                found.append(f"{titles[role]}: {nip}")
        return found

    def apply(self, profile: OfficeProfile) -> OfficeProfile:
        signatories = {role: dict(profile.signatories.get(role, {})) for role in profile.signatories}
        for role, edits in self.fields.items():
            data = {
                key: edit.text().strip() or self.standins.get((role, key), "") for key, edit in edits.items()
            }
            if role in OPTIONAL_ROLES and not any(data.values()):
                continue
            if data["nip"]:
                data["nip"] = check_nip(data["nip"]).nip or data["nip"]
            signatories[role] = data
        return dataclasses.replace(profile, signatories=signatories)


class NumberingForm(QWidget):
    """Letter and certificate number templates, with a live example of the next number."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office_code = "DINSOS"
        self.templates: dict[str, QLineEdit] = {}
        self.codes: dict[str, QLineEdit] = {}
        self.previews: dict[str, QLabel] = {}
        hint = QLabel(
            _(
                "Bagian templat: {seq} nomor urut ({seq:03d} = 3 digit), {code} kode klasifikasi, "
                "{office} kode kantor, {roman_month} bulan Romawi, {month} bulan, {year} tahun."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        grid = QGridLayout()
        for col, title in enumerate((_("Dokumen"), _("Templat nomor"), _("Kode klasifikasi"))):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        for i, (kind, label) in enumerate(document_kinds().items()):
            row = 1 + 2 * i
            template = QLineEdit()
            template.setObjectName(f"template_{kind}")
            code = QLineEdit()
            code.setObjectName(f"code_{kind}")
            code.setMaximumWidth(120)
            preview = QLabel()  # the example number, right under its template
            preview.setObjectName(f"preview_{kind}")
            preview.setStyleSheet(HINT_STYLE)
            for edit in (template, code):
                edit.textChanged.connect(lambda _t: self._update())
            grid.addWidget(QLabel(label), row, 0)
            grid.addWidget(template, row, 1)
            grid.addWidget(code, row, 2)
            grid.addWidget(preview, row + 1, 1, 1, 2)
            self.templates[kind], self.codes[kind], self.previews[kind] = template, code, preview
        grid.setColumnStretch(1, 1)
        self.reset = QComboBox()
        self.reset.setObjectName("reset")
        self.reset.addItem(_("Mulai dari 1 setiap tahun"), "year")
        self.reset.addItem(_("Tidak pernah diulang"), "never")
        self.reset.currentIndexChanged.connect(lambda _i: self.changed.emit())
        reset_row = QFormLayout()
        reset_row.addRow(_("Nomor urut"), self.reset)
        self.message = _error_label("numbering_message")
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(grid)
        layout.addLayout(reset_row)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def load(self, cfg: NumberTemplates, office_code: str) -> None:
        self.office_code = office_code or "DINSOS"
        for kind in document_kinds():
            self.templates[kind].setText(cfg.templates.get(kind, ""))
            self.codes[kind].setText(cfg.codes.get(kind, ""))
        self.reset.setCurrentIndex(max(self.reset.findData(cfg.reset), 0))
        self._update()

    def set_office_code(self, code: str) -> None:
        self.office_code = code or "DINSOS"
        self._update()

    def _preview(self, kind: str) -> tuple[str, str]:
        try:
            example = render(
                self.templates[kind].text(),
                seq=7,
                code=self.codes[kind].text().strip(),
                office=self.office_code,
                when=date.today(),
            )
        except DomainError as exc:
            return "", exc.message
        if not self.templates[kind].text().strip() or "{seq" not in self.templates[kind].text():
            return example, _("Templat harus memuat {seq} (nomor urut).")
        return example, ""

    def _update(self) -> None:
        found = []
        for kind, label in document_kinds().items():
            example, problem = self._preview(kind)
            self.previews[kind].setText(_("Contoh: {number}").format(number=example) if example else "")
            if problem:
                found.append(f"{label}: {problem}")
        _show(self.message, "\n".join(found))
        self.changed.emit()

    def problems(self) -> list[str]:
        return [f"{label}: {p}" for kind, label in document_kinds().items() if (p := self._preview(kind)[1])]

    def value(self, cfg: NumberTemplates) -> NumberTemplates:
        return dataclasses.replace(
            cfg,
            templates={**cfg.templates, **{k: e.text().strip() for k, e in self.templates.items()}},
            codes={**cfg.codes, **{k: e.text().strip() for k, e in self.codes.items()}},
            reset=self.reset.currentData(),
        )


class RulesForm(QWidget):
    """Registry rules that differ by year and office: the group sizes, the male-NIK warning."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.minimum = self._spin("group_min_size")
        self.target = self._spin("group_target_size")
        self.maximum = self._spin("group_max_size")
        self.warn_male = QCheckBox(
            _("Peringatkan bila NIK berformat laki-laki (program ini untuk perempuan)")
        )
        self.warn_male.setObjectName("warn_male_nik")
        self.message = _error_label("rules_message")
        form = QFormLayout(self)
        form.addRow(_("Anggota kelompok paling sedikit"), self.minimum)
        form.addRow(_("Anggota kelompok yang dianjurkan"), self.target)
        form.addRow(_("Anggota kelompok paling banyak"), self.maximum)
        form.addRow("", self.warn_male)
        form.addRow("", self.message)

    def _spin(self, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(1, 100)
        spin.valueChanged.connect(self._edited)
        return spin

    def _edited(self, *_args: object) -> None:
        self.problems()
        self.changed.emit()

    def load(self, rules: RegistryRules) -> None:
        self.minimum.setValue(rules.group_min_size)
        self.target.setValue(rules.group_target_size)
        self.maximum.setValue(rules.group_max_size)
        self.warn_male.setChecked(rules.warn_male_nik)

    def problems(self) -> list[str]:
        found = self.value(RegistryRules()).problems()
        _show(self.message, "\n".join(found))
        return found

    def value(self, rules: RegistryRules) -> RegistryRules:
        return dataclasses.replace(
            rules,
            group_min_size=self.minimum.value(),
            group_target_size=self.target.value(),
            group_max_size=self.maximum.value(),
            warn_male_nik=self.warn_male.isChecked(),
        )


def _spin(name: str, low: int, high: int, suffix: str, tooltip: str, step: int = 1) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setSingleStep(step)
    if suffix:
        spin.setSuffix(suffix)
    spin.setToolTip(tooltip)
    return spin


def parse_months(text: str) -> tuple[tuple[int, ...], str]:
    """'3, 6, 12' -> ((3, 6, 12), ""); sorted, each month once; or ((), problem) in plain Indonesian."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    label = _("Bulan kunjungan pendampingan")
    if not parts:
        return (), _("{field} wajib diisi, misalnya 3, 6, 12.").format(field=label)
    months = set()
    for part in parts:
        if not re.fullmatch(r"[0-9]{1,3}", part) or not 1 <= int(part) <= MAX_VISIT_MONTH:
            return (), _(
                '{field}: "{value}" bukan bulan antara 1 dan {most}; tulis misalnya 3, 6, 12.'
            ).format(field=label, value=part, most=MAX_VISIT_MONTH)
        months.add(int(part))
    return tuple(sorted(months)), ""


class AidRulesForm(QGroupBox):
    """The aid flow's office rules: the visit gate before later tranches, the duty-stamp threshold and
    the place printed on agreements. Ceilings and tranche shares belong to each programme (Bantuan >
    Program…), not here."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Bantuan"), parent)
        self.visit_gate = QCheckBox(_("Tahap kedua dan berikutnya menunggu kunjungan pendampingan"))
        self.visit_gate.setObjectName("second_tranche_requires_visit")
        self.visit_gate.setToolTip(
            _(
                "Bila dicentang, pembayaran tahap kedua dan seterusnya baru dapat dicatat setelah ada "
                "kunjungan pendampingan yang dicatat pada atau setelah pembayaran tahap sebelumnya."
            )
        )
        self.stamp = _spin(
            "duty_stamp_threshold",
            0,
            1_000_000_000,
            "",
            _(
                'Dokumen yang bermeterai "bila nilai di atas batas" (bawaan: kuitansi) diberi kotak '
                "meterai Rp10.000 di atas jumlah ini. Aturan meterai saat ini: di atas Rp5.000.000. "
                "Perjanjian selalu bermeterai (lihat Dokumen di bawah)."
            ),
            step=500_000,
        )
        # Indonesian digit grouping (5.000.000) whatever the language of the screen: it is rupiah.
        self.stamp.setLocale(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
        self.stamp.setGroupSeparatorShown(True)
        self.place = QLineEdit()
        self.place.setObjectName("signing_place")
        self.place.setMaxLength(60)
        self.place.setToolTip(
            _(
                "Kota yang tertulis di perjanjian bantuan sebelum tanggal penandatanganan. Kosongkan "
                "untuk memakai kota kantor (tab Kantor dan kop surat)."
            )
        )
        self.place.setPlaceholderText(_("(kota kantor)"))
        self.visit_gate.toggled.connect(lambda _c: self.changed.emit())
        self.stamp.valueChanged.connect(lambda _v: self.changed.emit())
        self.place.textChanged.connect(lambda _t: self.changed.emit())
        form = QFormLayout(self)
        form.addRow("", self.visit_gate)
        form.addRow(_("Batas meterai (Rp, nilai di atasnya)"), self.stamp)
        form.addRow(_("Tempat penandatanganan perjanjian"), self.place)

    def load(self, rules: AidRules) -> None:
        self.visit_gate.setChecked(rules.second_tranche_requires_visit)
        self.stamp.setValue(rules.duty_stamp_threshold)
        self.place.setText(rules.signing_place)

    def problems(self) -> list[str]:
        return []  # every value the widgets allow is a valid rule

    def value(self, rules: AidRules) -> AidRules:
        return dataclasses.replace(
            rules,
            second_tranche_requires_visit=self.visit_gate.isChecked(),
            duty_stamp_threshold=self.stamp.value(),
            signing_place=self.place.text().strip(),
        )


class MonitoringRulesForm(QGroupBox):
    """When follow-up visits are due after a disbursement, and how much slack a mentor has."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Kunjungan pendampingan"), parent)
        self.months = QLineEdit()
        self.months.setObjectName("visit_months")
        self.months.setMaxLength(60)
        self.months.setPlaceholderText(_("misalnya 3, 6, 12"))
        self.months.setToolTip(
            _(
                "Berapa bulan setelah bantuan dicairkan (tahap pertama dibayar atau barang diserahkan) "
                "kunjungan pendampingan jatuh tempo. Pisahkan dengan koma, misalnya 3, 6, 12."
            )
        )
        day = _(" hari")
        self.window_before = _spin(
            "window_before_days",
            0,
            90,
            day,
            _("Kunjungan yang dilakukan sekian hari sebelum jatuh tempo sudah dihitung untuk kunjungan itu."),
        )
        self.grace = _spin(
            "grace_days",
            0,
            180,
            day,
            _(
                "Sampai sekian hari setelah jatuh tempo kunjungan masih tepat waktu; sesudahnya kunjungan "
                "yang belum dilakukan tampil sebagai terlambat di daftar kunjungan."
            ),
        )
        self.missed = _spin(
            "overdue_for_days",
            1,
            730,
            day,
            _(
                "Kunjungan yang tetap belum dilakukan sekian hari setelah jatuh tempo dianggap terlewat "
                "dan keluar dari daftar kunjungan terlambat."
            ),
        )
        self.message = _error_label("monitoring_message")
        self.months.textChanged.connect(self._edited)
        for spin in (self.window_before, self.grace, self.missed):
            spin.valueChanged.connect(self._edited)
        form = QFormLayout(self)
        form.addRow(_("Jatuh tempo (bulan setelah pencairan)"), self.months)
        form.addRow(_("Boleh lebih awal dari jatuh tempo"), self.window_before)
        form.addRow(_("Tenggang setelah jatuh tempo"), self.grace)
        form.addRow(_("Dianggap terlewat sesudah jatuh tempo"), self.missed)
        form.addRow("", self.message)

    def _edited(self, *_args: object) -> None:
        self.problems()
        self.changed.emit()

    def load(self, rules: MonitoringRules) -> None:
        self.months.setText(", ".join(str(m) for m in rules.visit_months))
        self.window_before.setValue(rules.window_before_days)
        self.grace.setValue(rules.grace_days)
        self.missed.setValue(rules.overdue_for_days)

    def problems(self) -> list[str]:
        problem = parse_months(self.months.text())[1]
        found = ([problem] if problem else []) + self.value(MonitoringRules()).problems()
        _show(self.message, "\n".join(found))
        return found

    def value(self, rules: MonitoringRules) -> MonitoringRules:
        return dataclasses.replace(
            rules,
            visit_months=parse_months(self.months.text())[0] or rules.visit_months,
            window_before_days=self.window_before.value(),
            grace_days=self.grace.value(),
            overdue_for_days=self.missed.value(),
        )


class ProgrammeRulesForm(QWidget):
    """The "Aturan program" tab: the aid and monitoring rules. The training completion rule and the
    certificate have their own settings on the Pelatihan page, so this tab points there instead of
    editing the same section in a second place."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.aid = AidRulesForm()
        self.documents = DocumentRulesForm()
        self.monitoring = MonitoringRulesForm()
        self.aid.changed.connect(self.changed.emit)
        self.documents.changed.connect(self.changed.emit)
        self.monitoring.changed.connect(self.changed.emit)
        elsewhere = QLabel(
            _(
                "Plafon dan pembagian tahap diatur per program (halaman Bantuan usaha, tombol Ubah program…). "
                "Syarat kelulusan pelatihan dan sertifikat diatur di halaman Pelatihan (tombol Pengaturan…)."
            )
        )
        elsewhere.setWordWrap(True)
        elsewhere.setStyleSheet(HINT_STYLE)
        # Three sections are taller than a 1366x768 screen at 125% leaves the settings window: the tab
        # scrolls up and down (never sideways) instead of pushing the window past the work area.
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.aid)
        inner.addWidget(self.documents)
        inner.addWidget(self.monitoring)
        inner.addWidget(elsewhere)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("programme_rules_scroll")
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def load(
        self, aid: AidRules, monitoring: MonitoringRules, documents: DocumentRules | None = None
    ) -> None:
        self.aid.load(aid)
        self.documents.load(documents or DocumentRules())
        self.monitoring.load(monitoring)

    def problems(self) -> list[str]:
        return self.aid.problems() + self.documents.problems() + self.monitoring.problems()


class SafetyForm(QWidget):
    """The "Keamanan" tab: the idle lock and the network-drive single-user mode (both read at login)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.idle = _spin(
            "idle_lock_minutes",
            1,
            240,
            _(" menit"),
            _(
                "Bila komputer tidak disentuh (papan ketik atau tetikus) selama sekian menit, Kaltim Desk "
                "terkunci dan meminta kata sandi lagi. Berlaku sejak masuk berikutnya."
            ),
        )
        self.single_user = QCheckBox(
            _("Izinkan membuka basis data di drive jaringan (hanya satu komputer sekaligus)")
        )
        self.single_user.setObjectName("allow_network_single_user")
        self.single_user.setToolTip(
            _(
                "Basis data di drive jaringan atau folder sinkron biasanya dibuka hanya-baca, karena dua "
                "komputer yang menulis bersamaan dapat merusaknya. Centang hanya bila kantor menjamin "
                "satu komputer saja yang membukanya. Berlaku saat Kaltim Desk dibuka berikutnya."
            )
        )
        self.idle.valueChanged.connect(lambda _v: self.changed.emit())
        self.single_user.toggled.connect(lambda _c: self.changed.emit())
        form = QFormLayout(self)
        form.addRow(_("Kunci otomatis setelah tidak dipakai"), self.idle)
        form.addRow("", self.single_user)

    def load(self, safety: SafetySettings) -> None:
        self.idle.setValue(safety.idle_lock_minutes)
        self.single_user.setChecked(safety.allow_network_single_user)

    def problems(self) -> list[str]:
        return []  # the spin box allows only a valid number of minutes

    def value(self, safety: SafetySettings) -> SafetySettings:
        return dataclasses.replace(
            safety,
            idle_lock_minutes=self.idle.value(),
            allow_network_single_user=self.single_user.isChecked(),
        )
