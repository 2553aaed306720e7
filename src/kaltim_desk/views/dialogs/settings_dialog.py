"""Settings (File -> Settings, Ctrl+,): everything the first-run wizard asked, changeable later.

Office-wide settings (office and letterhead, signatories, number templates, registry rules, the aid and
monitoring rules, the idle lock and network mode) are stored in the database and need the
`settings.edit` permission (admin, checked again by `save_section`); other roles see them read-only. The
training completion rule and the certificate keep their own dialog on the Pelatihan page. The
display language is a per-user preference (`UserSettings.language`) that anyone may change; it takes
effect when Kaltim Desk is opened again, so no window is ever left half in one language.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kaltim_desk.app import AppContext
from kaltim_desk.core.document_rules import DocumentRules
from kaltim_desk.core.numbering import NumberTemplates
from kaltim_desk.core.settings import OfficeProfile, RegistryRules, load_section, save_section
from kaltim_desk.i18n import LANGUAGES, _
from kaltim_desk.services.aid.aid_rules import AidRules
from kaltim_desk.services.monitoring.schedule import MonitoringRules
from kaltim_desk.services.office.startup import SafetySettings
from kaltim_desk.views.dialogs.office_forms import (
    NumberingForm,
    OfficeForm,
    ProgrammeRulesForm,
    RulesForm,
    SafetyForm,
    SignatoriesForm,
)
from kaltim_desk.views.help import icon
from kaltim_desk.views.prompts import describe_error
from kaltim_desk.views.widgets.form_dialog import fit_to_screen

Editor = OfficeForm | SignatoriesForm | NumberingForm | RulesForm | ProgrammeRulesForm | SafetyForm


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("settings_dialog")
        self.setWindowTitle(_("Pengaturan"))
        self.setWindowIcon(icon("settings"))
        fit_to_screen(self, 900, 580)  # wide enough for every tab title at once
        with ctx.read() as s:
            self.profile = load_section(s, OfficeProfile)
            self.numbering = load_section(s, NumberTemplates)
            self.rules = load_section(s, RegistryRules)
            self.aid_rules = load_section(s, AidRules)
            self.document_rules = load_section(s, DocumentRules)
            self.monitoring_rules = load_section(s, MonitoringRules)
            self.safety = load_section(s, SafetySettings)
        self.can_edit = ctx.can("settings.edit")

        self.office_form = OfficeForm(ctx)
        self.office_form.load(self.profile)
        self.signatories_form = SignatoriesForm(require_names=False)
        self.signatories_form.load(self.profile)
        self.numbering_form = NumberingForm()
        self.numbering_form.load(self.numbering, self.profile.office_code)
        self.office_form.code.textChanged.connect(self.numbering_form.set_office_code)
        self.rules_form = RulesForm()
        self.rules_form.load(self.rules)
        self.programme_form = ProgrammeRulesForm()
        self.programme_form.load(self.aid_rules, self.monitoring_rules, self.document_rules)
        self.safety_form = SafetyForm()
        self.safety_form.load(self.safety)

        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(ctx.user_settings.language), 0))
        language_page = QWidget()
        language_form = QFormLayout(language_page)
        language_form.addRow(_("Bahasa tampilan"), self.language)
        note = QLabel(_("Bahasa baru dipakai setelah Kaltim Desk ditutup dan dibuka kembali."))
        note.setWordWrap(True)
        language_form.addRow("", note)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings_tabs")
        self.tabs.addTab(self.office_form, _("Kantor dan kop surat"))
        self.tabs.addTab(self.signatories_form, _("Penanda tangan"))
        self.tabs.addTab(self.numbering_form, _("Nomor surat"))
        self.tabs.addTab(self.rules_form, _("Aturan pendataan"))
        self.tabs.addTab(self.programme_form, _("Aturan program"))
        self.tabs.addTab(self.safety_form, _("Keamanan"))
        self.tabs.addTab(language_page, _("Bahasa"))
        if not self.can_edit:
            for form in self.office_forms():
                form.setEnabled(False)

        self.read_only_note = QLabel(_("Hanya admin yang dapat mengubah pengaturan kantor."))
        self.read_only_note.setObjectName("read_only_note")
        self.read_only_note.setVisible(not self.can_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.setObjectName("buttons")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.read_only_note)
        layout.addWidget(buttons)

    def office_forms(self) -> tuple[Editor, ...]:
        """The editors of office-wide settings (each one tab), in tab order."""
        return (
            self.office_form,
            self.signatories_form,
            self.numbering_form,
            self.rules_form,
            self.programme_form,
            self.safety_form,
        )

    def problems(self) -> list[tuple[int, str]]:
        """(tab index, problem) for every editor; an empty list means the settings can be saved."""
        found: list[tuple[int, str]] = []
        if not self.can_edit:
            return found
        for form in self.office_forms():
            found += [(self.tabs.indexOf(form), p) for p in form.problems()]
        return found

    def save(self) -> None:
        problems = self.problems()
        if problems:
            self.tabs.setCurrentIndex(problems[0][0])
            self.ctx.prompts.error(self, _("Pengaturan"), "\n".join(p for _i, p in problems))
            return
        if self.can_edit:
            profile = self.signatories_form.apply(self.office_form.apply(self.profile))
            numbering = self.numbering_form.value(self.numbering)
            rules = self.rules_form.value(self.rules)
            aid_rules = self.programme_form.aid.value(self.aid_rules)
            document_rules = self.programme_form.documents.value(self.document_rules)
            monitoring_rules = self.programme_form.monitoring.value(self.monitoring_rules)
            safety = self.safety_form.value(self.safety)
            try:
                with self.ctx.session() as s:
                    for before, after in (
                        (self.profile, profile),
                        (self.numbering, numbering),
                        (self.rules, rules),
                        (self.aid_rules, aid_rules),
                        (self.document_rules, document_rules),
                        (self.monitoring_rules, monitoring_rules),
                        (self.safety, safety),
                    ):
                        if after != before:
                            save_section(s, after)
            except Exception as exc:
                self.ctx.prompts.error(self, _("Pengaturan"), describe_error(exc))
                return
        lang = self.language.currentData()
        if lang != self.ctx.user_settings.language:
            self.ctx.user_settings.language = lang
            self.ctx.user_settings.save()
            self.ctx.prompts.info(
                self,
                _("Bahasa"),
                _("Bahasa tampilan menjadi {language} setelah Kaltim Desk dibuka kembali.").format(
                    language=LANGUAGES[lang]
                ),
            )
        self.accept()
