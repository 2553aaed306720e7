"""The "Dokumen" group of Settings > Aturan program: the rules the printed aid documents follow
(core/document_rules.py)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from kaltim_desk.core.document_rules import DocumentRules
from kaltim_desk.i18n import _


def duty_stamp_choices() -> dict[str, str]:
    return {
        "always": _("selalu"),
        "above": _("bila nilai di atas batas meterai"),
        "never": _("tidak pernah"),
    }


class DocumentRulesForm(QGroupBox):
    """The rules the printed aid documents follow (core/document_rules.py): meterai per document kind,
    how money reaches the recipient, the treasury unspent aid returns to, and who may print a
    replacement original."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Dokumen"), parent)
        self.stamps: dict[str, QComboBox] = {}
        form = QFormLayout(self)
        for kind, label in (
            ("agreement", _("Meterai pada perjanjian")),
            ("receipt", _("Meterai pada kuitansi")),
        ):
            combo = QComboBox()
            combo.setObjectName(f"duty_stamp_{kind}")
            for value, text in duty_stamp_choices().items():
                combo.addItem(text, value)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            form.addRow(label, combo)
            self.stamps[kind] = combo
        self.method = QComboBox()
        self.method.setObjectName("payment_method")
        self.method.addItem(_("transfer ke rekening penerima"), "transfer")
        self.method.addItem(_("tunai"), "cash")
        self.method.currentIndexChanged.connect(lambda _i: self.changed.emit())
        form.addRow(_("Cara pembayaran bantuan uang"), self.method)
        self.treasury: dict[str, QLineEdit] = {}
        for source in ("APBN", "APBD"):
            edit = QLineEdit()
            edit.setObjectName(f"treasury_{source}")
            edit.setMaxLength(60)
            edit.textChanged.connect(lambda _t: self.changed.emit())
            form.addRow(_("Pengembalian dana {source} ke").format(source=source), edit)
            self.treasury[source] = edit
        self.original_roles: dict[str, QCheckBox] = {}
        for role, text in (("officer", _("petugas (officer)")), ("admin", _("admin"))):
            box = QCheckBox(text)
            box.setObjectName(f"original_{role}")
            box.toggled.connect(lambda _c: self.changed.emit())
            form.addRow(_("Boleh mencetak asli pengganti") if role == "officer" else "", box)
            self.original_roles[role] = box

    def load(self, rules: DocumentRules) -> None:
        for kind, combo in self.stamps.items():
            combo.setCurrentIndex(max(combo.findData(rules.duty_stamp.get(kind, "never")), 0))
        self.method.setCurrentIndex(max(self.method.findData(rules.payment_method), 0))
        for source, edit in self.treasury.items():
            edit.setText(rules.treasury.get(source, ""))
        for role, box in self.original_roles.items():
            box.setChecked(role in rules.reprint_original_roles)

    def problems(self) -> list[str]:
        return [
            _("Kas pengembalian dana {source} wajib diisi.").format(source=source)
            for source, edit in self.treasury.items()
            if not edit.text().strip()
        ]

    def value(self, rules: DocumentRules) -> DocumentRules:
        treasury = dict(rules.treasury)
        for source, edit in self.treasury.items():
            treasury[source] = edit.text().strip()
        treasury["APBD-P"] = treasury["APBD"]
        return dataclasses.replace(
            rules,
            duty_stamp={**rules.duty_stamp, **{k: c.currentData() for k, c in self.stamps.items()}},
            payment_method=self.method.currentData(),
            treasury=treasury,
            reprint_original_roles=tuple(r for r, box in self.original_roles.items() if box.isChecked()),
        )
