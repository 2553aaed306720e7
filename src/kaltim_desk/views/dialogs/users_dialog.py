"""Accounts (admin only, `user.manage`): add, change role, deactivate, reset password, unlock."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.actor import ROLES
from kaltim_desk.i18n import _
from kaltim_desk.models.vocabulary import user_role_labels
from kaltim_desk.services.office import users
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.form_dialog import fit_to_screen
from kaltim_desk.views.widgets.inputs import password_edit
from kaltim_desk.views.widgets.tables import fit_columns


def role_label(role: str) -> str:
    return user_role_labels().get(role, role)


class UserForm(QDialog):
    """A new account: username, full name, role, first password (to be changed at first login)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Pengguna baru"))
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for role in ROLES:
            self.role.addItem(role_label(role), role)
        self.password = password_edit("password")
        form = QFormLayout(self)
        form.addRow(_("Nama pengguna"), self.username)
        form.addRow(_("Nama lengkap"), self.display_name)
        form.addRow(_("Peran"), self.role)
        form.addRow(_("Kata sandi awal"), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class UsersDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Pengguna"))
        fit_to_screen(self, 720, 420)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("users")
        self.table.setHorizontalHeaderLabels(
            [_("Nama pengguna"), _("Nama lengkap"), _("Peran"), _("Status"), _("Masuk terakhir")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        fit_columns(self.table, stretch=1)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        for name, text, slot in (
            ("add", _("Tambah…"), self.add),
            ("role", _("Ubah peran…"), self.change_role),
            ("toggle", _("Aktifkan/Nonaktifkan"), self.toggle_active),
            ("reset", _("Atur ulang kata sandi…"), self.reset_password),
            ("unlock", _("Buka kunci"), self.unlock),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.rows: list[users.UserDTO] = []
        self.reload()

    def reload(self) -> None:
        try:
            with self.ctx.read() as s:
                self.rows = users.list_users(s)
        except Exception as exc:
            self.message.setText(describe_error(exc))
            return
        self.table.setRowCount(len(self.rows))
        for r, u in enumerate(self.rows):
            status = _("aktif") if u.active else _("nonaktif")
            if u.locked_until is not None:
                status += " " + _("(terkunci)")
            if u.is_demo:
                status += " " + _("[DEMO]")
            cells = [
                u.username,
                u.display_name,
                role_label(u.role),
                status,
                u.last_login.strftime("%d-%m-%Y %H:%M") if u.last_login else "",
            ]
            for c, value in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def selected(self) -> users.UserDTO | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _run(self, fn: object, done: str) -> None:
        try:
            with self.ctx.session() as s:
                fn(s)  # type: ignore[operator]
        except Exception as exc:
            self.message.setText(describe_error(exc))
            return
        self.message.setText(done)
        self.reload()

    def add(self) -> None:
        form = UserForm(self)
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        self._run(
            lambda s: users.create_user(
                s,
                form.username.text(),
                form.display_name.text(),
                form.role.currentData(),
                form.password.text(),
                must_change_password=True,
            ),
            _("Pengguna {name} dibuat; kata sandi wajib diganti saat masuk pertama.").format(
                name=form.username.text()
            ),
        )

    def change_role(self) -> None:
        u = self.selected()
        if u is None:
            return
        labels = {role_label(r): r for r in ROLES}
        answer = self.ctx.prompts.ask_text(
            self,
            _("Ubah peran"),
            _("Peran baru ({choices}):").format(choices=", ".join(labels)),
            role_label(u.role),
        )
        if not answer:
            return
        role = labels.get(answer.strip(), answer.strip().lower())
        self._run(
            lambda s: users.update_user(s, u.id, role=role), _("Peran {name} diubah.").format(name=u.username)
        )

    def toggle_active(self) -> None:
        u = self.selected()
        if u is None:
            return
        self._run(
            lambda s: users.set_active(s, u.id, not u.active),
            _("Status {name} diubah.").format(name=u.username),
        )

    def reset_password(self) -> None:
        u = self.selected()
        if u is None:
            return
        password = self.ctx.prompts.ask_text(self, _("Atur ulang kata sandi"), _("Kata sandi sementara:"))
        if not password:
            return
        self._run(
            lambda s: users.reset_password(s, u.id, password),
            _("Kata sandi {name} diatur ulang; wajib diganti saat masuk.").format(name=u.username),
        )

    def unlock(self) -> None:
        u = self.selected()
        if u is None:
            return
        self._run(lambda s: users.unlock_user(s, u.id), _("Akun {name} dibuka.").format(name=u.username))
