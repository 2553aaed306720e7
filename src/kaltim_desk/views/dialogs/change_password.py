"""Changing one's own password (forced after an admin reset it)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from kaltim_desk.app import AppContext
from kaltim_desk.core.actor import Actor
from kaltim_desk.i18n import _
from kaltim_desk.services.office import users
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.inputs import password_edit
from kaltim_desk.views.widgets.messages import error_label


class ChangePasswordDialog(QDialog):
    def __init__(
        self, ctx: AppContext, actor: Actor, parent: QWidget | None = None, *, forced: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.setWindowTitle(_("Ganti kata sandi"))
        intro = QLabel(
            _("Admin telah mengatur ulang kata sandi Anda. Buat kata sandi baru sebelum melanjutkan.")
            if forced
            else _("Kata sandi baru paling sedikit {n} karakter.").format(n=users.MIN_PASSWORD_LENGTH)
        )
        intro.setWordWrap(True)
        self.old = password_edit("old_password")
        self.new = password_edit("new_password")
        self.new2 = password_edit("new_password2")
        self.message = error_label()
        form = QFormLayout()
        form.addRow(_("Kata sandi lama"), self.old)
        form.addRow(_("Kata sandi baru"), self.new)
        form.addRow(_("Ulangi kata sandi baru"), self.new2)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("save_button")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        if self.new.text() != self.new2.text():
            self.message.setText(_("Kedua kata sandi baru tidak sama."))
            return
        if self.actor.user_id is None:
            self.message.setText(_("Akun ini tidak memiliki kata sandi di basis data."))
            return
        try:
            with self.ctx.db.session(self.actor) as s:
                users.change_own_password(s, self.actor.user_id, self.old.text(), self.new.text())
        except Exception as exc:
            self.message.setText(describe_error(exc))
            return
        self.accept()
