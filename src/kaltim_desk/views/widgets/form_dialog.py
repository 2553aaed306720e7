"""What every data-entry dialog does the same way: it fits the screen it opens on, remembers its size and
whether it was maximised, and asks before Esc, Batal or the title bar's close throw away what was typed.

A dialog subclasses `FormDialog`, calls `remember_as("person_form")` and `mark_clean()` once its fields
are loaded, and implements `form_state()` (what the fields hold now) and `save()` (returns whether it
saved and closed). The question is the one a Windows office program asks: Simpan / Jangan simpan / Batal.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from kaltim_desk.app import AppContext
from kaltim_desk.i18n import _


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to `width` x `height`, but never beyond the work area of the screen it opens on (a 1366x768
    laptop at 125% has about 1093x582 device-independent pixels)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        frame = 40  # the window manager's title bar and borders
        width = min(width, area.width() - 16)
        height = min(height, area.height() - frame)
    widget.resize(width, height)


class FormDialog(QDialog):
    """A form that asks before discarding changes and remembers its geometry per user."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._clean: Any = None
        self._settings_key = ""
        self._closing = False

    # --- what a subclass provides --------------------------------------------------------------------
    def form_state(self) -> Any:
        """A comparable picture of every field (the default: nothing to lose)."""
        return None

    def save(self) -> None:  # pragma: no cover - every subclass saves its own way
        raise NotImplementedError

    # --- unsaved changes -----------------------------------------------------------------------------
    def mark_clean(self) -> None:
        self._clean = self.form_state()

    def is_dirty(self) -> bool:
        return self.form_state() != self._clean

    def reject(self) -> None:
        """Esc, Batal and the close box come here: ask first when something was typed."""
        if self.result() == QDialog.DialogCode.Accepted or not self.is_dirty():
            self._remember()
            super().reject()
            return
        answer = self.ctx.prompts.choose(
            self,
            self.windowTitle(),
            _("Ada isian yang belum disimpan. Simpan sebelum menutup?"),
            [_("Simpan"), _("Jangan simpan"), _("Kembali ke formulir")],
        )
        if answer == 0:
            self.save()  # closes itself when the save succeeds; stays open showing the problem otherwise
        elif answer == 1:
            self._remember()
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isVisible() and self.result() != QDialog.DialogCode.Accepted and self.is_dirty():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    def done(self, code: int) -> None:
        self._remember()
        super().done(code)

    # --- size and maximised state --------------------------------------------------------------------
    def remember_as(self, key: str, width: int, height: int) -> None:
        """Open at the size this user left it (maximised if it was), else `width` x `height` fitted to
        the screen."""
        self._settings_key = key
        fit_to_screen(self, width, height)
        saved = self.ctx.user_settings.extra.get(f"{key}.geometry", "")
        if saved:
            self.restoreGeometry(QByteArray.fromBase64(saved.encode()))
        if self.ctx.user_settings.extra.get(f"{key}.maximized") == "1":
            self.setWindowState(self.windowState() | self.windowState().WindowMaximized)

    def _remember(self) -> None:
        if not self._settings_key or not self.isVisible():
            return
        extra = self.ctx.user_settings.extra
        extra[f"{self._settings_key}.maximized"] = "1" if self.isMaximized() else "0"
        if not self.isMaximized():
            extra[f"{self._settings_key}.geometry"] = bytes(self.saveGeometry().toBase64().data()).decode()
        # preferences are a courtesy: a read-only profile must not stop the form from closing
        with contextlib.suppress(OSError):
            self.ctx.user_settings.save()
