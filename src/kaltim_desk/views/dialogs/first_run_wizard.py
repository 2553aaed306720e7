"""The first-run wizard: set up the office (which office, letterhead, signatories, number templates),
create the administrator account, or use a demo office for training instead.

Shown by `views.application.run_gui` when the database is empty and no office profile has been saved.
Nothing is written until Finish, and then everything in one unit of work: a cancelled wizard leaves the
database as it was and appears again at the next start. Everything it asks can be changed later in
Settings (the same editors, `office_forms`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kaltim_desk.app import AppContext
from kaltim_desk.config import resource
from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.numbering import NumberTemplates
from kaltim_desk.core.settings import OfficeProfile, get_raw, load_section, save_section
from kaltim_desk.i18n import _
from kaltim_desk.services.office import users
from kaltim_desk.views.dialogs.office_forms import ERROR_STYLE, NumberingForm, OfficeForm, SignatoriesForm
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.demo_accounts import DemoAccountsTable
from kaltim_desk.views.widgets.form_dialog import fit_to_screen
from kaltim_desk.views.widgets.inputs import password_edit

START, OFFICE, SIGNATORIES, NUMBERING, ADMIN = range(5)
DEMO_PEOPLE = 300


def needs_setup(ctx: AppContext) -> bool:
    """First start: no people yet and no office profile saved (a demo office saves one too)."""
    from kaltim_desk.services.office.bootstrap import is_empty

    if not is_empty(ctx.db):
        return False
    with ctx.read() as s:
        return get_raw(s, OfficeProfile.SECTION) is None


def _message_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


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


class FormPage(QWizardPage):
    """A page holding one of the office editors; Next is refused while the editor lists a problem."""

    def __init__(self, title: str, subtitle: str, form: Any, next_id: int) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.form = form
        self._next = next_id
        layout = QVBoxLayout(self)
        layout.addWidget(form)

    def nextId(self) -> int:
        wizard = self.wizard()
        if self._next == ADMIN and isinstance(wizard, FirstRunWizard) and not wizard.asks_admin:
            return -1
        return self._next

    def validatePage(self) -> bool:
        return not self.form.problems()


class AdminPage(QWizardPage):
    """The first account: always an administrator (it creates the other accounts later)."""

    def __init__(self, users: Any) -> None:
        super().__init__()
        self.users = users
        self.setTitle(_("Akun admin"))
        self.setSubTitle(_("Akun pertama mengelola pengguna lain dan pengaturan kantor."))
        self.username = QLineEdit()
        self.username.setObjectName("admin_username")
        self.username.setPlaceholderText(_("huruf kecil, mis. admin.dinsos"))
        self.display_name = QLineEdit()
        self.display_name.setObjectName("admin_display_name")
        self.password = password_edit("admin_password")
        self.repeat = password_edit("admin_repeat")
        self.message = _message_label("admin_message")
        form = QFormLayout(self)
        form.addRow(_("Nama pengguna *"), self.username)
        form.addRow(_("Nama lengkap *"), self.display_name)
        form.addRow(_("Kata sandi *"), self.password)
        form.addRow(_("Ulangi kata sandi *"), self.repeat)
        hint = QLabel(
            _(
                "Paling sedikit 8 karakter. Catat di tempat aman: tanpa akun admin, pengguna tidak dapat dikelola."
            )
        )
        hint.setWordWrap(True)
        form.addRow("", hint)
        form.addRow("", self.message)

    def problem(self) -> str:
        username = self.username.text().strip().lower()
        if not self.users.USERNAME_RE.match(username):
            return _("Nama pengguna 3-60 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.")
        if not self.display_name.text().strip():
            return _("Nama lengkap wajib diisi.")
        if self.password.text() != self.repeat.text():
            return _("Kedua kata sandi tidak sama.")
        try:
            self.users.check_password_strength(self.password.text(), username)
        except DomainError as exc:
            return exc.message
        return ""

    def validatePage(self) -> bool:
        problem = self.problem()
        self.message.setText(problem)
        return not problem


class FirstRunWizard(QWizard):
    """`choice` is "demo" or "office" after Finish; `admin` the created account (or None)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.choice = ""
        self.admin: Any = None
        self.demo_people = DEMO_PEOPLE
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

        with ctx.read() as s:
            self.profile = load_section(s, OfficeProfile)
            self.numbering = load_section(s, NumberTemplates)
        with ctx.read() as s:
            self.asks_admin = not users.users_exist(s)

        self.start = StartPage()
        self.office_form = OfficeForm(ctx)
        self.office_form.load(self.profile)
        self.signatories_form = SignatoriesForm()
        self.signatories_form.load(self.profile)
        self.numbering_form = NumberingForm()
        self.numbering_form.load(self.numbering, self.profile.office_code)
        self.office_form.code.textChanged.connect(self.numbering_form.set_office_code)

        self.setPage(START, self.start)
        self.setPage(
            OFFICE,
            FormPage(
                _("Kantor dan kop surat"),
                _("Kantor mana yang memakai Kaltim Desk ini, dan kop surat yang dicetak di dokumennya."),
                self.office_form,
                SIGNATORIES,
            ),
        )
        self.setPage(
            SIGNATORIES,
            FormPage(
                _("Pejabat penanda tangan"),
                _("Nama, jabatan, pangkat dan NIP yang dicetak di bawah tanda tangan."),
                self.signatories_form,
                NUMBERING,
            ),
        )
        self.setPage(
            NUMBERING,
            FormPage(
                _("Nomor surat"),
                _("Pola nomor surat dan sertifikat kantor Anda (tata naskah dinas)."),
                self.numbering_form,
                ADMIN,
            ),
        )
        self.admin_page: AdminPage | None = None
        if self.asks_admin:
            self.admin_page = AdminPage(users)
            self.setPage(ADMIN, self.admin_page)
        self.setStartId(START)

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
                self._save_office()
                self.choice = "office"
        except Exception as exc:
            self.ctx.prompts.error(self, _("Penyiapan Kaltim Desk"), describe_error(exc))
            return
        super().accept()

    def _save_office(self) -> None:
        profile = self.signatories_form.apply(self.office_form.apply(self.profile))
        numbering = self.numbering_form.value(self.numbering)
        with self.ctx.session() as s:
            if self.admin_page is not None:
                page = self.admin_page
                self.admin = page.users.create_user(
                    s,
                    page.username.text().strip().lower(),
                    page.display_name.text().strip(),
                    "admin",
                    page.password.text(),
                )
            save_section(s, profile)
            save_section(s, numbering)

    def _create_demo(self) -> bool:
        from kaltim_desk.demo.office import create_demo_office

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
                self.ctx.db, people=self.demo_people, progress=progress, is_cancelled=dialog.wasCanceled
            )
        finally:
            dialog.close()
        return True
