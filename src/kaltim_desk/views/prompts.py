"""Every question the GUI asks a person goes through one Prompts object, so tests can answer them
(Picard's message boxes behind a service). Errors are shown as plain Indonesian, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from kaltim_desk.i18n import _


class Prompts(Protocol):
    def info(self, parent: QWidget | None, title: str, text: str) -> None: ...
    def error(self, parent: QWidget | None, title: str, text: str) -> None: ...
    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool: ...
    def ask_text(self, parent: QWidget | None, title: str, label: str, default: str = "") -> str | None: ...
    def open_file(self, parent: QWidget | None, title: str, filters: str) -> Path | None: ...
    def save_file(self, parent: QWidget | None, title: str, suggested: str, filters: str) -> Path | None: ...
    def choose_folder(self, parent: QWidget | None, title: str) -> Path | None: ...


class QtPrompts:
    """The real dialogs."""

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, parent: QWidget | None, title: str, label: str, default: str = "") -> str | None:
        text, ok = QInputDialog.getText(parent, title, label, text=default)
        return text if ok else None

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> Path | None:
        name, _sel = QFileDialog.getOpenFileName(parent, title, "", filters)
        return Path(name) if name else None

    def save_file(self, parent: QWidget | None, title: str, suggested: str, filters: str) -> Path | None:
        name, _sel = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return Path(name) if name else None

    def choose_folder(self, parent: QWidget | None, title: str) -> Path | None:
        name = QFileDialog.getExistingDirectory(parent, title)
        return Path(name) if name else None


def describe_error(exc: BaseException) -> str:
    """What a clerk reads for a failure: the domain message, or a plain sentence for anything else."""
    from sqlalchemy.exc import OperationalError

    from kaltim_desk import dialect
    from kaltim_desk.core.errors import DomainError
    from kaltim_desk.logs import log_path

    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, OperationalError):
        text = str(exc.orig) if exc.orig else str(exc)
        # dialect: PostgreSQL says it by SQLSTATE (disk full 53100; lock timeout 55P03, deadlock 40P01)
        if dialect.is_disk_full_error(exc) or "full" in text or "disk" in text:
            return _(
                "Penyimpanan penuh: perubahan dibatalkan, tidak ada data yang berubah. Kosongkan ruang disk lalu ulangi."
            )
        if dialect.is_busy_error(exc) or "locked" in text or "busy" in text:
            return _("Basis data sedang dipakai proses lain. Tunggu sebentar lalu ulangi.")
        return _("Basis data tidak dapat ditulis: perubahan dibatalkan. Rincian: {detail}").format(
            detail=text
        )
    if isinstance(exc, OSError):
        return _("Berkas tidak dapat dibaca atau ditulis: {detail}").format(detail=exc.strerror or str(exc))
    return _(
        "Terjadi kesalahan tak terduga; tidak ada data yang hilang. Rinciannya dicatat di {path}."
    ).format(path=log_path())
