"""The demo office's accounts as a small table: who to log in as, with which password, to do what.

Shown by the first-run wizard when "kantor demo" is chosen and by the login dialog while the database
holds active demo accounts, so a trainee enters the demo office with what the screens say alone.
Clicking a row fills the login form (`chosen`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from kaltim_desk.demo.accounts import DEMO_ACCOUNTS
from kaltim_desk.i18n import _
from kaltim_desk.vocabulary import UserRole, user_role_labels


def role_tasks() -> dict[str, str]:
    """What each role does first in the demo office, in the words of the menu it will use."""
    return {
        UserRole.ADMIN: _("pengguna dan pengaturan kantor"),
        UserRole.OFFICER: _("menyetujui bantuan, laporan, audit"),
        UserRole.CLERK: _("mendata penerima dan kelompok"),
        UserRole.TRAINER: _("pelatihan dan kunjungan"),
    }


def demo_password(username: str) -> str:
    """The documented password of a demo account ("" for any other account)."""
    return next((pw for name, _display, _role, pw in DEMO_ACCOUNTS if name == username), "")


class DemoAccountsTable(QTableWidget):
    """Username, password, role and what the role is for; one row per active demo account."""

    chosen = Signal(str, str)

    def __init__(self, accounts: list[tuple[str, str]] | None = None, parent: QWidget | None = None) -> None:
        """`accounts` is [(username, role)]; None lists every account the demo office creates."""
        super().__init__(parent)
        self.setObjectName("demo_accounts")
        if accounts is None:
            accounts = [(name, role) for name, _display, role, _pw in DEMO_ACCOUNTS]
        self.setColumnCount(4)
        self.setHorizontalHeaderLabels([_("Nama pengguna"), _("Kata sandi"), _("Peran"), _("Untuk")])
        self.setRowCount(len(accounts))
        roles, tasks = user_role_labels(), role_tasks()
        for row, (name, role) in enumerate(accounts):
            for col, text in enumerate(
                (name, demo_password(name), roles.get(role, role), tasks.get(role, ""))
            ):
                self.setItem(row, col, QTableWidgetItem(text))
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(self.horizontalScrollBarPolicy().ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(self.verticalScrollBarPolicy().ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.resizeRowsToContents()
        # never narrower than its words: the dialog holding it grows instead of eliding "untuk" texts
        self.resizeColumnsToContents()
        width = sum(self.columnWidth(c) for c in range(self.columnCount()))
        self.setMinimumWidth(width + 2 * self.frameWidth() + 4)
        height = header.sizeHint().height() + sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(height + 2 * self.frameWidth())
        self.setToolTip(_("Klik satu baris untuk mengisi nama pengguna dan kata sandinya."))
        self.cellClicked.connect(self._clicked)

    def _clicked(self, row: int, _col: int) -> None:
        item = self.item(row, 0)
        if item is None:
            return
        name = item.text()
        self.chosen.emit(name, demo_password(name))
