"""Every question the GUI asks a person goes through one Prompts object, so tests can answer them
(Picard's message boxes behind a service). Errors are shown as plain Indonesian, never a traceback."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from kaltim_desk.i18n import _
from kaltim_desk.user_settings import UserSettings


class Prompts(Protocol):
    def info(self, parent: QWidget | None, title: str, text: str) -> None: ...
    def error(self, parent: QWidget | None, title: str, text: str) -> None: ...
    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool: ...
    def choose(
        self, parent: QWidget | None, title: str, text: str, buttons: list[str], default: int = 0
    ) -> int: ...
    def ask_text(self, parent: QWidget | None, title: str, label: str, default: str = "") -> str | None: ...
    def open_file(self, parent: QWidget | None, title: str, filters: str) -> Path | None: ...
    def save_file(self, parent: QWidget | None, title: str, suggested: str, filters: str) -> Path | None: ...
    def choose_folder(self, parent: QWidget | None, title: str) -> Path | None: ...


class QtPrompts:
    """The real dialogs: message boxes built here and run with `exec()` (so a screenshot run can show
    them without blocking, scripts/screenshots.py). File pickers open in the folder this user chose
    last (kept in their preferences), else in Documents, never in the program's working folder."""

    def __init__(self, settings: UserSettings | None = None) -> None:
        self.settings = settings

    def _start(self, suggested: str = "") -> str:
        last = self.settings.last_folder if self.settings is not None else ""
        folder = last if last and Path(last).is_dir() else ""
        if not folder:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder) / suggested) if suggested else folder

    def _remember(self, path: Path) -> None:
        if self.settings is None:
            return
        self.settings.last_folder = str(path if path.is_dir() else path.parent)
        with contextlib.suppress(OSError):
            self.settings.save()

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent).exec()

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent).exec()

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            parent,
        )
        box.exec()
        return box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)

    def choose(
        self, parent: QWidget | None, title: str, text: str, buttons: list[str], default: int = 0
    ) -> int:
        """A question whose answers are not yes/no: one button per answer, named by what it does
        (`default` is what Enter means, the last is what Esc and the title bar's close mean). Returns
        the index of the answer."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
        made = [box.addButton(label, QMessageBox.ButtonRole.ActionRole) for label in buttons]
        box.setDefaultButton(made[default])
        box.setEscapeButton(made[-1])
        box.exec()
        clicked = box.clickedButton()
        return made.index(clicked) if clicked in made else len(buttons) - 1

    def ask_text(self, parent: QWidget | None, title: str, label: str, default: str = "") -> str | None:
        dialog = QInputDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(default)
        if dialog.exec() != QInputDialog.DialogCode.Accepted:
            return None
        return dialog.textValue()

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> Path | None:
        name, _sel = QFileDialog.getOpenFileName(parent, title, self._start(), filters)
        if not name:
            return None
        self._remember(Path(name))
        return Path(name)

    def save_file(self, parent: QWidget | None, title: str, suggested: str, filters: str) -> Path | None:
        name, _sel = QFileDialog.getSaveFileName(parent, title, self._start(suggested), filters)
        if not name:
            return None
        self._remember(Path(name))
        return Path(name)

    def choose_folder(self, parent: QWidget | None, title: str) -> Path | None:
        name = QFileDialog.getExistingDirectory(parent, title, self._start())
        if not name:
            return None
        self._remember(Path(name))
        return Path(name)


def describe_error(exc: BaseException) -> str:
    """What a clerk reads for a failure: the shared description of a failure we can name
    (`core.errors.describe_failure`, the CLI shows the same), or a plain sentence for anything else."""
    from kaltim_desk.core.errors import describe_failure
    from kaltim_desk.logs import log_path

    known = describe_failure(exc)
    if known is not None:
        return known
    return _(
        "Terjadi kesalahan tak terduga; tidak ada data yang hilang. Rinciannya dicatat di {path}."
    ).format(path=log_path())
