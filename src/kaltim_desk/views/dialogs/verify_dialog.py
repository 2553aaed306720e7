"""Verify a training certificate offline: type (or scan into the box) the code printed under its QR
code; the dialog says valid, revoked or unknown with the certificate's details."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kaltim_desk.app import AppContext
from kaltim_desk.i18n import _
from kaltim_desk.services.training import certificates
from kaltim_desk.services.training.certificates import VerifyResult
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.form_dialog import fit_to_screen

COLORS = {"valid": "#1b7f2a", "revoked": "#b00020", "invalid": "#b00020", "unknown": "#8a5a00"}


def status_words() -> dict[str, str]:
    return {
        "valid": _("SAH"),
        "revoked": _("DICABUT"),
        "invalid": _("TIDAK SAH (data berubah)"),
        "unknown": _("TIDAK DIKENAL"),
    }


class VerifyDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_result: VerifyResult | None = None
        self.setWindowTitle(_("Verifikasi sertifikat"))
        fit_to_screen(self, 560, 320)
        self.code = QLineEdit()
        self.code.setObjectName("code")
        self.code.setPlaceholderText(_("Kode verifikasi, mis. ABCD-EFGH-JKLM-NPQR"))
        self.code.returnPressed.connect(self.check)
        check = QPushButton(_("Periksa"))
        check.setObjectName("check")
        check.clicked.connect(self.check)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(check)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        close = QPushButton(_("Tutup"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Ketik atau pindai kode yang tercetak di bawah kode QR sertifikat:")))
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.details, 1)
        layout.addWidget(close)

    def check(self) -> None:
        try:
            with self.ctx.session() as s:  # the first verification may create the office secret
                result = certificates.verify(s, self.code.text())
        except Exception as exc:
            self.status.setText("")
            self.details.setText(describe_error(exc))
            return
        self.last_result = result
        color = COLORS.get(result.status, "#000000")
        self.status.setText(
            f"<span style='font-size:18pt; color:{color}; font-weight:bold'>"
            f"{status_words().get(result.status, result.status)}</span>"
        )
        self.details.setText("\n".join(self.detail_lines(result)))

    @staticmethod
    def detail_lines(r: VerifyResult) -> list[str]:
        from kaltim_desk.documents.certificate import date_range_id
        from kaltim_desk.domain.dates import format_date_id

        lines = [r.message]
        if r.number:
            lines += [
                _("Nomor: {v}").format(v=r.number),
                _("Nama: {v}").format(v=r.name),
                _("NIK: {v}").format(v=r.nik_masked),
                _("Pelatihan: {v}").format(v=r.training_title),
            ]
            if r.start_date and r.end_date:
                lines.append(_("Tanggal: {v}").format(v=date_range_id(r.start_date, r.end_date)))
            if r.issued_on:
                lines.append(_("Terbit: {v}").format(v=format_date_id(r.issued_on)))
            if r.revoked_at:
                lines.append(
                    _("Dicabut: {d} — {reason}").format(
                        d=format_date_id(r.revoked_at), reason=r.revoked_reason
                    )
                )
        return lines
