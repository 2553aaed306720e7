"""Backups from the GUI (RELIABILITY R6): a verified backup to a folder or USB drive, the list of
automatic backups, and restore from a file after verification. Also the Keamanan menu of the main
window (backup, restore, users, change password, lock screen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.i18n import _
from kaltim_desk.services.office import backup, restore
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.form_dialog import fit_to_screen
from kaltim_desk.views.widgets.saved import tell_saved

REASON_LABELS = {
    "manual": _("manual"),
    "harian": _("harian"),
    "migrasi": _("sebelum pembaruan"),
    "impor": _("sebelum impor"),
    "sebelum-pulih": _("sebelum pemulihan"),
    "uji": _("uji"),
}


class BackupDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Cadangan basis data"))
        fit_to_screen(self, 640, 420)
        self.folder = backup.default_backup_dir(ctx.db.path) if ctx.db.path else None
        intro = QLabel(
            _(
                "Cadangan otomatis dibuat setiap hari, sebelum impor dan sebelum pembaruan, di {folder}. "
                "Simpan juga cadangan di flashdisk secara berkala dan simpan flashdisk itu di tempat aman: "
                "cadangan berisi seluruh data pribadi penerima."
            ).format(folder=self.folder or "-")
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("backups")
        self.table.setHorizontalHeaderLabels([_("Waktu"), _("Jenis"), _("Ukuran")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.backup_button = QPushButton(_("Cadangkan ke folder/flashdisk…"))
        self.backup_button.setObjectName("backup_button")
        self.backup_button.clicked.connect(self.backup_to_folder)
        self.restore_button = QPushButton(_("Pulihkan dari berkas…"))
        self.restore_button.setObjectName("restore_button")
        self.restore_button.clicked.connect(self.restore_from_file)
        self.backup_button.setVisible(ctx.can("backup.create"))
        self.restore_button.setVisible(ctx.can("backup.restore"))
        if not ctx.db.is_sqlite:
            self.status.setText(backup.NOT_SQLITE)
            self.backup_button.setEnabled(False)
            self.restore_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        close = QPushButton(_("Tutup"))
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        items = backup.list_backups(self.folder) if self.folder else []
        self.table.setRowCount(len(items))
        for r, info in enumerate(items):
            cells = [
                info.created.strftime("%d-%m-%Y %H:%M"),
                REASON_LABELS.get(info.reason, info.reason),
                f"{info.size / 1_048_576:.1f} MB",
            ]
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(str(info.path))
                self.table.setItem(r, c, item)

    def backup_to_folder(self) -> None:
        folder = self.ctx.prompts.choose_folder(self, _("Pilih folder atau flashdisk tujuan"))
        if folder is None:
            return
        self.status.setText(_("Membuat cadangan…"))

        def work(state: Any) -> backup.BackupInfo:
            return backup.create_backup(
                self.ctx.db, self.ctx.actor, Path(folder), progress=lambda d, t: state.progress(d, t, "")
            )

        def done(info: backup.BackupInfo) -> None:
            text = _("Cadangan terverifikasi disimpan: {path}").format(path=info.path)
            self.status.setText(text)
            tell_saved(self.ctx, self, _("Cadangan"), text, Path(info.path).parent)  # Buka folder / Tutup

        def failed(exc: BaseException) -> None:
            self.status.setText(describe_error(exc))
            self.ctx.prompts.error(self, _("Cadangan"), describe_error(exc))

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def restore_from_file(self) -> None:
        """Check the chosen backup, ask, then restore it: the check reads the whole file and the
        restore copies and migrates it (minutes on a province database), so both run in the task
        runner while the dialog says what it is doing and its buttons wait."""
        path = self.ctx.prompts.open_file(self, _("Pilih berkas cadangan"), _("Cadangan Kaltim Desk (*.db)"))
        if path is None:
            return
        chosen = Path(path)
        self._busy(_("Memeriksa cadangan {name}…").format(name=chosen.name))
        self.ctx.tasks.run(
            lambda _state: backup.verify_backup(chosen),
            on_done=lambda check: self._checked(chosen, check),
            on_error=self._restore_failed,
        )

    def _busy(self, text: str | None) -> None:
        self.status.setText(text or "")
        for button in (self.backup_button, self.restore_button):
            button.setEnabled(text is None)

    def _checked(self, path: Path, check: Any) -> None:
        if not check.ok:
            self._busy(None)
            self.status.setText(check.message)
            self.ctx.prompts.error(
                self, _("Pemulihan"), _("Pemulihan dibatalkan: {reason}").format(reason=check.message)
            )
            return
        if not self.ctx.prompts.confirm(
            self,
            _("Pulihkan basis data?"),
            _(
                "{check}\n\nSeluruh isi basis data akan diganti dengan isi cadangan {name}. Basis data saat ini "
                "disimpan dulu sebagai cadangan 'sebelum pemulihan'. Lanjutkan?"
            ).format(check=check.message, name=path.name),
        ):
            self._busy(None)
            return
        self._busy(_("Memulihkan basis data dari {name}…").format(name=path.name))
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.tasks.run(
            lambda _state: restore.restore_database(db, path, actor),
            on_done=lambda safety: self._restored(path, safety),
            on_error=self._restore_failed,
        )

    def _restore_failed(self, exc: BaseException) -> None:
        self._busy(None)
        self.status.setText(describe_error(exc))
        self.ctx.prompts.error(self, _("Pemulihan"), describe_error(exc))

    def _restored(self, path: Path, safety: Any) -> None:
        self._busy(None)
        text = _("Basis data dipulihkan dari {name}.").format(name=path.name)
        if safety is not None:
            text += " " + _("Isi sebelumnya disimpan di {path}.").format(path=safety.path)
        self.status.setText(text)
        self.ctx.prompts.info(self, _("Pemulihan"), text)
        self.reload()


def install_safety_menu(window: Any) -> None:
    """The Keamanan menu of the main window; entries hidden for roles that can not use them."""
    ctx: AppContext = window.ctx
    menu = window.menuBar().addMenu(_("&Keamanan"))

    def add(
        name: str, text: str, slot: Any, permission: str | None = None, shortcut: str | None = None
    ) -> None:
        if permission and not ctx.can(permission):
            return
        action = QAction(text, window)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)

    def show_backup() -> None:
        BackupDialog(ctx, window).exec()
        if hasattr(window, "refresh_current"):
            window.refresh_current()

    def show_users() -> None:
        from kaltim_desk.views.dialogs.users_dialog import UsersDialog

        UsersDialog(ctx, window).exec()

    def change_password() -> None:
        from kaltim_desk.views.dialogs.change_password import ChangePasswordDialog

        ChangePasswordDialog(ctx, ctx.actor, window).exec()

    def lock() -> None:
        from kaltim_desk.views.startup import lock_window

        if not lock_window(ctx, window, getattr(window, "idle_lock", None)):
            window.close()

    can_backup = ctx.can("backup.create") or ctx.can("backup.restore")
    if can_backup:
        add("action_backup", _("&Cadangan dan pemulihan…"), show_backup)
    add("action_users", _("&Pengguna…"), show_users, "user.manage")
    if ctx.actor.user_id is not None:
        add("action_change_password", _("&Ganti kata sandi…"), change_password)
    add("action_lock", _("&Kunci layar"), lock, shortcut="Ctrl+L")
    window.safety_menu = menu
