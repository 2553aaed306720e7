"""Starting the GUI: the QApplication, the database (migrated, checked), the demo offer on an empty
database, the user, and the main window. Anything unexpected becomes a plain message, never a traceback.

A first-ever start (no database file yet) shows the set-up wizard first and makes the database behind
it (`first_start`): the wizard is on screen before SQLAlchemy, the models and the migrations are even
loaded. Every later start opens and checks the database before any window.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from kaltim_desk.app import AppContext
from kaltim_desk.config import database_url, sqlite_path
from kaltim_desk.core.actor import Actor
from kaltim_desk.i18n import _, set_language
from kaltim_desk.tasks import ThreadPoolTaskRunner
from kaltim_desk.user_settings import UserSettings
from kaltim_desk.views.dialogs.first_run_wizard import FirstRunWizard, needs_setup
from kaltim_desk.views.prompts import Prompts, QtPrompts, describe_error
from kaltim_desk.views.startup import (
    DatabaseOpening,
    check_before_open,
    open_for_window,
    start_guards,
    stop_guards,
)

if TYPE_CHECKING:
    from kaltim_desk.services.office.startup import PageCheck

log = logging.getLogger(__name__)


def install_excepthook(prompts: Prompts) -> None:
    """An exception that escapes a slot is logged and shown as a sentence; the app goes on."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unhandled exception", exc_info=(kind, exc, tb))
        with contextlib.suppress(Exception):
            prompts.error(QApplication.activeWindow(), _("Kaltim Desk"), describe_error(exc))

    sys.excepthook = hook


def resume_gc() -> None:
    """Once the first window is up (the database opened, or a first start's wizard painted): the objects
    made so far (modules, classes, mappers, the first
    page) are kept out of every later collection (`gc.freeze`: fewer long pauses of the window), and
    the garbage collector, off during the start (`cli`), runs again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


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


def run_gui(db_arg: str | None = None, page_check: PageCheck | None = None) -> int:
    """The window's whole life, from the display check to the last window closed; returns the exit code.

    A process whose QApplication was made here ends right after, without Python's finalisation:
    PySide6 6.12 releases `True`/`False` once too often in some calls, and the interpreter's last garbage
    collection can then die with "Fatal Python error: bool_dealloc" after the work is saved and the
    database closed (tests/conftest.py ends test processes the same way)."""
    owns_qt = QApplication.instance() is None
    code = _run_gui(db_arg, page_check)
    if owns_qt and QApplication.instance() is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(code)
    return code


def _run_gui(db_arg: str | None, page_check: PageCheck | None) -> int:
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
    tasks = ThreadPoolTaskRunner()
    path = sqlite_path(url)
    if path is not None and not path.exists():
        go_on, remote = check_before_open(url, prompts)  # nothing to check yet: where it will live
        if not go_on:
            return 2
        ctx, code = first_start(url, prompts, tasks, settings)
        if ctx is None:
            return code
    else:
        # A damaged file is set aside and the newest good backup offered, before anything is written.
        opened, remote = open_for_window(url, prompts, tasks, settings, page_check)
        if opened is None:
            return 2
        ctx = opened
        resume_gc()  # what follows is a window the person spends time in (the wizard, the login)
        if needs_setup(ctx):
            # Set up the office (or a demo office) before anything else; cancel = quit, and the wizard
            # comes back next time (nothing was saved).
            wizard = FirstRunWizard(ctx)
            if not wizard.exec():
                ctx.db.dispose()
                return 0
    return _logged_in(app, ctx, remote)


def first_start(
    url: str, prompts: Prompts, tasks: ThreadPoolTaskRunner, settings: UserSettings
) -> tuple[AppContext | None, int]:
    """No database yet: the set-up wizard at once, the database made and prepared in the background from
    its first paint (the person reads the start page meanwhile; Next or Finish waits for it if needed).
    Returns the context after Finish, else (None, exit code): 0 when cancelled (the wizard comes back
    next time: nothing was saved), 2 when the database could not be made (the reason was shown)."""
    opening = DatabaseOpening(url, prompts, tasks, settings)
    wizard = FirstRunWizard(opening=opening, prompts=prompts)
    opening.parent_widget = wizard
    wizard.first_painted.connect(resume_gc)
    wizard.first_painted.connect(opening.start)
    opening.failed.connect(wizard.reject)
    accepted = wizard.exec()
    opening.wait()  # cancelled early: let the database be made whole before the process ends
    if opening.error is not None:
        return None, 2
    ctx = opening.context()
    if not accepted:
        ctx.db.dispose()
        return None, 0
    return ctx, 0


def _logged_in(app: QApplication, ctx: AppContext, remote: bool) -> int:
    """The login, the main window with its guards, and the event loop until the last window closes."""
    # lazy: the main window loads the pages' models and services; the first-run wizard is painted
    # without them
    from kaltim_desk.views.main_window import MainWindow

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
    ctx.db.dispose()
    return int(code)
