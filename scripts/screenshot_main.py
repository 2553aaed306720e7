"""Render the main window on a demo office offscreen and save it as a PNG (for the README).

uv run python scripts/screenshot_main.py [OUT.png] [--page people] [--lang id]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default="docs/screenshots/main-id.png")
    parser.add_argument("--page", default="people")
    parser.add_argument("--lang", default="id")
    parser.add_argument("--people", type=int, default=400)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kd-shot-"))
    os.environ["KALTIM_DESK_DATA_DIR"] = str(tmp / "data")
    os.environ["KALTIM_DESK_CONFIG_DIR"] = str(tmp / "config")

    from PySide6.QtWidgets import QApplication

    from kaltim_desk.app import AppContext
    from kaltim_desk.core.actor import Actor
    from kaltim_desk.db import Database
    from kaltim_desk.demo.office import create_demo_office
    from kaltim_desk.i18n import set_language
    from kaltim_desk.services.office.bootstrap import prepare
    from kaltim_desk.tasks import SyncTaskRunner
    from kaltim_desk.user_settings import UserSettings
    from kaltim_desk.views.main_window import MainWindow
    from kaltim_desk.views.prompts import QtPrompts

    set_language(args.lang)
    app = QApplication.instance() or QApplication([])
    db = Database(f"sqlite:///{tmp / 'demo.db'}")
    prepare(db)
    create_demo_office(db, people=args.people)
    settings = UserSettings.load(tmp / "settings.json")
    settings.last_page = args.page
    ctx = AppContext(
        db=db,
        tasks=SyncTaskRunner(),
        prompts=QtPrompts(),
        user_settings=settings,
        actor=Actor("operator.demo", "admin", display_name="Operator Demo"),
    )
    window = MainWindow(ctx)
    window.resize(1366, 740)
    window.show()
    for _ in range(5):
        app.processEvents()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(args.out)
    print(args.out)


if __name__ == "__main__":
    main()
