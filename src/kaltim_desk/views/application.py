"""Starting the GUI: the QApplication, the database (migrated, checked), the demo offer on an empty
database, the user, and the main window. Anything unexpected becomes a plain message, never a traceback."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from types import TracebackType

from PySide6.QtCore import QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from kaltim_desk.app import AppContext
from kaltim_desk.config import database_url
from kaltim_desk.core.actor import Actor
from kaltim_desk.db import Database
from kaltim_desk.i18n import _, set_language
from kaltim_desk.tasks import ThreadPoolTaskRunner
from kaltim_desk.user_settings import UserSettings
from kaltim_desk.views.prompts import Prompts, QtPrompts, describe_error

log = logging.getLogger(__name__)


def install_excepthook(prompts: Prompts) -> None:
    """An exception that escapes a slot is logged and shown as a sentence; the app goes on."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unhandled exception", exc_info=(kind, exc, tb))
        with contextlib.suppress(Exception):
            prompts.error(QApplication.activeWindow(), _("Kaltim Desk"), describe_error(exc))

    sys.excepthook = hook


def make_application() -> QApplication:
    if QApplication.instance() is None:
        # High-DPI (Qt 6 scales by default): fractional scaling such as 125 %/150 % on office laptops must
        # be set before the application object exists, or Qt ignores it.
        QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Kaltim Desk")
    app.setOrganizationName("Dinas Sosial Provinsi Kalimantan Timur")
    from kaltim_desk.views.help import app_icon

    app.setWindowIcon(app_icon())
    return app


def install_translators(app: QApplication, lang: str) -> list[QTranslator]:
    """Translate Qt's own texts (standard buttons, wizard buttons, text-field menus) into `lang`.

    English comes with PySide6 (`qtbase_en.qm`). Qt ships no Indonesian catalogue, so the app carries
    its own small one, `resources/translations/qt/qtbase_id.ts` compiled to `.qm` by scripts/i18n.py:
    the buttons and menus a clerk actually meets (OK/Batal/Ya/Tidak/Simpan/Tutup/Terapkan, Lanjut/Kembali
    in wizards, Salin/Tempel in text fields)."""
    from PySide6.QtCore import QLibraryInfo

    from kaltim_desk.config import resource

    for old in app.property("kd_translators") or []:
        app.removeTranslator(old)
    installed: list[QTranslator] = []
    candidates = [(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    candidates.append((f"qtbase_{lang}", str(resource("translations", "qt"))))
    for name, folder in candidates:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
            break
    app.setProperty("kd_translators", installed)
    return installed


def login(ctx: AppContext) -> Actor | None:
    """Who is using the app: the login dialog (or the first admin's account when none exists yet)."""
    from kaltim_desk.views.dialogs.login import login as login_dialog

    return login_dialog(ctx)


def no_display() -> str:
    """Why no window can open here ("" when one can): on Linux without X11 or Wayland Qt would abort
    with its raw plugin message and a core dump; say it in words and point at the commands instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return ""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return ""
    return (
        "Kaltim Desk tidak dapat membuka jendela: komputer ini tidak punya layar grafis (DISPLAY atau "
        "WAYLAND_DISPLAY kosong). Jalankan di desktop, atau pakai perintah tanpa layar: "
        "'kaltim-desk --help' menampilkan daftarnya."
    )


def run_gui(db_arg: str | None = None) -> int:
    """The window's whole life, from the display check to the last window closed; returns the exit code.

    A process whose QApplication was made here ends right after, without Python's finalisation:
    PySide6 6.12 releases `True`/`False` once too often in some calls, and the interpreter's last garbage
    collection can then die with "Fatal Python error: bool_dealloc" after the work is saved and the
    database closed (tests/conftest.py ends test processes the same way)."""
    owns_qt = QApplication.instance() is None
    code = _run_gui(db_arg)
    if owns_qt and QApplication.instance() is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(code)
    return code


def _run_gui(db_arg: str | None) -> int:
    from kaltim_desk.services.office.bootstrap import prepare
    from kaltim_desk.views.main_window import MainWindow

    reason = no_display()
    if reason:
        print(reason, file=sys.stderr)
        return 2

    settings = UserSettings.load()
    set_language(settings.language)
    app = make_application()
    install_translators(app, settings.language)
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    prompts = QtPrompts(settings)
    install_excepthook(prompts)
    url = database_url(db_arg)
    from kaltim_desk.views.startup import check_before_open, start_guards, stop_guards

    go_on, remote = check_before_open(url, prompts)  # damaged file: set aside, newest good backup offered
    if not go_on:
        return 2
    try:
        db = Database(url)
        prepare(db)
    except Exception as exc:
        log.exception("could not open %s", url)
        prompts.error(
            None,
            _("Kaltim Desk"),
            _("Basis data tidak dapat dibuka: {detail}").format(detail=describe_error(exc)),
        )
        return 2
    ctx = AppContext(db=db, tasks=ThreadPoolTaskRunner(), prompts=prompts, user_settings=settings)
    from kaltim_desk.views.dialogs.first_run_wizard import FirstRunWizard, needs_setup

    if needs_setup(ctx):
        # First start: set up the office (or a demo office) before anything else; cancel = quit, and
        # the wizard comes back next time (nothing was saved).
        wizard = FirstRunWizard(ctx)
        if not wizard.exec():
            db.dispose()
            return 0
    actor = login(ctx)
    if actor is None:
        return 0
    ctx.actor = actor
    window = MainWindow(ctx)
    window.show()
    start_guards(ctx, window, remote=remote)  # network refusal, one writer, daily backup, idle lock
    code = app.exec()
    stop_guards(ctx)
    ctx.tasks.wait(5000)  # type: ignore[attr-defined]
    db.dispose()
    return int(code)
