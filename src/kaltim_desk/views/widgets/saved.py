"""After a file is written: say where, and offer to open it or its folder, as office programs do.

An OK box that only names a path leaves the clerk hunting for the file in Explorer; "Buka berkas" and
"Buka folder" take them there. When the system has no program for the file (no PDF viewer installed),
they are told so and where the file is, instead of nothing happening.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from kaltim_desk.app import AppContext
from kaltim_desk.i18n import _


def open_path(path: Path) -> bool:
    """Open a file or folder with the system's program for it; False when none opened."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))


def tell_saved(ctx: AppContext, parent: QWidget | None, title: str, text: str, path: Path) -> None:
    """`text` (which names the file) with Buka berkas / Buka folder / Tutup."""
    folder = path if path.is_dir() else path.parent
    buttons = (
        [_("Buka folder"), _("Tutup")] if path.is_dir() else [_("Buka berkas"), _("Buka folder"), _("Tutup")]
    )
    answer = ctx.prompts.choose(parent, title, text, buttons, default=len(buttons) - 1)
    if answer == len(buttons) - 1:
        return
    target = path if buttons[answer] == _("Buka berkas") else folder
    if not open_path(target):
        ctx.prompts.error(
            parent,
            title,
            _("Tidak ada program di komputer ini untuk membuka {name}. Berkasnya ada di {folder}.").format(
                name=target.name, folder=folder
            ),
        )
