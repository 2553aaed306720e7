"""Three linked combo boxes: regency/city -> sub-district -> village. Emits the most specific code.

As a filter (the pages) they sit side by side and their empty choice reads "Semua ..."; in a form
(`stacked=True`) they sit one under the other, so a form column stays narrow, and the empty choice asks
"(pilih ...)" since a record has one place, not all of them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from kaltim_desk.app import AppContext
from kaltim_desk.i18n import _
from kaltim_desk.services.registry import regions


class RegionPicker(QWidget):
    changed = Signal(str)

    def __init__(self, ctx: AppContext, *, require_village: bool = False, stacked: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.require_village = require_village
        if stacked:
            self.empty = (_("(pilih kabupaten/kota)"), _("(pilih kecamatan)"), _("(pilih desa/kelurahan)"))
        else:
            self.empty = (_("Semua kab/kota"), _("Semua kecamatan"), _("Semua desa/kel."))
        self.regency = QComboBox()
        self.district = QComboBox()
        self.village = QComboBox()
        for combo, name in (
            (self.regency, "regency"),
            (self.district, "district"),
            (self.village, "village"),
        ):
            combo.setObjectName(name)
            # In a form the longest regency ("Kabupaten Kutai Kartanegara") is read whole.
            combo.setMinimumContentsLength(26 if stacked else 14)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        row: QBoxLayout = QVBoxLayout(self) if stacked else QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.regency)
        row.addWidget(self.district)
        row.addWidget(self.village)
        with ctx.read() as s:
            regs = regions.regencies(s)
        self.regency.addItem(self.empty[0], "")
        for r in regs:
            self.regency.addItem(r.name, r.code)
        self._fill(self.district, "", self.empty[1])
        self._fill(self.village, "", self.empty[2])
        self.regency.currentIndexChanged.connect(self._regency_changed)
        self.district.currentIndexChanged.connect(self._district_changed)
        self.village.currentIndexChanged.connect(lambda _i: self.changed.emit(self.code()))

    def _fill(self, combo: QComboBox, parent: str, all_label: str) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_label, "")
        if parent:
            with self.ctx.read() as s:
                for r in regions.children(s, parent):
                    combo.addItem(r.name, r.code)
        combo.setEnabled(bool(parent))
        combo.blockSignals(False)

    def _regency_changed(self, _i: int) -> None:
        self._fill(self.district, self.regency.currentData() or "", self.empty[1])
        self._fill(self.village, "", self.empty[2])
        self.changed.emit(self.code())

    def _district_changed(self, _i: int) -> None:
        self._fill(self.village, self.district.currentData() or "", self.empty[2])
        self.changed.emit(self.code())

    def code(self) -> str:
        for combo in (self.village, self.district, self.regency):
            if combo.currentData():
                return str(combo.currentData())
        return ""

    def set_code(self, code: str | None) -> None:
        """Select a village (or a higher region) by its code."""
        code = code or ""
        parts = code.split(".")
        if len(parts) >= 2:
            self.regency.setCurrentIndex(max(0, self.regency.findData(".".join(parts[:2]))))
        if len(parts) >= 3:
            self.district.setCurrentIndex(max(0, self.district.findData(".".join(parts[:3]))))
        if len(parts) >= 4:
            self.village.setCurrentIndex(max(0, self.village.findData(code)))
        if not code:
            self.regency.setCurrentIndex(0)
