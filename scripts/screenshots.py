"""Screenshots of the first-run wizard and the main window, made offscreen, for review and the docs.

    uv run python scripts/screenshots.py --lang id           # docs/screenshots/wizard-id.png, main-id.png
    uv run python scripts/screenshots.py --lang en --only wizard

The main window is shown at 1366x768 (the smallest common office screen) on a demo office database in a
temporary folder; nothing touches the real data folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="id", choices=("id", "en"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", choices=("wizard", "main", "settings", "about", "help"), action="append")
    parser.add_argument("--people", type=int, default=120)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="kaltim-shots-"))
    os.environ["KALTIM_DESK_DATA_DIR"] = str(tmp / "data")
    os.environ["KALTIM_DESK_CONFIG_DIR"] = str(tmp / "config")

    from PySide6.QtWidgets import QApplication

    from kaltim_desk.app import AppContext
    from kaltim_desk.config import sqlite_url
    from kaltim_desk.db import Database
    from kaltim_desk.i18n import set_language
    from kaltim_desk.services.office.bootstrap import prepare
    from kaltim_desk.tasks import SyncTaskRunner
    from kaltim_desk.user_settings import UserSettings
    from kaltim_desk.views.application import install_translators, make_application
    from kaltim_desk.views.prompts import QtPrompts

    app = make_application()
    settings = UserSettings.load(tmp / "config" / "settings.json")
    settings.language = args.lang
    set_language(args.lang)
    install_translators(app, args.lang)
    only = set(args.only or ("wizard", "main"))
    args.out.mkdir(parents=True, exist_ok=True)

    def context(name: str) -> AppContext:
        db = Database(sqlite_url(tmp / f"{name}.db"))
        prepare(db)
        return AppContext(db=db, tasks=SyncTaskRunner(), prompts=QtPrompts(), user_settings=settings)

    def save(widget: object, name: str) -> None:
        QApplication.processEvents()
        path = args.out / f"{name}-{args.lang}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        print(path)

    if "wizard" in only:
        from kaltim_desk.views.dialogs.first_run_wizard import OFFICE, FirstRunWizard

        wizard = FirstRunWizard(context("wizard"))
        wizard.show()
        wizard.next()
        assert wizard.currentId() == OFFICE
        i = wizard.office_form.office.findData("64.72")
        wizard.office_form.office.setCurrentIndex(i)
        wizard.office_form.address.setText("Jl. Dahlia No. 81, Samarinda 75121")
        wizard.office_form.phone.setText("(0541) 732174")
        wizard.office_form.email.setText("dinsos@samarindakota.go.id")
        wizard.office_form.email.setFocus()
        save(wizard, "wizard")
        wizard.close()
    if {"main", "settings", "about", "help"} & only:
        from kaltim_desk.demo import create_demo_office
        from kaltim_desk.views.main_window import MainWindow

        ctx = context("main")
        create_demo_office(ctx.db, people=args.people)
        window = MainWindow(ctx)
        window.resize(1366, 728)  # 768 minus the Windows task bar
        window.show()
        window.show_page("people")
        for _ in range(5):
            QApplication.processEvents()
        if "main" in only:
            save(window, "main")
        if "settings" in only:
            from kaltim_desk.views.dialogs.settings_dialog import SettingsDialog

            dialog = SettingsDialog(ctx, window)
            dialog.show()
            save(dialog, "settings")
        if "about" in only:
            from kaltim_desk.views.dialogs.about import AboutDialog

            about = AboutDialog(window)
            about.show()
            save(about, "about")
        if "help" in only:
            from kaltim_desk.views.help import HelpWindow

            help_window = HelpWindow(window, args.lang)
            help_window.show()
            save(help_window, "help")
        window.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
