"""Logging in and the first admin (R18).

`LoginDialog` asks for a username and password and shows the service's one message for every refusal.
`FirstAdminDialog` creates the office administrator when no account exists yet (normally the first-run
wizard does that). What happens around the login when the window opens is `views/startup.py`.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.actor import Actor
from kaltim_desk.i18n import _
from kaltim_desk.services.office import auth, users
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.demo_accounts import DemoAccountsTable
from kaltim_desk.views.widgets.inputs import password_edit
from kaltim_desk.views.widgets.messages import error_label

log = logging.getLogger(__name__)


class LoginDialog(QDialog):
    """Username + password. With `locked_actor` it is the idle-lock screen: the name is fixed."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, locked_actor: Actor | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor: Actor | None = None
        self.must_change_password = False
        self.locked_actor = locked_actor
        self.setWindowTitle(_("Layar terkunci") if locked_actor else _("Masuk ke Kaltim Desk"))
        self.setMinimumWidth(380)
        heading = QLabel(
            _("Layar dikunci karena tidak ada kegiatan. Masukkan kata sandi {name}.").format(
                name=locked_actor.display_name or locked_actor.username
            )
            if locked_actor
            else _("Masukkan nama pengguna dan kata sandi Anda.")
        )
        heading.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = password_edit("password")
        self.message = error_label()
        form = QFormLayout()
        form.addRow(_("Nama pengguna"), self.username)
        form.addRow(_("Kata sandi"), self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Buka") if locked_actor else _("Masuk"))
        ok.setObjectName("login_button")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            _("Keluar") if locked_actor else _("Batal")
        )
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.demo_accounts: DemoAccountsTable | None = None
        demo = [] if locked_actor else self._demo_logins()
        if demo:
            # A demo office: say how to enter it right where the password is asked.
            self.setMinimumWidth(560)
            intro = QLabel(
                _(
                    "Ini kantor demo untuk latihan. Masuk dengan salah satu akun demo berikut (klik barisnya "
                    "untuk mengisi). Mulailah sebagai operator untuk mendata penerima."
                )
            )
            intro.setObjectName("demo_intro")
            intro.setWordWrap(True)
            self.demo_accounts = DemoAccountsTable(demo)
            self.demo_accounts.chosen.connect(self._fill)
            layout.addWidget(intro)
            layout.addWidget(self.demo_accounts)
        layout.addWidget(self.buttons)
        if locked_actor:
            self.username.setText(locked_actor.username)
            self.username.setReadOnly(True)
            self.password.setFocus()
        else:
            self.username.setFocus()

    def _demo_logins(self) -> list[tuple[str, str]]:
        try:
            with self.ctx.db.read_session() as s:
                return [(u.username, u.role) for u in users.demo_logins(s)]
        except Exception:
            log.exception("demo accounts")
            return []

    def _fill(self, username: str, password: str) -> None:
        self.username.setText(username)
        self.password.setText(password)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setFocus()

    def try_login(self) -> None:
        name, password = self.username.text(), self.password.text()
        if not name.strip() or not password:
            self.message.setText(_("Isi nama pengguna dan kata sandi."))
            return
        try:
            with self.ctx.db.session() as s:
                result = auth.login(s, name, password)
        except Exception as exc:
            self.message.setText(describe_error(exc))
            return
        self.password.clear()
        if not result.ok:
            self.message.setText(_(result.message))
            self.password.setFocus()
            return
        self.actor = result.actor
        self.must_change_password = result.must_change_password
        self.accept()


class FirstAdminDialog(QDialog):
    """No account exists yet: create the office administrator (and log in as them)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor: Actor | None = None
        self.setWindowTitle(_("Akun admin pertama"))
        intro = QLabel(
            _(
                "Belum ada akun pengguna. Buat akun admin kantor; admin kemudian membuat akun operator, "
                "pelatih dan pejabat. Kata sandi paling sedikit {n} karakter."
            ).format(n=users.MIN_PASSWORD_LENGTH)
        )
        intro.setWordWrap(True)
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.username = QLineEdit("admin")
        self.username.setObjectName("username")
        self.password = password_edit("password")
        self.password2 = password_edit("password2")
        self.message = error_label()
        form = QFormLayout()
        form.addRow(_("Nama lengkap"), self.display_name)
        form.addRow(_("Nama pengguna"), self.username)
        form.addRow(_("Kata sandi"), self.password)
        form.addRow(_("Ulangi kata sandi"), self.password2)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("create_button")
        buttons.accepted.connect(self.create_admin)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def create_admin(self) -> None:
        if self.password.text() != self.password2.text():
            self.message.setText(_("Kedua kata sandi tidak sama."))
            return
        try:
            with self.ctx.db.session() as s:
                users.create_user(
                    s, self.username.text(), self.display_name.text(), "admin", self.password.text()
                )
            with self.ctx.db.session() as s:
                result = auth.login(s, self.username.text(), self.password.text())
        except Exception as exc:
            self.message.setText(describe_error(exc))
            return
        self.actor = result.actor
        self.accept()


def login(ctx: AppContext, parent: QWidget | None = None) -> Actor | None:
    """The whole login: the first admin when there is no account, else the login dialog, then a forced
    password change when an admin reset it. None when the person cancelled."""
    with ctx.read() as s:
        any_user = users.users_exist(s)
    if not any_user:
        first = FirstAdminDialog(ctx, parent)
        return first.actor if first.exec() == QDialog.DialogCode.Accepted else None
    dialog = LoginDialog(ctx, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
        return None
    if dialog.must_change_password:
        from kaltim_desk.views.dialogs.change_password import ChangePasswordDialog

        change = ChangePasswordDialog(ctx, dialog.actor, parent, forced=True)
        if change.exec() != QDialog.DialogCode.Accepted:
            return None
    return dialog.actor
