"""The first-run wizard's office pages (office and letterhead, signatories, number templates, the admin
account), added to the wizard when the person goes past its start page (`add_office_pages`).

They read the database (the packaged regions, the saved or default profile, whether accounts exist) and
use the office editors, which load the settings, the user services and SQLAlchemy with them: none of that
is needed to paint the start page, which a first start shows while the database is still being made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWizardPage

from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.numbering import NumberTemplates
from kaltim_desk.core.settings import OfficeProfile, load_section, save_section
from kaltim_desk.i18n import _
from kaltim_desk.services.office import users
from kaltim_desk.views.dialogs.office_forms import ERROR_STYLE, NumberingForm, OfficeForm, SignatoriesForm
from kaltim_desk.views.widgets.inputs import password_edit


@dataclass(frozen=True)
class PageIds:
    """The wizard's ids for the pages added here (`first_run_wizard` numbers its pages)."""

    office: int
    signatories: int
    numbering: int
    admin: int


def _message_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


class FormPage(QWizardPage):
    """A page holding one of the office editors; Next is refused while the editor lists a problem."""

    def __init__(
        self, title: str, subtitle: str, form: Any, next_id: int, *, admin_next: bool = False
    ) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.form = form
        self._next = next_id
        self._admin_next = admin_next  # the next page is the admin account's, asked only when none exists
        layout = QVBoxLayout(self)
        layout.addWidget(form)

    def nextId(self) -> int:
        wizard = self.wizard()
        if self._admin_next and not getattr(wizard, "asks_admin", True):
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


def add_office_pages(wizard: Any, ids: PageIds) -> None:
    """Load the office's profile and number templates (saved ones, else the defaults) and add the pages
    that edit them to `wizard` (the `FirstRunWizard`: its `ctx`, and the attributes set here), and the
    admin account's page when no account exists yet."""
    ctx = wizard.ctx
    with ctx.read() as s:
        wizard.profile = load_section(s, OfficeProfile)
        wizard.numbering = load_section(s, NumberTemplates)
        wizard.asks_admin = not users.users_exist(s)
    wizard.office_form = OfficeForm(ctx)
    wizard.office_form.load(wizard.profile)
    wizard.signatories_form = SignatoriesForm()
    wizard.signatories_form.load(wizard.profile)
    wizard.numbering_form = NumberingForm()
    wizard.numbering_form.load(wizard.numbering, wizard.profile.office_code)
    wizard.office_form.code.textChanged.connect(wizard.numbering_form.set_office_code)

    wizard.setPage(
        ids.office,
        FormPage(
            _("Kantor dan kop surat"),
            _("Kantor mana yang memakai Kaltim Desk ini, dan kop surat yang dicetak di dokumennya."),
            wizard.office_form,
            ids.signatories,
        ),
    )
    wizard.setPage(
        ids.signatories,
        FormPage(
            _("Pejabat penanda tangan"),
            _("Nama, jabatan, pangkat dan NIP yang dicetak di bawah tanda tangan."),
            wizard.signatories_form,
            ids.numbering,
        ),
    )
    wizard.setPage(
        ids.numbering,
        FormPage(
            _("Nomor surat"),
            _("Pola nomor surat dan sertifikat kantor Anda (tata naskah dinas)."),
            wizard.numbering_form,
            ids.admin,
            admin_next=True,
        ),
    )
    if wizard.asks_admin:
        wizard.admin_page = AdminPage(users)
        wizard.setPage(ids.admin, wizard.admin_page)


def save_office(wizard: Any) -> None:
    """The office, its signatories and number templates and the admin account, in one unit of work."""
    profile = wizard.signatories_form.apply(wizard.office_form.apply(wizard.profile))
    numbering = wizard.numbering_form.value(wizard.numbering)
    with wizard.ctx.session() as s:
        if wizard.admin_page is not None:
            page = wizard.admin_page
            wizard.admin = page.users.create_user(
                s,
                page.username.text().strip().lower(),
                page.display_name.text().strip(),
                "admin",
                page.password.text(),
            )
        save_section(s, profile)
        save_section(s, numbering)
