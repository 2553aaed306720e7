"""The user guide, shipped as HTML in `resources/help/` (Indonesian `panduan.html`, English
`guide-en.html`) and shown in a plain QTextBrowser: no web engine, works offline, links inside the page
jump to sections. Opened from Help -> Guide (F1)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from kaltim_desk.config import resource
from kaltim_desk.i18n import _, language
from kaltim_desk.views.widgets.form_dialog import fit_to_screen

GUIDES = {"id": "panduan.html", "en": "guide-en.html"}


def guide_path(lang: str | None = None) -> Path:
    """The guide in `lang` (the current language by default), falling back to Indonesian."""
    name = GUIDES.get(lang or language(), GUIDES["id"])
    path = resource("help", name)
    return path if path.exists() else resource("help", GUIDES["id"])


def icon(name: str) -> QIcon:
    """One of the app's icons (`resources/icons/<name>.svg`); a plain page icon for a name without one,
    so a new page never leaves a gap in the navigation."""
    path = resource("icons", f"{name}.svg")
    if not path.exists():
        path = resource("icons", "page.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


class HelpWindow(QDialog):
    """A non-modal window with the guide; stays open beside the main window while a person works."""

    def __init__(self, parent: QWidget | None = None, lang: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("help_window")
        self.setWindowTitle(_("Panduan Kaltim Desk"))
        self.setWindowIcon(icon("help"))
        self.setModal(False)
        fit_to_screen(self, 760, 620)
        self.browser = QTextBrowser()
        self.browser.setObjectName("help_browser")
        self.browser.setOpenExternalLinks(True)
        path = guide_path(lang)
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setSource(QUrl.fromLocalFile(str(path)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self).activated.connect(self.browser.backward)

    def text(self) -> str:
        return self.browser.toPlainText()


def app_icon() -> QIcon:
    """The application's icon (window title bars, task bar); the .ico carries every size on Windows."""
    for name in ("kaltim-desk.ico", "kaltim-desk.png"):
        path = resource("icons", name)
        if path.exists():
            return QIcon(str(path))
    return QIcon()
