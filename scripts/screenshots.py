"""Every page and dialog of Kaltim Desk as a PNG, and a list of whatever does not fit the screen.

    uv run python scripts/screenshots.py --out build/shots                     # 1366x768 at 100%, Indonesian
    uv run python scripts/screenshots.py --out build/shots --scale 1.25 --lang en
    uv run python scripts/screenshots.py --out build/shots --only person       # screens whose name has it

It opens a demo office in a temporary folder (nothing touches the real data folder), logged in as its
admin so that every page and menu is there, and walks the first-run wizard, the login screens, every page
and every form, editor, wizard page and confirmation that the pages open. Each screen is written as
`DIR/NN-name.png` and checked with `kaltim_desk.views.fit.misfits` against the work area (the screen
minus a 40 px task bar, divided by the scale): a window larger than the work area, a form that scrolls
sideways, elided or clipped text in a label, button, combo box, tab or column. Every problem is printed;
the exit code is 3 when anything does not fit, 0 when everything does.

It runs offscreen (no display needed) with a screen of exactly that size; fonts are the system's
(DejaVu on Linux: wider than Windows' Segoe UI, so what fits here fits there).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TASK_BAR = 40


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ukuran layar harus LEBARxTINGGI, mis. 1366x768, bukan {text!r}"
        ) from None
    return w, h


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Tangkapan layar setiap halaman dan dialog, dan daftar isi yang tidak muat di layar."
    )
    parser.add_argument("--out", type=Path, required=True, help="folder untuk berkas PNG")
    parser.add_argument("--size", type=_parse_size, default=(1366, 768), help="layar, mis. 1366x768")
    parser.add_argument("--scale", type=float, default=1.0, help="skala tampilan Windows, mis. 1.25")
    parser.add_argument("--lang", default="id", choices=("id", "en"))
    parser.add_argument("--only", action="append", help="hanya layar yang namanya memuat teks ini")
    parser.add_argument("--people", type=int, default=120, help="jumlah penerima kantor demo")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="kaltim-shots-"))
    width, height = args.size
    screen = {"name": "office", "x": 0, "y": 0, "width": width, "height": height - TASK_BAR}
    screen.update({"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1})
    (tmp / "screen.json").write_text(json.dumps({"screens": [screen]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={tmp / 'screen.json'}"
    os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    os.environ["KALTIM_DESK_DATA_DIR"] = str(tmp / "data")
    os.environ["KALTIM_DESK_CONFIG_DIR"] = str(tmp / "config")
    args.out.mkdir(parents=True, exist_ok=True)
    return Run(args, tmp).run()


class Run:
    """One pass over every screen."""

    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args, self.tmp = args, tmp
        self.count = 0
        self.problems: dict[str, list[str]] = {}
        self.failures: list[str] = []
        self.name = ""  # the name for the next dialog a scene opens
        self.opened = 0

    # --- plumbing ------------------------------------------------------------------------------------
    def run(self) -> int:
        from PySide6.QtCore import QSize, qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        from kaltim_desk.i18n import set_language
        from kaltim_desk.views.application import install_translators, make_application

        def quiet(_kind: Any, _context: Any, message: str) -> None:
            if "This plugin does not support" not in message:  # the offscreen screen has no window manager
                print(message, file=sys.stderr)

        qInstallMessageHandler(quiet)
        self.app = make_application()
        set_language(self.args.lang)
        install_translators(self.app, self.args.lang)
        area = self.app.primaryScreen().availableGeometry()
        self.area = QSize(area.width(), area.height())
        self._patch_exec()
        self._scenes()
        QApplication.processEvents()
        print()
        print(
            f"{self.count} layar di {self.args.out}  ({self.args.size[0]}x{self.args.size[1]}, skala "
            f"{self.args.scale:g}, area kerja {self.area.width()}x{self.area.height()}, {self.args.lang})"
        )
        for name in self.failures:
            print(f"GAGAL {name}")
        bad = sum(len(v) for v in self.problems.values())
        print(f"{bad} masalah di {len(self.problems)} layar" if bad else "Semua muat.")
        return 3 if bad or self.failures else 0

    def wanted(self, name: str) -> bool:
        return not self.args.only or any(part in name for part in self.args.only)

    def shoot(self, widget: Any, name: str) -> None:
        from PySide6.QtWidgets import QApplication

        from kaltim_desk.views.fit import misfits

        if not self.wanted(name):
            return
        if not widget.isVisible():
            widget.show()
        for _ in range(4):
            QApplication.processEvents()
        self.count += 1
        path = self.args.out / f"{self.count:02d}-{name}.png"
        widget.grab().save(str(path))
        found = misfits(widget, self.area)
        status = "muat" if not found else f"{len(found)} tidak muat"
        print(f"{path.name}: {widget.width()}x{widget.height()} {status}")
        for line in found:
            print(f"    {line}")
        if found:
            self.problems[name] = found

    def _patch_exec(self) -> None:
        """A dialog opened with exec() is shown, shot and closed (answered with its Cancel/No)."""
        from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QProgressDialog

        run = self

        def fake_exec(dialog: Any) -> int:
            run.opened += 1
            name = run.name or type(dialog).__name__.lower()
            if run.opened > 1:
                name = f"{name}-{type(dialog).__name__.lower()}"
            dialog.show()
            try:
                run.shoot(dialog, name)
            finally:
                dialog.hide()
                run.opened -= 1
            return 0

        for cls in (QDialog, QMessageBox, QFileDialog, QInputDialog, QProgressDialog):
            cls.exec = fake_exec  # type: ignore[method-assign]

    def scene(self, name: str, action: Callable[[], Any]) -> Any:
        """Run `action`; a dialog it opens is shot as `name`. A failure is reported, the run goes on."""
        self.name = name
        try:
            return action()
        except Exception:
            self.failures.append(name)
            print(f"{name}: GAGAL")
            traceback.print_exc()
            return None
        finally:
            self.name = ""

    def context(self, name: str, actor: Any = None) -> Any:
        from kaltim_desk.app import AppContext
        from kaltim_desk.config import sqlite_url
        from kaltim_desk.db import Database
        from kaltim_desk.services.office.bootstrap import prepare
        from kaltim_desk.tasks import SyncTaskRunner
        from kaltim_desk.user_settings import UserSettings

        db = Database(sqlite_url(self.tmp / f"{name}.db"))
        prepare(db)
        settings = UserSettings.load(self.tmp / "config" / f"{name}.json")
        settings.language = self.args.lang
        prompts = ShotPrompts(self.tmp)
        ctx = AppContext(db=db, tasks=SyncTaskRunner(), prompts=prompts, user_settings=settings)
        if actor is not None:
            ctx.actor = actor
        return ctx

    # --- the screens ---------------------------------------------------------------------------------
    def _scenes(self) -> None:
        self.first_run()
        ctx = self.demo_office()
        self.logins(ctx)
        self.main_window(ctx)

    def first_run(self) -> None:
        from kaltim_desk.views.dialogs.first_run_wizard import FirstRunWizard

        ctx = self.context("wizard")
        wizard = FirstRunWizard(ctx)
        wizard.show()
        self.shoot(wizard, "wizard-start")
        wizard.start.demo.setChecked(True)
        self.shoot(wizard, "wizard-start-demo")
        wizard.start.own.setChecked(True)
        wizard.next()
        form = wizard.office_form
        form.office.setCurrentIndex(form.office.findData("64.72"))
        form.address.setText("Jl. Dahlia No. 81, Samarinda 75121")
        form.phone.setText("(0541) 732174")
        form.email.setText("dinsos@samarindakota.go.id")
        form.code.setText("DINSOS-SMD")
        self.shoot(wizard, "wizard-office")
        wizard.next()
        self.shoot(wizard, "wizard-signatories")
        fields = wizard.signatories_form.fields
        fields["head"]["name"].setText("Drs. ANDI HARUN, M.Si")
        fields["head"]["nip"].setText("196805121993032004")
        fields["section_head"]["name"].setText("SITI RAHMAH, S.Sos")
        fields["section_head"]["nip"].setText("197403182000031002")
        wizard.next()
        self.shoot(wizard, "wizard-numbering")
        wizard.next()
        if wizard.admin_page is not None:
            page = wizard.admin_page
            page.username.setText("admin.smd")
            page.display_name.setText("Admin Dinsos Samarinda")
            page.password.setText("kantor-samarinda-2026")
            page.repeat.setText("kantor-samarinda-2062")
            page.validatePage()
            self.shoot(wizard, "wizard-admin-mismatch")
        wizard.reject()
        wizard.deleteLater()

    def demo_office(self) -> Any:
        from kaltim_desk.demo.office import create_demo_office
        from kaltim_desk.services.office import auth

        ctx = self.context("demo")
        create_demo_office(ctx.db, people=self.args.people)
        with ctx.db.session() as s:
            ctx.actor = auth.login(s, "admin", "demo-admin").actor
        return ctx

    def logins(self, ctx: Any) -> None:
        from kaltim_desk.views.dialogs.change_password import ChangePasswordDialog
        from kaltim_desk.views.dialogs.login import FirstAdminDialog, LoginDialog

        login = LoginDialog(ctx)
        self.shoot(login, "login-demo")
        login.username.setText("operator")
        login.password.setText("salah")
        login.try_login()
        self.shoot(login, "login-wrong-password")
        login.close()
        empty = self.context("empty")
        first = FirstAdminDialog(empty)
        self.shoot(first, "first-admin")
        first.close()
        lock = LoginDialog(ctx, locked_actor=ctx.actor)
        self.shoot(lock, "lock-screen")
        lock.close()
        change = ChangePasswordDialog(ctx, ctx.actor, None, forced=True)
        self.shoot(change, "change-password-forced")
        change.close()

    def main_window(self, ctx: Any) -> None:
        from PySide6.QtWidgets import QApplication

        from kaltim_desk.views.main_window import MainWindow

        window = MainWindow(ctx)
        window.showMaximized()
        QApplication.processEvents()
        for spec in window.specs:
            page = window.show_page(spec.key)
            self.shoot(window, f"page-{spec.key}")
            getattr(self, f"page_{spec.key}", lambda _w, _p: None)(window, page)
        window.show_page("people")
        for action in window.findChildren(type(window.menuBar().actions()[0])):
            name = action.objectName()
            if name.startswith("action_") and name not in ("action_guide",):
                self.scene(name.removeprefix("action_").replace("_", "-"), action.trigger)
        window.show_help()
        self.shoot(window.help_window, "help")
        window.help_window.close()
        self.settings_tabs(ctx, window)
        window.close()

    def settings_tabs(self, ctx: Any, window: Any) -> None:
        from PySide6.QtWidgets import QTabWidget

        from kaltim_desk.views.dialogs.about import AboutDialog
        from kaltim_desk.views.dialogs.settings_dialog import SettingsDialog

        for cls, name in ((SettingsDialog, "settings"), (AboutDialog, "about")):
            dialog = cls(ctx, window) if cls is SettingsDialog else cls(window)
            dialog.show()
            tabs = dialog.findChild(QTabWidget)
            if tabs is None:
                continue
            for i in range(1, tabs.count()):
                tabs.setCurrentIndex(i)
                self.shoot(dialog, f"{name}-tab{i + 1}")
            dialog.close()

    # pages: what each one opens -----------------------------------------------------------------------
    def _first_id(self, page: Any) -> int | None:
        row = page.model.row_at(0)
        return getattr(row, "id", None)

    def page_people(self, window: Any, page: Any) -> None:
        from kaltim_desk.views.dialogs.person_form import PersonForm

        self.scene("person-new", page.add)
        self.scene("person-edit", lambda: page.open_item(self._first_id(page)))
        form = PersonForm(page.ctx, None, window)
        form.show()
        form.nik.setText("6472054708800001")
        form.name.setText("SITI AMINAH")
        self.shoot(form, "person-new-filled")
        self.scene("person-unsaved-question", form.reject)
        form.done(0)
        page.table.selectRow(0)
        self.scene("person-deactivate", page.deactivate)
        self.scene("import-wizard", page.import_excel)

    def page_groups(self, window: Any, page: Any) -> None:
        self.scene("group-new", page.add)
        self.scene("group-edit", lambda: page.open_item(self._first_id(page)))

    def page_aid(self, window: Any, page: Any) -> None:
        self.scene("grant-new", page.add)
        self.scene("grant-edit", lambda: page.open_item(self._first_id(page)))
        self.scene("programme-new", page.new_programme)
        page.programme.setCurrentIndex(1)
        self.scene("programme-edit", page.edit_programme)
        page.programme.setCurrentIndex(0)

    def page_training(self, window: Any, page: Any) -> None:
        self.scene("training-new", page.add)
        self.scene("training-edit", lambda: page.open_item(self._first_id(page)))
        page.table.selectRow(0)
        self.scene("attendance", page.open_attendance)
        self.scene("certificate-verify", page.verify)
        self.scene("training-settings", page.settings)

    def page_monitoring(self, window: Any, page: Any) -> None:
        visits = page.visits
        self.scene("visit-new", visits.add)
        self.scene("visit-edit", lambda: visits.open_item(self._first_id(visits)))
        page.tabs.setCurrentIndex(1)
        self.shoot(window, "page-monitoring-overdue")
        page.tabs.setCurrentIndex(0)


class ShotPrompts:
    """The real message boxes (shot by the patched exec); file pickers answer with nothing."""

    def __init__(self, tmp: Path) -> None:
        from kaltim_desk.views.prompts import QtPrompts

        self._qt = QtPrompts()
        self.tmp = tmp

    def __getattr__(self, name: str) -> Any:
        return getattr(self._qt, name)

    def open_file(self, *_args: Any) -> None:
        return None

    def save_file(self, *_args: Any) -> None:
        return None

    def choose_folder(self, *_args: Any) -> None:
        return None


if __name__ == "__main__":
    sys.exit(main())
