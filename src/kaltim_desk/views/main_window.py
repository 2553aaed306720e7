"""The main window: navigation on the left, the current page on the right, a status bar below."""

from __future__ import annotations

import gc
import importlib
import logging
import sys
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.settings import OfficeProfile, load_section
from kaltim_desk.i18n import _
from kaltim_desk.views.help import icon
from kaltim_desk.views.pages.registry import PageSpec, page_specs
from kaltim_desk.views.widgets.form_dialog import fit_to_screen
from kaltim_desk.vocabulary import user_role_labels

log = logging.getLogger(__name__)

# After the first page is up, the other pages' code is loaded in the background, so the first visit to
# each does not hold the window still while its modules (and what they import) load.
PRELOAD_AFTER_MS = 1500


def window_title(ctx: AppContext) -> str:
    """The office this window works for (a demo office says so), not always the province's."""
    try:
        with ctx.read() as s:
            profile = load_section(s, OfficeProfile)
    except Exception:
        log.exception("office profile for the title")
        return "Kaltim Desk"
    place = profile.government_name.removeprefix("PEMERINTAH ").title()
    office = f"{profile.agency_name.title()} {place}".strip()
    title = f"Kaltim Desk — {office}"
    if profile.is_demo and "DEMO" not in title.upper():
        title += " " + _("[KANTOR DEMO]")
    return title


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(window_title(ctx))
        # Fits a 1366x768 screen at 125% (a 1093x582 work area) and a half-screen window at 100%.
        self.setMinimumSize(780, 500)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        self._imported: set[str] = set()  # pages whose code was loaded (or tried) in the background
        self._loading: set[str] = set()  # ... and still is
        self._started = False  # the first page is built at once, while the window is made
        self.specs: list[PageSpec] = [s for s in page_specs() if ctx.can(s.permission)]

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        for spec in self.specs:
            item = QListWidgetItem(icon(spec.key), spec.title)
            item.setToolTip(f"{spec.title} ({spec.shortcut})")
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # built on first visit
            act = QAction(spec.title, self)
            act.setShortcut(QKeySequence(spec.shortcut))
            act.triggered.connect(lambda _c=False, k=spec.key: self.show_page(k))
            self.addAction(act)
        self.nav.currentRowChanged.connect(self._on_nav)

        self.user_label = QLabel()
        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.db_label)
        self._update_status()
        self._build_menu()

        geometry = ctx.user_settings.window_geometry
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        else:
            fit_to_screen(self, 1366, 728)
        self.show_page(
            ctx.user_settings.last_page if self._index(ctx.user_settings.last_page) >= 0 else "people"
        )
        self._started = True
        gc.freeze()  # see _preload_pages
        QTimer.singleShot(PRELOAD_AFTER_MS, self, self._preload_pages)

    def _preload_pages(self) -> None:
        """Import the modules of the pages not yet shown, and babel's number formats, in the task runner
        (imports are file reads and run module code; on the GUI thread they held a first visit still
        for 0.1-0.3 s). A page
        whose import fails here fails again, with its message, when it is opened.

        Then, as once the window was made, the objects of the start-up (modules, classes, the window)
        are moved out of the garbage collector's sight (`gc.freeze`): they live as long as the app, and
        every full collection walked them again, some 50-60 ms of a held window each time on the 2-core
        office PC."""
        modules = [spec.module for spec in self.specs if spec.key not in self.pages]

        def work(state: Any) -> None:
            from kaltim_desk.domain import money  # lazy: babel stays off the start path

            money.load_formats()
            for name in modules:
                state.check()
                importlib.import_module(name)

        self.ctx.tasks.run(
            work,
            on_done=lambda _r: gc.freeze(),
            on_error=lambda exc: log.debug("page preload stopped: %s", exc),
        )

    # --- navigation ----------------------------------------------------------------------------------
    def _index(self, key: str) -> int:
        return next((i for i, s in enumerate(self.specs) if s.key == key), -1)

    def show_page(self, key: str) -> QWidget | None:
        i = self._index(key)
        if i < 0:
            return None
        self.nav.setCurrentRow(i)
        return self.page(key)

    def page(self, key: str) -> QWidget | None:
        return self.pages.get(key)

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        spec = self.specs[row]
        if spec.key not in self.pages and spec.module not in sys.modules and self._started:
            if spec.key not in self._imported:  # loaded in the background, shown when it is in
                self._import_then_show(spec)
            if spec.key in self._loading:
                self.stack.setCurrentIndex(row)  # the empty placeholder until the page is built
                return
        if spec.key not in self.pages:
            page = self._build_page(spec)
            old = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
            self.pages[spec.key] = page
            page.refresh()  # type: ignore[attr-defined]
        self.stack.setCurrentIndex(row)
        self.ctx.user_settings.last_page = spec.key
        self.statusBar().showMessage(spec.title, 2000)

    def _import_then_show(self, spec: PageSpec) -> None:
        """A page whose code is not loaded yet (opened before the background preload reached it): its
        modules load in the task runner while the window stays live, then the page is shown if the
        clerk is still on it. An import that fails is retried on the GUI thread, which shows why."""
        self.statusBar().showMessage(_("Memuat {page}…").format(page=spec.title))
        self._imported.add(spec.key)
        self._loading.add(spec.key)

        def loaded(_result: object) -> None:
            self._loading.discard(spec.key)
            if self.nav.currentRow() == self._index(spec.key):
                self._on_nav(self.nav.currentRow())

        self.ctx.tasks.run(lambda _s: importlib.import_module(spec.module), on_done=loaded, on_error=loaded)

    def _build_page(self, spec: PageSpec) -> QWidget:
        module = importlib.import_module(spec.module)
        page: QWidget = module.Page(self.ctx)
        page.setObjectName(f"page_{spec.key}")
        return page

    def _build_menu(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(_("&Berkas"))
        refresh = QAction(icon("refresh"), _("Muat ulang"), self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh_current)
        file_menu.addAction(refresh)
        settings_action = QAction(icon("settings"), _("&Pengaturan…"), self)
        settings_action.setObjectName("action_settings")
        settings_action.setShortcut(QKeySequence("Ctrl+,"))
        settings_action.triggered.connect(self.show_settings)
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        quit_action = QAction(icon("quit"), _("&Keluar"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.file_menu = file_menu
        help_menu = menu.addMenu(_("&Bantuan"))
        guide = QAction(icon("help"), _("&Panduan"), self)
        guide.setObjectName("action_guide")
        guide.setShortcut(QKeySequence(Qt.Key.Key_F1))
        guide.triggered.connect(self.show_help)
        help_menu.addAction(guide)
        about = QAction(icon("about"), _("Tentang Kaltim Desk"), self)
        about.setObjectName("action_about")
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        self.help_menu = help_menu
        from kaltim_desk.views.dialogs.backup_dialog import install_safety_menu

        install_safety_menu(self)  # Keamanan: backup/restore, users, password, lock screen
        # Help stays the last menu, as in every Windows program, whatever menus features add.
        menu.removeAction(help_menu.menuAction())
        menu.addAction(help_menu.menuAction())

    def refresh_current(self) -> None:
        row = self.nav.currentRow()
        if 0 <= row < len(self.specs):
            page = self.pages.get(self.specs[row].key)
            if page is not None:
                page.refresh()  # type: ignore[attr-defined]

    def show_about(self) -> None:
        from kaltim_desk.views.dialogs.about import AboutDialog

        AboutDialog(self).exec()

    def show_help(self) -> None:
        """The guide in a window of its own, beside the main window (F1)."""
        from kaltim_desk.views.help import HelpWindow

        window = getattr(self, "help_window", None)
        if window is None:
            window = self.help_window = HelpWindow(self)
        window.show()
        window.raise_()
        window.activateWindow()

    def show_settings(self) -> None:
        from kaltim_desk.views.dialogs.settings_dialog import SettingsDialog

        if SettingsDialog(self.ctx, self).exec():
            self.refresh_current()

    def _update_status(self) -> None:
        actor = self.ctx.actor
        self.user_label.setText(
            _("Pengguna: {name} ({role})").format(
                name=actor.display_name or actor.username, role=user_role_labels().get(actor.role, actor.role)
            )
        )
        self.db_label.setText(str(self.ctx.db.path or self.ctx.db.url))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ctx.user_settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.ctx.user_settings.save()
        super().closeEvent(event)
