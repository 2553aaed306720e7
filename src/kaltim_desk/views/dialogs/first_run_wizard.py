"""The first-run wizard: set up the office (which office, letterhead, signatories, number templates),
create the administrator account, or use a demo office for training instead.

Shown by `views.application.run_gui` when the database is empty and no office profile has been saved.
Nothing is written until Finish, and then everything in one unit of work: a cancelled wizard leaves the
database as it was and appears again at the next start. Everything it asks can be changed later in
Settings (the same editors, `office_forms`).

The start page (own office or demo office) needs no database, so on a first-ever start the wizard is on
screen while the database is still being made and prepared in the background (`views.startup.
DatabaseOpening`): the wizard asks for its context (`ctx`) only when the office pages are added
(`first_run_pages`, after the start page) or the demo office is made, and waits for it then if needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QLabel,
    QProgressDialog,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kaltim_desk.config import resource
from kaltim_desk.i18n import _
from kaltim_desk.views.prompts import Prompts, describe_error
from kaltim_desk.views.widgets.demo_accounts import DemoAccountsTable
from kaltim_desk.views.widgets.form_dialog import fit_to_screen

if TYPE_CHECKING:
    from kaltim_desk.app import AppContext
    from kaltim_desk.views.startup import DatabaseOpening

START, OFFICE, SIGNATORIES, NUMBERING, ADMIN = range(5)
DEMO_PEOPLE = 300


def needs_setup(ctx: AppContext) -> bool:
    """First start: no people yet and no office profile saved (a demo office saves one too)."""
    # lazy: the settings and the models load SQLAlchemy, which this module's start page does without
    from kaltim_desk.core.settings import OfficeProfile, get_raw
    from kaltim_desk.services.office.bootstrap import is_empty

    if not is_empty(ctx.db):
        return False
    with ctx.read() as s:
        return get_raw(s, OfficeProfile.SECTION) is None


class StartPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Selamat datang di Kaltim Desk"))
        self.setSubTitle(_("Beberapa langkah singkat untuk menyiapkan kantor Anda."))
        self.own = QRadioButton(_("Siapkan kantor saya (data sungguhan)"))
        self.own.setObjectName("choice_own")
        self.demo = QRadioButton(_("Pakai kantor demo berisi data contoh, untuk latihan"))
        self.demo.setObjectName("choice_demo")
        self.own.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.own)
        group.addButton(self.demo)
        explain = QLabel(
            _(
                "Kantor demo berisi penerima, kelompok, bantuan, pelatihan dan kunjungan rekaan serta akun "
                "demo. Jangan memakainya untuk data sungguhan. Semua pilihan kantor dapat diubah kemudian "
                "di Berkas → Pengaturan."
            )
        )
        explain.setWordWrap(True)
        # The demo office is entered with these accounts: said here, before Finish, and again on the
        # login screen that follows (a trainee must not have to look in docs/SECURITY.md).
        self.accounts_intro = QLabel(
            _(
                "Sesudah Selesai, layar masuk muncul. Masuk dengan salah satu akun demo ini (klik barisnya di "
                "layar masuk untuk mengisinya); mulailah sebagai operator untuk mendata penerima:"
            )
        )
        self.accounts_intro.setObjectName("demo_accounts_intro")
        self.accounts_intro.setWordWrap(True)
        self.accounts = DemoAccountsTable()
        self.accounts_intro.setVisible(False)
        self.accounts.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.own)
        layout.addWidget(self.demo)
        layout.addSpacing(12)
        layout.addWidget(explain)
        layout.addSpacing(8)
        layout.addWidget(self.accounts_intro)
        layout.addWidget(self.accounts)
        layout.addStretch(1)
        # Choosing the demo office makes this the last page: Finish replaces Next.
        self.demo.toggled.connect(self.setFinalPage)
        self.demo.toggled.connect(self.accounts_intro.setVisible)
        self.demo.toggled.connect(self.accounts.setVisible)

    def nextId(self) -> int:
        return -1 if self.demo.isChecked() else OFFICE

    def validatePage(self) -> bool:
        """Going on to set up an office: its pages are made now (they need the database)."""
        wizard = self.wizard()
        if self.demo.isChecked() or not isinstance(wizard, FirstRunWizard):
            return True
        return wizard.add_office_pages()


class FirstRunWizard(QWizard):
    """`choice` is "demo" or "office" after Finish; `admin` the created account (or None).

    Give it the context of an open database (`ctx`), or, on a first-ever start, the database being
    opened in the background (`opening`) and the prompts to speak with until it is. `first_painted`
    fires once the wizard is on screen (a first start begins opening the database then)."""

    first_painted = Signal()

    def __init__(
        self,
        ctx: AppContext | None = None,
        parent: QWidget | None = None,
        *,
        opening: DatabaseOpening | None = None,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        if ctx is None and opening is None:
            raise ValueError("FirstRunWizard needs a context or a database being opened")
        self._ctx = ctx
        self.opening = opening
        self.prompts: Prompts = prompts if prompts is not None else ctx.prompts  # type: ignore[union-attr]
        self.choice = ""
        self.admin: Any = None
        self.demo_people = DEMO_PEOPLE
        # Set by `first_run_pages.add_office_pages` when the person goes past the start page.
        self.profile: Any = None
        self.numbering: Any = None
        self.asks_admin = True
        self.office_form: Any = None
        self.signatories_form: Any = None
        self.numbering_form: Any = None
        self.admin_page: Any = None
        self.setObjectName("first_run_wizard")
        self.setWindowTitle(_("Penyiapan Kaltim Desk"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        logo = QPixmap(str(resource("icons", "kaltim-desk.png")))
        if not logo.isNull():
            self.setPixmap(
                QWizard.WizardPixmap.LogoPixmap,
                logo.scaled(
                    48, 48, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                ),
            )
        self.setMinimumSize(640, 480)
        fit_to_screen(self, 760, 560)
        self.painted = False
        self.start = StartPage()
        self.setPage(START, self.start)
        self.setStartId(START)

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            self.first_painted.emit()

    @property
    def ctx(self) -> AppContext:
        """The open database's context; on a first start, waits for the database being opened (raises
        its error if it could not be)."""
        if self._ctx is None:
            assert self.opening is not None
            self._ctx = self.opening.context()
        return self._ctx

    def add_office_pages(self) -> bool:
        """Add the office pages once (False, with the reason shown, when the database could not be
        opened: the wizard then closes)."""
        if self.office_form is not None:
            return True
        # lazy: the office pages load the settings, the user services and SQLAlchemy; the start page is
        # painted without them
        from kaltim_desk.views.dialogs.first_run_pages import PageIds, add_office_pages

        try:
            add_office_pages(self, PageIds(OFFICE, SIGNATORIES, NUMBERING, ADMIN))
        except Exception as exc:
            self._report(exc)
            self.reject()
            return False
        return True

    def _report(self, exc: BaseException) -> None:
        if self.opening is not None and exc is self.opening.error:
            return  # the database being opened failed: already shown, and the wizard closes
        self.prompts.error(self, _("Penyiapan Kaltim Desk"), describe_error(exc))

    # --- finishing -----------------------------------------------------------------------------------
    def accept(self) -> None:
        # Qt validates the last page only after accept() returns; validate every page on the way first,
        # so nothing is saved while any of them still lists a problem (the office, signatories, numbers
        # and the admin account are then saved together in one unit of work).
        for page_id in [] if self.start.demo.isChecked() else self.visitedIds():
            page = self.page(page_id)
            if page is not None and not page.validatePage():
                if page_id != self.currentId():
                    while self.currentId() != page_id and self.currentId() != START:
                        self.back()
                return
        try:
            if self.start.demo.isChecked():
                if not self._create_demo():
                    return
                self.choice = "demo"
            else:
                from kaltim_desk.views.dialogs.first_run_pages import (
                    save_office,  # lazy: see add_office_pages
                )

                save_office(self)
                self.choice = "office"
        except Exception as exc:
            self._report(exc)
            return
        super().accept()

    def _create_demo(self) -> bool:
        # lazy: the demo office loads every feature's services
        from kaltim_desk.demo.office import create_demo_office

        db = self.ctx.db
        dialog = QProgressDialog(_("Membuat kantor demo…"), _("Batal"), 0, 5, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(600)

        def progress(done: int, total: int, label: str) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)
            dialog.setLabelText(_(label))
            QApplication.processEvents()

        try:
            create_demo_office(
                db, people=self.demo_people, progress=progress, is_cancelled=dialog.wasCanceled
            )
        finally:
            dialog.close()
        return True
